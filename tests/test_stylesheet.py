"""The site's stylesheets are written into every page's head (chibo/stylesheet.py): no round trip
before the first paint on a slow network, and the CSP still refuses any other inline style."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from chibo import stylesheet
from demo import weight


@pytest.fixture(autouse=True)
def _fresh_cache():
    stylesheet._cached.cache_clear()
    yield
    stylesheet._cached.cache_clear()


def _nonce(response) -> str:
    policy = response["Content-Security-Policy"]
    style_src = next(part for part in policy.split(";") if part.strip().startswith("style-src"))
    assert "'unsafe-inline'" not in style_src
    return re.search(r"'nonce-([^']+)'", style_src).group(1)


def test_the_page_carries_one_style_with_the_policy_s_nonce_and_links_no_stylesheet(client):
    response = client.get(reverse("accounts:login"))
    page = response.content.decode()
    nonce = _nonce(response)
    assert page.count("<style") == 1
    assert f'<style nonce="{nonce}">' in page
    assert page.index("<style") < page.index("</head>")
    assert ".roll > li" in page  # css/chibo.css
    if finders.find("build/bootstrap.css"):  # built by npm run build (make setup-dev, the Dockerfile)
        assert "--bs-body-bg" in page and "\ufeff" not in page
        assert 'rel="stylesheet"' not in page


def test_each_response_has_its_own_nonce(client):
    first = client.get(reverse("accounts:login"))
    del client.cookies[stylesheet.COOKIE]  # a browser's first page again
    second = client.get(reverse("accounts:login"))
    assert _nonce(first) != _nonce(second)


def test_a_stylesheet_not_built_yet_is_linked(client, monkeypatch):
    monkeypatch.setattr(stylesheet, "STYLESHEETS", ("css/chibo.css", "build/not-built.css"))
    page = client.get(reverse("accounts:login")).content.decode()
    assert ".roll > li" in page
    assert '<link rel="stylesheet" href="/static/build/not-built.css">' in page


def test_the_css_cannot_close_the_style_element():
    assert stylesheet._clean('\ufeff@charset "UTF-8";a{content:"</style>"}') == 'a{content:"<\\/style>"}'


class _Collected(ManifestFilesMixin, FileSystemStorage):
    pass


def test_production_reads_the_collected_file_once(tmp_path, monkeypatch):
    (tmp_path / "css").mkdir()
    (tmp_path / "css/site.css").write_text("\ufeffbody{color:red}", encoding="utf-8")
    monkeypatch.setattr(stylesheet, "staticfiles_storage", _Collected(location=tmp_path))
    assert stylesheet._cached(("css/site.css",)) == ("body{color:red}", ())
    (tmp_path / "css/site.css").write_text("body{color:blue}", encoding="utf-8")
    assert stylesheet._cached(("css/site.css",)) == ("body{color:red}", ())


def test_a_page_can_write_its_own_stylesheet_too(rf):
    request = rf.get("/")
    request.csp_nonce = "abc"
    html = stylesheet.inline_stylesheets({"request": request}, "css/errors.css")
    assert html.startswith('<style nonce="abc">') and ".roll > li" not in html


def test_the_first_page_writes_the_css_in_and_the_next_ones_link_it(client):
    first = client.get(reverse("accounts:login"))
    version = first.cookies[stylesheet.COOKIE].value
    assert first.content.decode().count("<style") == 1
    assert "Cookie" in first["Vary"]
    assert first.cookies[stylesheet.COOKIE]["httponly"]

    # The browser sends the cookie back: the page links the files (kept by the browser after the
    # first time it fetches them) and carries no CSS itself.
    second = client.get(reverse("accounts:login"))
    page = second.content.decode()
    assert "<style" not in page
    for name in stylesheet.STYLESHEETS:
        assert f'<link rel="stylesheet" href="/static/{name}">' in page
    assert stylesheet.COOKIE not in second.cookies  # nothing to set again
    assert client.cookies[stylesheet.COOKIE].value == version


def test_a_cookie_for_older_css_gets_the_css_written_in_again(client):
    client.cookies[stylesheet.COOKIE] = "an-old-version"
    response = client.get(reverse("accounts:login"))
    assert response.content.decode().count("<style") == 1
    assert response.cookies[stylesheet.COOKIE].value != "an-old-version"


def test_the_weight_budget_clears_the_same_cookie():
    assert weight.CSS_COOKIE == stylesheet.COOKIE
