from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from members.forms.accounts import LoginForm
from members.views import accounts

from .health import healthz

urlpatterns = [
    path("", include("members.urls")),
    # The dashboard (/dashboard/), the flags and the cadre report (/meetings/flags/, /meetings/cadres/…).
    path("", include("oversight.urls")),
    path("meetings/", include("meetings.urls")),
    path("petitions/", include("petitions.urls")),
    path("workdays/", include("workdays.urls")),
    path("notifications/", include("notifications.urls")),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on their own; the icon is the static SVG that base.html links.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True)),
    # set_language: the language switch in the user menu (a cookie; chibo/language.py reads it).
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Account recovery (docs/security.md#password-recovery): by email, or with a code from commune staff.
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/code/", accounts.password_reset_code, name="password_reset_code"),
    path("admin/", admin.site.urls),
]
