from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from accounts.admin import ReadOnly, SuperuserOnly

from .codes import CodeField
from .models import AccessLog, CardConflict, Member, Organization, Position, Role
from .names import person_name
from .services.positions import position_save, position_validate
from .services.register import member_save


@admin.register(Organization)
class OrganizationAdmin(SuperuserOnly, TreeAdmin):
    form = movenodeform_factory(Organization)
    # The short code explained in Vietnamese, with the code made from what was typed offered.
    formfield_overrides = {models.SlugField: {"form_class": CodeField}}
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

    def save_model(self, request, obj, form, change):
        # Through the service, like the member form: a change of branch ends the old branch's roles.
        member_save(member=obj, by=request.user)


class PositionAdminForm(forms.ModelForm):
    """The admin checks a term by the same rules as ``position_save``."""

    class Meta:
        model = Position
        fields = ["member", "branch", "kind", "started_on", "ended_on", "decision_number"]

    def clean(self):
        data = super().clean()
        if all(data.get(name) for name in ("member", "branch", "kind", "started_on")):
            try:
                position_validate(
                    member=data["member"],
                    branch=data["branch"],
                    kind=data["kind"],
                    started_on=data["started_on"],
                    ended_on=data.get("ended_on"),
                    exclude_pk=self.instance.pk,
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


@admin.register(Position)
class PositionAdmin(SuperuserOnly, SimpleHistoryAdmin):
    form = PositionAdminForm
    list_display = ["member", "branch", "kind", "started_on", "ended_on", "decision_number"]
    raw_id_fields = ["member", "branch"]

    def save_model(self, request, obj, form, change):
        # Through the service: the secretary's role follows the post.
        position_save(
            member=obj.member,
            branch=obj.branch,
            kind=obj.kind,
            started_on=obj.started_on,
            ended_on=obj.ended_on,
            decision_number=obj.decision_number,
            position=obj if change else None,
            by=request.user,
        )


@admin.register(Role)
class RoleAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["user", "kind", "organization"]
    raw_id_fields = ["user", "organization"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "user", "action", "member_id", "organization_id", "meeting_id"]
    list_filter = ["action"]


@admin.register(CardConflict)
class CardConflictAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "tried_by", "source", "member_id", "branch", "member_branch"]
    list_filter = ["source"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's, with the name printed family name first (members.names.person_name: the linked
    member's full name, else "last_name first_name") and asked for in that order ("Họ", "Tên")."""

    list_display = ("username", "name", "email", "is_staff")
    list_select_related = ("member",)
    fieldsets = (
        DjangoUserAdmin.fieldsets[0],
        (DjangoUserAdmin.fieldsets[1][0], {"fields": ("last_name", "first_name", "email")}),
        *DjangoUserAdmin.fieldsets[2:],
    )

    @admin.display(description=_("full name"), ordering="last_name")
    def name(self, user) -> str:
        return person_name(user)
