"""The installable app: the web app manifest, the service worker at the site's root, the offline page.

The service worker is built with Workbox (assets/sw.js → static/build/sw.js, ``npm run build``);
served here at /sw.js so that its scope is the whole site (a script under /static/ could only
control /static/). docs/decisions/0017-offline.md tells what it keeps and when it forgets it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME = "#b02a37"  # $danger in assets/bootstrap.scss, the navbar's red


@functools.cache
def _worker_source() -> bytes:
    path = finders.find("build/sw.js")
    if path is None and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / "build" / "sw.js"
        path = str(candidate) if candidate.exists() else None
    if path is None:
        raise Http404("static/build/sw.js is missing: run npm run build")
    return Path(path).read_bytes()


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request):
    source = _worker_source() if not settings.DEBUG else _worker_source.__wrapped__()
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600)
def manifest(request):
    icon = staticfiles_storage.url
    data = {
        "name": "Chi bộ",
        "short_name": "Chi bộ",
        "description": _("Monthly meetings of the party branch: roll call, minutes, petitions."),
        "lang": "vi",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": [
            {"src": icon("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": icon("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": icon("icons/maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def offline_page(request):
    """What a page never opened before shows offline (the service worker keeps this one at install)."""
    return render(request, "offline.html")
