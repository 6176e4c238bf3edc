"""Per cadre: the meetings they were expected at against the meetings they attended."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import Coalesce, Lower, TruncDate
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


@dataclasses.dataclass
class CadreCountRow:
    """One cadre's line of the report, counted in SQL (no meeting list)."""

    cadre: Member
    titles: list[str]
    branches: list[Organization]
    expected: int
    attended: int

    @property
    def rate(self) -> float | None:
        return rate_of(self.attended, self.expected)


def cadre_counts(
    *,
    branches: QuerySet[Organization],
    start: datetime.date,
    end: datetime.date,
    cadres: QuerySet[Member] | list[Member] | list[int] | None = None,
    today: datetime.date | None = None,
) -> QuerySet:
    """Per cadre following any of ``branches`` in the period, counted in the database: the
    meetings held (or planned and not cancelled or postponed) between ``start`` and ``end`` and
    up to ``today`` at a branch the cadre was assigned to on the meeting's day (``expected``),
    and those of them where the cadre's guest row says they came (``attended``). The same rule
    as ``cadre_report`` (a test compares them). Rows: ``cadre_id``, ``expected``, ``attended``,
    ordered by name; one query when evaluated, so it pages with a Paginator. Unordered
    (``.order_by()``) it does not join the cadres' records at all."""
    today = today or timezone.localdate()
    meeting = "branch__meetings__"
    began = Coalesce(F(f"{meeting}actual_start"), F(f"{meeting}planned_start"))
    # The period's bounds as instants (local midnights): compared with no time zone conversion
    # on every meeting row, as the meeting's local day needs (a good part of the query's time).
    since, until = (
        timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        for day in (start, min(end, today) + datetime.timedelta(days=1))
    )
    counted = (
        Q(meeting_began__gte=since, meeting_began__lt=until)
        & Q(meeting_day__gte=F("started_on"))
        & (Q(ended_on__isnull=True) | Q(meeting_day__lte=F("ended_on")))
        & ~Q(**{f"{meeting}status__in": NOT_HELD})
    )
    assignments = CadreAssignment.objects.filter(branch__in=branches).overlapping(start, end)
    if cadres is not None:
        assignments = assignments.filter(cadre__in=cadres)
    return (
        assignments.alias(meeting_began=began, meeting_day=TruncDate(began))
        .values("cadre_id")
        .annotate(
            expected=Count(f"{meeting}id", filter=counted, distinct=True),
            attended=Count(
                f"{meeting}id",
                filter=counted & Q(**{f"{meeting}guests__cadre": F("cadre_id"), f"{meeting}guests__attended": True}),
                distinct=True,
            ),
        )
        .order_by("cadre__name_key", "cadre_id")
    )


def report_cadres(
    *,
    branches: QuerySet[Organization],
    start: datetime.date,
    end: datetime.date,
    cadres: QuerySet[Member] | list[Member] | None = None,
) -> QuerySet:
    """The cadres following any of ``branches`` in the period, by name: ``cadre_id`` rows to page
    through before counting (counting only the page's cadres keeps a province's report cheap),
    each with ``total``, how many such cadres there are: a page and its paginator's count in one
    query (a separate count read the scope's assignments a second time)."""
    assignments = CadreAssignment.objects.filter(branch__in=branches).overlapping(start, end)
    if cadres is not None:
        assignments = assignments.filter(cadre__in=cadres)
    # Grouped by the cadre alone (the name is one per cadre): grouping by the name too made
    # PostgreSQL sort every assignment before the window. Ordered by an expression: a DISTINCT …
    # ORDER BY name_key LIMIT walks the whole name index of the members to find the few cadres.
    return (
        assignments.values("cadre_id")
        .annotate(name_key=Max("cadre__name_key"), total=Window(Count("*")))
        .order_by(Lower("name_key"), "cadre_id")
    )


def cadre_count_rows(counts: list[dict], *, branches: QuerySet[Organization], start, end) -> list[CadreCountRow]:
    """The report's lines for one page of ``cadre_counts``: each cadre with the titles and
    branches of their assignments in the period. One query whatever the page size (the cadre
    comes with the assignment: their own record may lie outside the reader's branches)."""
    ids = [row["cadre_id"] for row in counts]
    cadres: dict[int, Member] = {}
    titles: dict[int, list[str]] = {pk: [] for pk in ids}
    followed: dict[int, list[Organization]] = {pk: [] for pk in ids}
    assignments = (
        CadreAssignment.objects.filter(branch__in=branches, cadre_id__in=ids)
        .overlapping(start, end)
        .select_related("branch", "cadre")
        # What the report shows: a province's page has hundreds of assignments, and a member's
        # and a branch's every column made building them a good part of the page's time.
        .only("cadre_id", "branch_id", "title", "cadre__full_name", "branch__name")
        .order_by("cadre_id", "started_on", "pk")
    )
    for assignment in assignments:
        cadres.setdefault(assignment.cadre_id, assignment.cadre)
        if assignment.title not in titles[assignment.cadre_id]:
            titles[assignment.cadre_id].append(assignment.title)
        if assignment.branch not in followed[assignment.cadre_id]:
            followed[assignment.cadre_id].append(assignment.branch)
    return [
        CadreCountRow(
            cadre=cadres[row["cadre_id"]],
            titles=titles[row["cadre_id"]],
            branches=followed[row["cadre_id"]],
            expected=row["expected"],
            attended=row["attended"],
        )
        for row in counts
    ]
