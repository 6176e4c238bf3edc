"""Use cases that change members, and the rules a member record follows.

Views call these with cleaned form data. ``member_validate`` is the one statement of the
rules that tie a member's fields together; the member form and the importer both ask it, so
a record the form refuses cannot come in through a file either.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members.models import AccessLog, LeaveReason, Member, MemberStatus, Position, Role, RoleKind

# Roles that exist only because the user belongs to the branch; they end when the member leaves.
BRANCH_ROLES = (RoleKind.MEMBER, RoleKind.SECRETARY)

# Each rule: its code (kept by the importer, which words it per row), the field it is about,
# and the message the form shows on that field.
MEMBER_RULES: dict[str, tuple[str, Promise]] = {
    "full_before_admitted": (
        "full_member_on",
        _("The date made full member cannot be before the date admitted."),
    ),
    "full_date_missing": (
        "full_member_on",
        _("Enter the date this member was made a full member."),
    ),
    "exempt_date_missing": (
        "exempt_since",
        _("Enter the date the exemption started."),
    ),
}


def member_validate(
    *,
    status: str | None,
    admitted_on: datetime.date | None,
    full_member_on: datetime.date | None,
    exempt_since: datetime.date | None = None,
    exempt_reason: str = "",
) -> None:
    """Raise ValidationError keyed by field name when the values break a rule of MEMBER_RULES."""
    broken = []
    if admitted_on and full_member_on and full_member_on < admitted_on:
        broken.append("full_before_admitted")
    # A full member admitted on a known day also has a known day of becoming full.
    if status == MemberStatus.FULL and admitted_on and not full_member_on:
        broken.append("full_date_missing")
    if exempt_reason and not exempt_since:
        broken.append("exempt_date_missing")
    if broken:
        errors: dict[str, list[ValidationError]] = {}
        for code in broken:
            field, message = MEMBER_RULES[code]
            errors.setdefault(field, []).append(ValidationError(message, code=code))
        raise ValidationError(errors)


@transaction.atomic
def member_save(*, member: Member, by: AbstractBaseUser) -> Member:
    """Create or update a member (validated by the member form); history records ``by`` as the author."""
    member._history_user = by
    member.save()
    return member


@transaction.atomic
def member_leave(
    *,
    member: Member,
    left_on: datetime.date,
    reason: LeaveReason | str,
    note: str = "",
    by: AbstractBaseUser,
) -> Member:
    """Record that a member left the branch. The record stays, with its history.

    Their open positions end that day, and the linked user loses the roles the
    branch gave them, so someone who left no longer sees the branch.
    """
    member.left_on = left_on
    member.leave_reason = reason
    member.leave_note = note
    member._history_user = by
    member.save(update_fields=["left_on", "leave_reason", "leave_note"])
    for position in Position.objects.filter(member=member, ended_on__isnull=True):
        position.ended_on = max(left_on, position.started_on)
        position._history_user = by
        position.save(update_fields=["ended_on"])
    if member.user_id:
        for role in Role.objects.filter(user_id=member.user_id, organization=member.branch, kind__in=BRANCH_ROLES):
            role._history_user = by
            role.delete()
    return member


def access_log_record(
    *,
    user: AbstractBaseUser,
    action: AccessLog.Action,
    member_id: int | None = None,
    organization_id: int | None = None,
) -> None:
    """Note who read or exported classified member data (ids only)."""
    AccessLog.objects.create(user=user, action=action, member_id=member_id, organization_id=organization_id)
