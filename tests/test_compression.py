"""Pages are sent gzipped to browsers that accept it (GZipMiddleware, in every deployment)."""

import gzip

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse


def test_the_middleware_is_installed_after_whitenoise():
    # After WhiteNoise, which answers static files itself (precompressed), before the rest.
    middleware = settings.MIDDLEWARE
    assert middleware.index("django.middleware.gzip.GZipMiddleware") == (
        middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
    )


@pytest.mark.django_db
def test_a_page_comes_back_gzipped():
    response = Client().get(reverse("accounts:login"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "csrfmiddlewaretoken" in html and "</html>" in html


def test_a_logged_in_page_comes_back_gzipped_and_smaller(secretary):
    plain = secretary.get(reverse("members:list"))
    packed = secretary.get(reverse("members:list"), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 2
