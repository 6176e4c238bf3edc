from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import AccessLog, Member, Organization, Position, Role


class SuperuserOnly:
    """Django admin is for superusers only; everyone else uses the site."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Organization)
class OrganizationAdmin(SuperuserOnly, TreeAdmin):
    form = movenodeform_factory(Organization)
    list_display = ["name", "kind", "code"]
    search_fields = ["name", "code"]


@admin.register(Member)
class MemberAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["full_name", "branch", "status", "left_on"]
    list_filter = ["status"]
    search_fields = ["name_key", "party_card_number"]
    raw_id_fields = ["branch", "user"]

    def has_delete_permission(self, request, obj=None):
        return False  # members are never hard-deleted; record leaving instead


@admin.register(Position)
class PositionAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["member", "branch", "kind", "started_on", "ended_on"]
    raw_id_fields = ["member", "branch"]


@admin.register(Role)
class RoleAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["user", "kind", "organization"]
    raw_id_fields = ["user", "organization"]


@admin.register(AccessLog)
class AccessLogAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["at", "user", "action", "member_id", "organization_id"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    has_change_permission = has_delete_permission = has_add_permission
