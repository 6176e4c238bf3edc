"""In production (DEBUG off) the error pages are the site's own, in Vietnamese, whatever the browser asks.

The test URLConf below adds two views that fail on purpose to the site's own URLs.
"""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import include, path, reverse

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
# What Django shows without the templates (the issue quotes these).
DJANGO_DEFAULTS = ["Not Found", "The requested resource", "Forbidden", "CSRF verification failed", "Server Error"]


def forbidden(request):
    raise PermissionDenied("English reason that must not be shown")


def broken(request):
    raise RuntimeError("English traceback that must not be shown")


urlpatterns = [
    path("test-errors/forbidden/", forbidden),
    path("test-errors/broken/", broken),
    path("", include("chibo.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_production")]


@pytest.fixture
def _production():
    with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
        yield


def _page(response) -> str:
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert 'href="/"' in html and "Về trang chủ" in html  # a way on, not a dead end
    for english in DJANGO_DEFAULTS:
        assert english not in html
    return html


def test_404_is_vietnamese():
    response = Client().get("/khong-co-trang-nay/", **ENGLISH_BROWSER)
    assert response.status_code == 404
    html = _page(response)
    assert "Không tìm thấy trang" in html


def test_404_for_a_logged_in_user_outside_their_scope(secretary, tree):
    response = secretary.get(reverse("members:organization", args=[tree.other_branch.pk]), **ENGLISH_BROWSER)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in _page(response)


def test_403_is_vietnamese():
    response = Client().get("/test-errors/forbidden/", **ENGLISH_BROWSER)
    assert response.status_code == 403
    html = _page(response)
    assert "Không được phép" in html
    assert "English reason" not in html


def test_500_is_vietnamese():
    response = Client(raise_request_exception=False).get("/test-errors/broken/", **ENGLISH_BROWSER)
    assert response.status_code == 500
    html = _page(response)
    assert "Đã có lỗi" in html
    assert "English traceback" not in html


def test_csrf_failure_is_vietnamese(secretary):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary.user)
    response = client.post(reverse("accounts:logout"), **ENGLISH_BROWSER)
    assert response.status_code == 403
    html = _page(response)
    assert "Biểu mẫu đã hết hạn" in html
    assert "Forbidden (403)" not in html


def test_error_pages_follow_the_chosen_language():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/khong-co-trang-nay/").content.decode()
    assert '<html lang="en">' in html and "Page not found" in html
