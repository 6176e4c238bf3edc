"""Use cases that change members. Views call these with cleaned form data."""

import datetime

from django.db import transaction

from .models import AccessLog, LeaveReason, Member, Position, Role, RoleKind

# Roles that exist only because the user belongs to the branch; they end when the member leaves.
BRANCH_ROLES = (RoleKind.MEMBER, RoleKind.SECRETARY)


@transaction.atomic
def member_save(*, member: Member, by) -> Member:
    """Create or update a member; history records ``by`` as the author."""
    member._history_user = by
    member.save()
    return member


@transaction.atomic
def member_leave(*, member: Member, left_on: datetime.date, reason: LeaveReason, note: str = "", by) -> Member:
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


def access_log_record(*, user, action: AccessLog.Action, member_id: int | None = None, organization_id=None) -> None:
    """Note who read or exported classified member data (ids only)."""
    AccessLog.objects.create(user=user, action=action, member_id=member_id, organization_id=organization_id)
