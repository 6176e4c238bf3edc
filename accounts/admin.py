"""The admin site is for superusers only (every app's admin uses these mixins); its login form
bounds the username like the site's; the account events are read there."""

from django.contrib import admin

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


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnly, admin.ModelAdmin):
    """Lockouts, unlocks, password resets and two-factor changes (ids only, no secrets)."""

    list_display = ["at", "kind", "user", "actor"]
    list_filter = ["kind"]


# The admin's login bounds the username too (accounts.forms.BoundedUsername).
admin.site.login_form = AdminLoginForm
