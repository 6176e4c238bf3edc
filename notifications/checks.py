"""System checks of the notifications' settings (registered in NotificationsConfig.ready)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.http.request import validate_host

SITE_URL_HINT = "Set SITE_URL to the address people open the site at, e.g. SITE_URL=https://chibo.example.org"


@register(Tags.security, deploy=True)
def site_url_check(app_configs=None, **kwargs):
    """``check --deploy``: SITE_URL is set (every message links to it), over HTTPS, on a host the
    site answers to."""
    site = (getattr(settings, "SITE_URL", "") or "").strip()
    if not site:
        return [
            Error(
                "SITE_URL is not set: links in e-mails, SMS and the inbox would have no address "
                "(SITE_URL chưa được đặt: đường dẫn trong thư, tin nhắn và hộp thư sẽ không mở được).",
                hint=SITE_URL_HINT,
                id="chibo.E001",
            )
        ]
    parts = urlsplit(site)
    problems = []
    if parts.scheme != "https":
        problems.append(
            Warning(
                f"SITE_URL ({site}) is not https://: links in messages would open the site unencrypted.",
                hint=SITE_URL_HINT,
                id="chibo.W001",
            )
        )
    if parts.hostname and not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        problems.append(
            Warning(
                f"The host of SITE_URL ({parts.hostname}) is not in ALLOWED_HOSTS: links in messages would be refused.",
                hint="Add it to ALLOWED_HOSTS.",
                id="chibo.W002",
            )
        )
    return problems
