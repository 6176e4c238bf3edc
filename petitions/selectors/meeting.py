"""Petitions as a meeting sees them: which meeting hears the answers next, and the meeting page's panel.

Each read runs a fixed number of queries whatever the number of petitions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from meetings.models import NOT_YET_HELD, REGULAR_KINDS, Meeting, MeetingStatus
from meetings.months import local_datetime
from members.models import Organization
from petitions.models import Petition, PetitionStatus

from .review import answered_since_last_meeting, set_days_overdue


def next_meeting(branch: Organization, *, today: datetime.date | None = None) -> Meeting | None:
    """The branch's next monthly meeting not yet held: the one that hears the answers (one query).

    Only the regular (or combined) monthly meeting takes the report-back item; a meeting planned
    before today and never recorded as held is left behind (the next one is the one to come).
    """
    today = today or timezone.localdate()
    return (
        Meeting.objects.filter(
            branch=branch,
            kind__in=REGULAR_KINDS,
            status__in=NOT_YET_HELD,
            planned_start__gte=local_datetime(today, datetime.time.min),
        )
        .order_by("planned_start", "pk")
        .first()
    )


def report_back_rows(meeting: Meeting) -> list[Petition]:
    """What the meeting's report-back item lists: the answers reported back there and those still
    waiting to be (answered by its day), in the order they were answered (two queries)."""
    reported = list(meeting.petitions_reported_back.select_related("category", "body"))
    waiting = list(answered_since_last_meeting(meeting.branch, meeting))
    return sorted(reported + waiting, key=lambda petition: (petition.answered_on, petition.pk))


@dataclass(frozen=True)
class MeetingPanelRows:
    raised: list[Petition]  # raised (or answered on the spot) at this meeting
    to_report: list[Petition]  # answered, to be read out at this meeting
    reported_back: list[Petition]  # read out at this meeting


def meeting_panel_rows(meeting: Meeting, *, today: datetime.date | None = None) -> MeetingPanelRows:
    """The meeting page's petitions: one query (two when one of them is overdue).

    The rows of ``meeting_petitions`` (raised, answered and reported back here) and of
    ``answered_since_last_meeting`` (the answers to read out) in one read, sorted as each lists
    them; a petition may be in both, as it would be read by the two."""
    today = today or timezone.localdate()
    waiting_q = Q(branch=meeting.branch, status=PetitionStatus.ANSWERED, answered_on__lte=meeting.day)
    here_q = Q(meeting=meeting) | Q(answered_at_meeting=meeting) | Q(reported_back_at_meeting=meeting)
    wanted = here_q if meeting.status == MeetingStatus.CANCELLED else here_q | waiting_q
    rows = list(Petition.objects.filter(wanted).select_related("category", "body", "raised_by_member"))
    waiting = []
    if meeting.status != MeetingStatus.CANCELLED:
        day = meeting.day
        waiting = sorted(
            (
                p
                for p in rows
                if p.branch_id == meeting.branch_id
                and p.status == PetitionStatus.ANSWERED
                and p.answered_on is not None
                and p.answered_on <= day
            ),
            key=lambda p: (p.answered_on, p.pk),
        )
    here = sorted(rows, key=lambda p: (p.raised_on, p.pk))
    raised = [p for p in here if p.meeting_id == meeting.pk]
    raised += [p for p in here if p.answered_at_meeting_id == meeting.pk and p.meeting_id != meeting.pk]
    reported_back = [p for p in here if p.reported_back_at_meeting_id == meeting.pk]
    for petition in rows:
        petition.branch = meeting.branch  # all of the meeting's branch: no query to find it again
    set_days_overdue(raised, today=today)
    return MeetingPanelRows(raised=raised, to_report=waiting, reported_back=reported_back)
