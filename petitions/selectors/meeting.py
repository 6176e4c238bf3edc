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
from petitions import outcomes
from petitions.models import Petition

from .review import outcomes_to_report, set_days_overdue, to_report_q, waits_to_be_reported


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


def reported_here(meeting: Meeting) -> list[Petition]:
    """The outcomes reported back at the meeting: answers and the others (one query)."""
    return list(
        Petition.objects.filter(Q(reported_back_at_meeting=meeting) | Q(outcome_reported_at_meeting=meeting))
        .select_related("category", "body")
        .order_by("pk")
    )


def by_outcome_day(petitions: list[Petition], meeting: Meeting) -> list[Petition]:
    """In the order the outcomes (the ones the meeting hears) came."""

    def key(petition: Petition) -> tuple:
        day = outcomes.outcome_day(petition, outcomes.outcome_kind(petition, meeting))
        return (day or datetime.date.min, petition.pk)

    return sorted(petitions, key=key)


def report_back_rows(meeting: Meeting) -> list[Petition]:
    """What the meeting's report-back item lists: the outcomes reported back there and those still
    waiting to be (known by its day), in the order they came (two queries)."""
    reported = reported_here(meeting)
    seen = {petition.pk for petition in reported}
    waiting = [p for p in outcomes_to_report(meeting.branch, meeting) if p.pk not in seen]
    return by_outcome_day(reported + waiting, meeting)


@dataclass(frozen=True)
class MeetingPanelRows:
    raised: list[Petition]  # raised (or answered on the spot) at this meeting
    to_report: list[Petition]  # an outcome (answer, refusal, …) to be read out at this meeting
    reported_back: list[Petition]  # read out at this meeting


def meeting_panel_rows(meeting: Meeting, *, today: datetime.date | None = None) -> MeetingPanelRows:
    """The meeting page's petitions: one query (two when one of them is overdue).

    The rows of ``meeting_petitions`` (raised, answered and reported back here) and of
    ``outcomes_to_report`` (the outcomes to read out) in one read, sorted as each lists them; a
    petition may be in both, as it would be read by the two."""
    today = today or timezone.localdate()
    here_q = (
        Q(meeting=meeting)
        | Q(answered_at_meeting=meeting)
        | Q(reported_back_at_meeting=meeting)
        | Q(outcome_reported_at_meeting=meeting)
    )
    cancelled = meeting.status == MeetingStatus.CANCELLED
    wanted = here_q if cancelled else here_q | to_report_q(meeting.branch_id, meeting.day)
    rows = list(Petition.objects.filter(wanted).select_related("category", "body", "raised_by_member"))
    waiting = []
    if not cancelled:
        day = meeting.day
        waiting = by_outcome_day([p for p in rows if waits_to_be_reported(p, meeting.branch_id, day)], meeting)
    here = sorted(rows, key=lambda p: (p.raised_on, p.pk))
    raised = [p for p in here if p.meeting_id == meeting.pk]
    raised += [p for p in here if p.answered_at_meeting_id == meeting.pk and p.meeting_id != meeting.pk]
    reported_back = by_outcome_day(
        [p for p in here if meeting.pk in (p.reported_back_at_meeting_id, p.outcome_reported_at_meeting_id)],
        meeting,
    )
    for petition in rows:
        petition.branch = meeting.branch  # all of the meeting's branch: no query to find it again
    set_days_overdue(raised, today=today)
    return MeetingPanelRows(raised=raised, to_report=waiting, reported_back=reported_back)
