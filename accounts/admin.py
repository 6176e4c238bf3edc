"""The admin site is for superusers only (every app's admin uses these mixins), the pages django-otp,
auth and axes register included; recovery codes are never shown there; its login form bounds the
username like the site's; the account events are read there."""

# Registered by their apps before this module rewraps them (autodiscovery imports them too).
import axes.admin  # noqa: F401
import django.contrib.auth.admin  # noqa: F401
import django_otp.plugins.otp_static.admin  # noqa: F401
import django_otp.plugins.otp_totp.admin  # noqa: F401
from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from .forms import AdminLoginForm
from .models import AccountEvent


class SuperuserOnly:
    """Django admin is for superusers only; everyone else uses the site."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class ReadOnly(SuperuserOnly):
    """A record of what happened: superusers read it; nobody adds, edits or deletes it here."""

    def has_add_permission(self, request, obj=None):
        return False

    has_change_permission = has_delete_permission = has_add_permission


class SuperuserGate:
    """Another app's admin, opened to superusers only: its own permissions still apply on top."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser and super().has_delete_permission(request, obj)


# Third-party admin pages follow Django's permissions, so an is_staff account given "view" read
# them (django-otp's showed the recovery codes). They are for superusers, like the project's own.
GATED_APPS = {"auth", "axes", "otp_totp", "otp_static"}


def gate_third_party_admins(site) -> None:
    """Called from AccountsConfig.ready(), after the admin's autodiscovery registered every app's
    pages (members' User page too)."""
    for model in (StaticDevice, StaticToken):
        # Recovery codes are hashed (accounts.models.RecoveryCodes) and not shown even so: a user
        # who lost them makes new ones, and a superuser helps by deleting the TOTP device.
        if site.is_registered(model):
            site.unregister(model)
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label in GATED_APPS and not isinstance(model_admin, SuperuserGate):
            gated = type(type(model_admin).__name__, (SuperuserGate, type(model_admin)), {"__module__": __name__})
            site.unregister(model)
            site.register(model, gated)


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnly, admin.ModelAdmin):
    """Lockouts, unlocks, password resets and two-factor changes (ids only, no secrets)."""

    list_display = ["at", "kind", "user", "actor"]
    list_filter = ["kind"]


# The admin's login bounds the username too (accounts.forms.BoundedUsername).
admin.site.login_form = AdminLoginForm
