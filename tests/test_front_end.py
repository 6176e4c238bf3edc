"""What the pages send: Bootstrap's CSS built from Sass with only what is used, no Bootstrap
JavaScript, htmx only where a page uses it, a favicon, and colours that read at 4.5:1."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_no_template_relies_on_bootstrap_javascript():
    for path in TEMPLATES:
        text = path.read_text()
        assert "data-bs-" not in text, path
        assert "bootstrap.bundle" not in text and "bootstrap.min" not in text, path


def test_htmx_is_loaded_only_by_pages_that_use_it():
    base = (ROOT / "templates/base.html").read_text()
    assert "vendor/htmx" not in base
    assert "{% inline_stylesheets %}" in base  # build/bootstrap.css and css/chibo.css (chibo/stylesheet.py)
    loaders = {p.name for p in TEMPLATES if "vendor/htmx" in p.read_text()}
    assert {"meeting_detail.html", "minutes_form.html"} <= loaders  # the agenda and the speeches
    assert "roll.html" not in loaders  # the roll sends its taps with static/js/roll.js


def test_the_brand_red_and_the_postpone_button_read_at_4_5_to_1():
    danger = re.search(r"^\$danger:\s*(#[0-9a-f]{6});", (ROOT / "assets/bootstrap.scss").read_text(), re.M)
    assert contrast(danger.group(1), "#ffffff") >= 4.5  # the menu's white links on the red bar
    css = (ROOT / "static/css/chibo.css").read_text()
    assert re.search(r"\.navbar-dark \{[^}]*--bs-navbar-color: #fff;", css)  # not Bootstrap's 55 % white
    amber = re.search(r"\.btn-outline-warning \{ --bs-btn-color: (#[0-9a-f]{6});", css).group(1)
    assert contrast(amber, "#ffffff") >= 4.5


def test_favicon_is_linked_and_favicon_ico_answers(client):
    assert finders.find("favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.endswith("favicon.svg")
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page


def test_the_phone_menu_opens_without_javascript(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "<script" not in page  # the login page needs none at all


def test_form_fields_take_the_page_font():
    # Django's widgets write <textarea>, <select>, <input>; purgecss never sees them in a template,
    # so the config keeps them: a textarea in the browser's monospace breaks Vietnamese accents.
    css = Path(finders.find("build/bootstrap.css")).read_text()
    rule = re.search(r"([^{}]*)\{[^}]*font-family:inherit", css)
    assert rule, "Bootstrap's reboot rule for form elements is gone"
    assert {"input", "button", "select", "textarea"} <= set(rule.group(1).split(","))
    config = (ROOT / "purgecss.config.cjs").read_text()
    assert '"textarea"' in config


def test_every_form_is_checked_by_the_server_not_the_browser():
    # The browser's own bubbles are in the phone's language ("Please fill out this field."): every
    # form is novalidate and the server answers in Vietnamese (issue 25).
    forms = []
    for path in TEMPLATES:
        forms += [(path.name, tag) for tag in re.findall(r"<form\b[^>]*>", path.read_text())]
    assert len(forms) > 50
    assert [form for form in forms if "novalidate" not in form[1]] == []
