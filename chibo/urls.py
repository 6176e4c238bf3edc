from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from meetings import urls as meetings_urls
from members import urls as members_urls
from portal import urls as portal_urls

from . import pwa
from .health import healthz

urlpatterns = [
    # Portal's pages (home, organisation page, outbox, meeting page) keep their paths and names.
    path("", include((portal_urls.members_pages + members_urls.urlpatterns, members_urls.app_name))),
    # The dashboard (/dashboard/), the flags and the cadre report (/meetings/flags/, /meetings/cadres/…).
    path("", include("oversight.urls")),
    path("meetings/", include((portal_urls.meetings_pages + meetings_urls.urlpatterns, meetings_urls.app_name))),
    path("petitions/", include("petitions.urls")),
    path("workdays/", include("workdays.urls")),
    path("notifications/", include("notifications.urls")),
    path("healthz", healthz, name="healthz"),
    # The installable app (chibo/pwa.py): the service worker at the root, so that its scope is the site.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline_page, name="offline"),
    # Browsers ask for /favicon.ico on their own; the icon is the static SVG that base.html links.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True)),
    # set_language: the language switch in the user menu (a cookie; chibo/language.py reads it).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
