"""Per cadre: the meetings they were expected at against the meetings they attended."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from meetings.counting import NOT_HELD, meeting_order, rate_of
from meetings.models import (
    CadreAssignment,
    Guest,
    Meeting,
)
from members.models import Member, Organization


@dataclasses.dataclass
class CadreMeeting:
    meeting: Meeting
    attended: bool | None
    upcoming: bool


@dataclasses.dataclass
class CadreReportRow:
    cadre: Member
    titles: list[str]
    branches: list[Organization]
    meetings: list[CadreMeeting]

    @property
    def expected(self) -> int:
        """Meetings the cadre was expected at that have taken place (upcoming ones are not missed yet)."""
        return sum(1 for m in self.meetings if not m.upcoming)

    @property
    def attended(self) -> int:
        return sum(1 for m in self.meetings if not m.upcoming and m.attended)

    @property
    def rate(self) -> float | None:
        return rate_of(self.attended, self.expected)


def cadre_report(
    *,
    branches: QuerySet[Organization],
    start: datetime.date,
    end: datetime.date,
    cadres: QuerySet[Member] | list[Member] | None = None,
    today: datetime.date | None = None,
) -> list[CadreReportRow]:
    """Per cadre following any of ``branches``: meetings expected (by assignment dates) against
    meetings attended (recorded on the guest row), between ``start`` and ``end``. Three queries."""
    today = today or timezone.localdate()
    assignments = (
        CadreAssignment.objects.filter(branch__in=branches)
        .overlapping(start, end)
        .select_related("cadre", "branch")
        .order_by("cadre__name_key", "cadre_id", "started_on", "pk")
    )
    if cadres is not None:
        assignments = assignments.filter(cadre__in=cadres)
    assignments = list(assignments)
    if not assignments:
        return []
    # A day's margin each side: the day is local, the stored start is UTC.
    window = (
        timezone.make_aware(datetime.datetime.combine(start - datetime.timedelta(days=1), datetime.time())),
        timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=2), datetime.time())),
    )
    meetings = [
        m
        for m in Meeting.objects.filter(branch_id__in={a.branch_id for a in assignments})
        .filter(Q(planned_start__range=window) | Q(actual_start__range=window))
        .exclude(status__in=NOT_HELD)
        .select_related("branch")
        .order_by("planned_start", "pk")
        if start <= m.day <= end
    ]
    attended = {
        (meeting_id, cadre_id): came
        for meeting_id, cadre_id, came in Guest.objects.filter(
            meeting_id__in=[m.pk for m in meetings], cadre_id__in={a.cadre_id for a in assignments}
        ).values_list("meeting_id", "cadre_id", "attended")
    }
    rows: dict[int, CadreReportRow] = {}
    for assignment in assignments:
        row = rows.setdefault(
            assignment.cadre_id, CadreReportRow(cadre=assignment.cadre, titles=[], branches=[], meetings=[])
        )
        if assignment.title not in row.titles:
            row.titles.append(assignment.title)
        if assignment.branch not in row.branches:
            row.branches.append(assignment.branch)
        seen = {m.meeting.pk for m in row.meetings}
        for meeting in meetings:
            if meeting.branch_id == assignment.branch_id and meeting.pk not in seen and assignment.covers(meeting.day):
                row.meetings.append(
                    CadreMeeting(
                        meeting=meeting,
                        attended=attended.get((meeting.pk, assignment.cadre_id)),
                        upcoming=meeting.day > today,
                    )
                )
    for row in rows.values():
        row.meetings.sort(key=lambda m: meeting_order(m.meeting))
    return list(rows.values())
