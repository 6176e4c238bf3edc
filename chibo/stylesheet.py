"""``{% inline_stylesheets %}``: the site's stylesheets written into the page's head.

On a slow network (400 ms round trip) a linked stylesheet costs a whole round trip after the
HTML before anything can be painted; written into the page it costs about 10 KB more of the
compressed HTML (manage.py benchmark_weight measures both). The ``<style>`` carries the request's
CSP nonce (``style-src 'self' 'nonce-…'``), so the policy still refuses any other inline style.

Only a browser's first page needs that: it also sets a cookie naming this version of the CSS
(``StylesheetCookieMiddleware``), and with the cookie the later pages link the files instead of
carrying them again: the next page fetches them once (as every page did before), and the browser
keeps them (WhiteNoise serves them with a far-future expiry under names that change with their
content). A page's own stylesheet named in the tag is always written in.

Registered as a template library in settings.TEMPLATES (``{% load stylesheet %}``).
"""

from __future__ import annotations

import hashlib
from functools import cache, lru_cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.templatetags.static import static
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# Bootstrap built with only what the pages use (npm run build), then our own rules.
STYLESHEETS = ("build/bootstrap.css", "css/chibo.css")
# Names the version of STYLESHEETS the browser was given to cache (a hash of their text).
COOKIE = "chibo_css"
COOKIE_AGE = 30 * 24 * 3600


def _collected() -> bool:
    """Production: the files are collected (manage.py collectstatic) and served from there."""
    return isinstance(staticfiles_storage, ManifestFilesMixin)


def _source(name: str) -> str | None:
    """The file as served: the collected copy in production, the source under static/ otherwise."""
    if _collected():
        if not staticfiles_storage.exists(name):
            return None
        with staticfiles_storage.open(name) as file:
            return file.read().decode("utf-8-sig")
    path = finders.find(name)
    if path is None:
        return None
    with open(path, encoding="utf-8-sig") as file:
        return file.read()


def _clean(css: str) -> str:
    # Sass writes a byte-order mark or @charset (meaningless inside HTML), and nothing in a <style>
    # may close it.
    css = css.removeprefix("\ufeff").removeprefix('@charset "UTF-8";')
    return css.replace("</", "<\\/")


@cache
def _cached(names: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    return _read(names)


def _read(names: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The stylesheets' text joined, and the names of those not found (linked instead)."""
    found, missing = [], []
    for name in names:
        css = _source(name)
        if css is None:
            missing.append(name)
        else:
            found.append(_clean(css))
    return "\n".join(found), tuple(missing)


@lru_cache(maxsize=4)  # development re-reads the files: a few versions, not one per request
def _version(css: str) -> str:
    return hashlib.sha256(css.encode()).hexdigest()[:12]


@register.simple_tag(takes_context=True)
def inline_stylesheets(context, *names: str) -> str:
    """The site's stylesheets (base.html), or those named, e.g. a page's own in its extra_head."""
    site = not names
    names = names or STYLESHEETS
    # Read once per process in production; re-read in development so `npm run build` shows at once.
    css, missing = _cached(names) if _collected() else _read(names)
    request = context.get("request")
    if site and request is not None and not missing:
        version = _version(css)
        request.chibo_css_version = version  # StylesheetCookieMiddleware sets the cookie
        if request.COOKIES.get(COOKIE) == version:
            # The browser has these files from an earlier page: link them, no round trip.
            return format_html_join("", '<link rel="stylesheet" href="{}">', ((static(name),) for name in names))
    nonce = getattr(request, "csp_nonce", None)
    style = (
        format_html('<style nonce="{}">{}</style>', str(nonce), mark_safe(css))  # noqa: S308 - our own CSS files
        if nonce is not None
        else format_html("<style>{}</style>", mark_safe(css))  # noqa: S308
    )
    # A file not built yet (npm run build) is linked as before, so the page says what is missing.
    links = format_html_join("", '<link rel="stylesheet" href="{}">', ((static(name),) for name in missing))
    return style + links


class StylesheetCookieMiddleware:
    """Remembers in a cookie which version of the site's CSS a page gave the browser to cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        version = getattr(request, "chibo_css_version", None)
        if version is None:
            return response
        patch_vary_headers(response, ["Cookie"])  # the page's head depends on the cookie
        if request.COOKIES.get(COOKIE) != version:
            response.set_cookie(
                COOKIE,
                version,
                max_age=COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
