"""Taking the roll: one tap, one mark, whatever the network does."""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from meetings import access
from meetings.counting import AWAY, EXEMPT, SUSPENDED, MemberFacts, category_on, roll_candidates, standing_on
from meetings.models import (
    PRESENT_MARKS,
    Attendance,
    Category,
    Mark,
    Meeting,
)
from meetings.selectors.roll import _entries
from members.models import Member


class RollRefused(PermissionDenied):
    """The user may not change this record (outside scope, or locked after the minutes were adopted)."""


class StaleMark(ValidationError):
    """A mark tapped before the one stored (a phone that was offline sends it late): not applied.
    The last tap wins, whatever the order the marks arrive in (docs/decisions/0017-offline.md)."""

    def __init__(self, attendance: Attendance):
        self.attendance = attendance
        super().__init__(
            _("Not applied: a later mark (%(mark)s) had already been saved.") % {"mark": attendance.get_mark_display()},
            code="stale",
        )


def _current_mark(meeting: Meeting, member: Member) -> Attendance | None:
    # select_for_update serialises two devices on PostgreSQL; on SQLite the whole write is serial.
    return Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()


def check_may_be_absent(*, meeting: Meeting, member: Member, mark: str) -> None:
    """Only a member expected at the meeting can be absent (docs/domain.md#attendance): one exempt
    from meetings, suspended from party activity, temporarily transferred away or transferred out
    on its day can only be marked as attending (then they count as expected and present). Raises
    ValidationError (code ``not_expected``) otherwise."""
    if mark in PRESENT_MARKS:
        return
    standing = standing_on(member, meeting.day, mark, branch_id=meeting.branch_id)
    if standing is None or not standing.excluded:
        return
    if standing.excluded == EXEMPT:
        message = _(
            "%(name)s is exempt from meetings on this day and cannot be marked absent; mark them only if they attend."
        )
    elif standing.excluded == SUSPENDED:
        message = _(
            "%(name)s is suspended from party activity on this day and cannot be marked absent; "
            "mark them only if they attend."
        )
    elif standing.excluded == AWAY:
        message = _(
            "%(name)s is temporarily transferred to another branch on this day and cannot be marked absent; "
            "mark them only if they attend."
        )
    else:
        message = _(
            "%(name)s has transferred out of this branch by this day and cannot be marked absent; "
            "mark them only if they attend."
        )
    raise ValidationError(message % {"name": member.full_name}, code="not_expected")


def record_mark(
    *,
    meeting: Meeting,
    member: Member,
    mark: str,
    reason: str = "",
    by: AbstractBaseUser | None,
    tapped_at: datetime.datetime | None = None,
) -> Attendance:
    """Set a member's mark at a meeting: creates it on the first tap, updates it after.

    One row per member whatever the taps or devices (UniqueConstraint
    attendance_one_mark_per_member): if another request inserted the row between our read and
    our insert, the insert fails and we update that row instead. Refused when the user may not
    manage the meeting (locked after adoption, except for commune staff), and an absence mark for
    a member not expected that day (``check_may_be_absent``). History records ``by``.

    ``tapped_at``: when the mark was tapped on the phone. A mark tapped before the stored one's
    tap is not applied (``StaleMark``): the last tap wins, in whatever order the marks arrive.
    """
    if not access.can_manage_meeting(by, meeting):
        raise RollRefused(_("You may not change this meeting's roll."))
    if mark not in Mark.values:
        raise ValidationError(_("Unknown mark."))
    if not roll_candidates(meeting).filter(pk=member.pk).exists():
        raise ValidationError(_("%(name)s is not on this meeting's roll.") % {"name": member.full_name})
    check_may_be_absent(meeting=meeting, member=member, mark=mark)
    reason = reason.strip() if mark == Mark.EXCUSED else ""
    # A member of another branch is here while temporarily transferred: attached, does not vote.
    category = Category.ATTACHED if member.branch_id != meeting.branch_id else category_on(member, meeting.day)
    for attempt in range(2):
        try:
            with transaction.atomic():
                attendance = _current_mark(meeting, member)
                if attendance is None:
                    attendance = Attendance(meeting=meeting, member=member)
                elif attendance.mark == mark and attendance.reason == reason:
                    return attendance  # a repeated tap or double submit changes nothing
                elif tapped_at is not None and attendance.tapped_at is not None and tapped_at < attendance.tapped_at:
                    raise StaleMark(attendance)
                attendance.tapped_at = tapped_at or timezone.now()
                attendance.mark = mark
                attendance.reason = reason
                attendance.category = category
                attendance.marked_by = by
                attendance._history_user = by
                attendance.save()
                return attendance
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def mark_remaining_present(*, meeting: Meeting, by: AbstractBaseUser | None) -> int:
    """One tap for the usual case: everyone expected and not yet marked was there.

    The meeting row is locked first, so two devices tapping at once mark each member once.
    """
    if not access.can_manage_meeting(by, meeting):
        raise RollRefused(_("You may not change this meeting's roll."))
    now = timezone.now()
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        rows = [
            Attendance(
                meeting=meeting,
                member_id=entry.member.pk,
                mark=Mark.PRESENT,
                category=entry.category,
                marked_by=by,
                tapped_at=now,
            )
            for entry in _entries(meeting, row=MemberFacts)
            if entry.mark is None and not entry.excluded
        ]
        bulk_create_with_history(rows, Attendance, default_user=by)
        Meeting.records_changed(meeting.pk)  # (a bulk insert saves no row by row)
    return len(rows)
