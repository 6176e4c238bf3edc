"""Reads for the resolution: the committee, last month's resolution and its tasks, later meetings."""

from __future__ import annotations

import datetime

from django.db.models import Q

from meetings.models import (
    REGULAR_KINDS,
    Meeting,
    MeetingStatus,
    Resolution,
    Task,
)
from meetings.months import add_months
from members.models import Member, MemberStatus, Organization

# A branch with at least this many full members elects a chi ủy (branch committee).
COMMITTEE_THRESHOLD = 9


def has_committee(branch: Organization, day: datetime.date) -> bool:
    """Nine or more full members elect a chi ủy; fewer elect only a secretary."""
    full = (
        Member.objects.filter(branch=branch, status=MemberStatus.FULL)
        .active(on=day)
        .filter(Q(joined_branch_on__isnull=True) | Q(joined_branch_on__lte=day))
        .count()
    )
    return full >= COMMITTEE_THRESHOLD


def previous_resolution(meeting: Meeting) -> Resolution | None:
    """The latest resolution of an earlier meeting of the same branch."""
    return (
        Resolution.objects.filter(
            meeting__branch_id=meeting.branch_id, meeting__planned_start__lt=meeting.planned_start
        )
        .select_related("meeting")
        .order_by("-meeting__planned_start")
        .first()
    )


def tasks_to_review(meeting: Meeting) -> list[Task]:
    """Section I: every task of the previous resolution, and any earlier task due back at this meeting."""
    previous = previous_resolution(meeting)
    q = Q(report_at=meeting)
    if previous is not None:
        q |= Q(resolution=previous)
    return list(
        Task.objects.filter(q)
        .exclude(resolution__meeting=meeting)
        .select_related("resolution__meeting", "report_at")
        .order_by("resolution__meeting__planned_start", "position", "pk")
    )


def later_meetings(meeting: Meeting):
    """Meetings of the branch a task can be reported back at."""
    return (
        Meeting.objects.filter(branch_id=meeting.branch_id, planned_start__gt=meeting.planned_start)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("planned_start")
    )


def next_regular_meeting(meeting: Meeting) -> Meeting | None:
    following = add_months(meeting.month, 1)
    return later_meetings(meeting).filter(month=following, kind__in=REGULAR_KINDS).first()
