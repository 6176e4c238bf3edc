"""Links in messages: every e-mail, SMS and inbox message points at a page of the site.

The domain apps pass a path ("/petitions/15/") as the context's ``url`` (or any ``*_url``); the
renderer (notifications/rendering.py) makes each one absolute on ``settings.SITE_URL`` here, in
one place, and the inbox row keeps the path (``Notification.link``) to open it on this site.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_url() -> str:
    """The site's address without a trailing slash ("https://chibo.example.org"), or ""."""
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` on the site's address: "/petitions/15/" -> "https://chibo.example.org/petitions/15/".

    A URL that is already absolute is returned as it is; "" stays "" (no link)."""
    if not path or "://" in path:
        return path
    return f"{site_url()}/{path.lstrip('/')}"


def site_path(url: str) -> str:
    """The path (with its query) of a link on this site, for the inbox: "" for another site's
    address or anything that is not a plain path (no "//evil.example" open redirect)."""
    if not url:
        return ""
    base = site_url()
    if "://" in url:
        if not base or not (url == base or url.startswith(base + "/")):
            return ""
        url = url[len(base) :] or "/"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return ""
    return url
