"""Use cases that change members. Views call these with cleaned form data."""

import datetime

from django.db import transaction

from .models import LeaveReason, Member


@transaction.atomic
def member_save(*, member: Member, by) -> Member:
    """Create or update a member; history records ``by`` as the author."""
    member._history_user = by
    member.save()
    return member


@transaction.atomic
def member_leave(*, member: Member, left_on: datetime.date, reason: LeaveReason, note: str = "", by) -> Member:
    """Record that a member left the branch. The record stays, with its history."""
    member.left_on = left_on
    member.leave_reason = reason
    member.leave_note = note
    member._history_user = by
    member.save(update_fields=["left_on", "leave_reason", "leave_note"])
    return member
