"""Compute the dashboard's monthly summaries (``BranchMonth``) from the raw rows.

``branch_months_refresh`` writes one row per branch and month asked for, whether or not the
branch met (a month without a meeting is a row with ``met`` false). It reads in batches of
``BATCH`` branches, each in a fixed number of queries whatever the number of meetings, marks or
members:

1. the meeting rules of the branches' ancestors (nearest wins: minimum lengths);
2. the held meetings of the branches from the first month's quarter to the last month, with the
   confirmed score level of their minutes;
3. the roll marks of the held meetings of the months asked for;
4. the branches' members and those temporarily attached to them (who was expected on each
   meeting's day);
5. the cadre assignments in force during those months;
6. the assigned cadres recorded as attending those meetings;
7. the content guidance published for those months above the branches;
8. the regular meetings whose agenda took an item from guidance;
9. the upsert of the rows (SQLite may split it into several statements of at most its
   parameter limit).

The rules (a month met, a meeting too short, a roll counted) are ``oversight.compliance``, the
same the flags page judges by; rolls are counted like the roll page (``standing_on`` and
``count_entries``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from itertools import islice

from django.db.models import Case, F, When
from django.utils import timezone

from meetings.models import (
    REGULAR_KINDS,
    THEMATIC_KINDS,
    AgendaItem,
    CadreAssignment,
    Guest,
    Guidance,
    Meeting,
    MeetingRules,
)
from meetings.months import add_months, first_of_month, quarter_start
from members.access import above_any_q, ancestor_paths
from members.models import Organization, OrganizationKind
from oversight import compliance
from oversight.models import BranchMonth

BATCH = 200

FIGURES = [
    "met",
    "regular_held",
    "thematic_held",
    "thematic_in_quarter",
    "meetings_timed",
    "meetings_short",
    "members_expected",
    "members_present",
    "cadres_expected",
    "cadres_present",
    "quality_level",
    "guidance_expected",
    "guidance_reflected",
    "refreshed_at",
]


def branch_months_refresh(
    *, branches: Iterable[Organization], months: Iterable[datetime.date], now: datetime.datetime | None = None
) -> int:
    """Recompute the summaries of these branches for these months (first days of months; other
    organisations than branches are skipped). Returns the number of rows written."""
    now = now or timezone.now()
    months = sorted({first_of_month(month) for month in months})
    if not months:
        return 0
    written = 0
    pending = iter(branches)
    while batch := [branch for branch in islice(pending, BATCH) if branch.kind == OrganizationKind.BRANCH]:
        written += _refresh_batch(batch, months, now)
    return written


def months_touched(month: datetime.date, *, today: datetime.date) -> list[datetime.date]:
    """The months whose summary a change to ``month`` touches: the month and the later months of
    its quarter, those that have begun (``thematic_in_quarter`` counts the quarter so far). None
    for a month to come: the scheduler plans thousands of meetings ahead, and a month's row is
    made when it begins (the nightly refresh) and refreshed on each change after that."""
    month = first_of_month(month)
    current = first_of_month(today)
    if month > current:
        return []
    end = add_months(quarter_start(month), 2)
    found, step = [month], add_months(month, 1)
    while step <= end and step <= current:
        found.append(step)
        step = add_months(step, 1)
    return found


def recent_months(today: datetime.date, count: int) -> list[datetime.date]:
    """The current month and the ``count - 1`` before it, oldest first."""
    current = first_of_month(today)
    return [add_months(current, -back) for back in range(count - 1, -1, -1)]


def branch_months_refresh_recent(*, today: datetime.date, count: int) -> int:
    """Every branch's summaries of the current month and the ``count - 1`` before it, in batches
    (the nightly task, the demo and the scale seeds). Returns the number of rows written."""
    branches = Organization.objects.filter(kind=OrganizationKind.BRANCH).order_by("pk")
    return branch_months_refresh(branches=branches.iterator(chunk_size=BATCH), months=recent_months(today, count))


def _refresh_batch(branches: list[Organization], months: list[datetime.date], now: datetime.datetime) -> int:
    ids = [branch.pk for branch in branches]
    rules = MeetingRules.objects.for_branches(branches)
    wanted = set(months)
    meetings = list(
        Meeting.objects.filter(
            branch_id__in=ids,
            status__in=compliance.HELD_STATUSES,
            month__gte=quarter_start(months[0]),
            month__lte=months[-1],
        )
        .only("pk", "branch_id", "kind", "month", "status", "planned_start", "actual_start", "actual_end")
        # A score counts once confirmed (docs/domain.md#quality-score): until then the month has no level.
        .annotate(
            level=Case(When(minutes__score_confirmed_at__isnull=False, then=F("minutes__score_level")), default=None)
        )
        .order_by("planned_start", "pk")
    )
    counted = [m for m in meetings if m.month in wanted]
    counted_ids = [m.pk for m in counted]
    marks, categories = compliance.roll_marks(counted_ids)
    people = compliance.branch_people(ids)
    cadres = _assignments(ids, months)
    came = set(
        Guest.objects.filter(meeting_id__in=counted_ids, cadre_id__isnull=False, attended=True).values_list(
            "meeting_id", "cadre_id"
        )
    )
    guided = _guidance(branches, months)
    with_guidance = set(
        AgendaItem.objects.filter(
            meeting_id__in=[m.pk for m in counted if m.kind in REGULAR_KINDS], guidance__isnull=False
        ).values_list("meeting_id", flat=True)
    )

    by_branch: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_branch[meeting.branch_id].append(meeting)
    rows = []
    for branch in branches:
        own = by_branch[branch.pk]
        for month in months:
            row = BranchMonth(branch=branch, month=month, refreshed_at=now)
            _meetings_of_month(
                row,
                [m for m in own if m.month == month],
                rules[branch.pk],
                rolls=(marks, categories, people.get(branch.pk, {})),
                cadres=cadres.get(branch.pk, []),
                came=came,
                with_guidance=with_guidance,
            )
            row.thematic_in_quarter = len(compliance.thematic_held(own, quarter_start(month), add_months(month, 1)))
            row.guidance_expected = any(path in guided[month] for path in ancestor_paths(branch))
            rows.append(row)
    BranchMonth.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["branch", "month"], update_fields=FIGURES
    )
    return len(rows)


def _meetings_of_month(
    row: BranchMonth,
    held: list[Meeting],
    rules: MeetingRules,
    *,
    rolls: tuple[dict, dict, dict],
    cadres: list[tuple[int, datetime.date, datetime.date | None]],
    came: set[tuple[int, int]],
    with_guidance: set[int],
) -> None:
    """Fill ``row`` from the branch's meetings held for that month."""
    marks, categories, people = rolls
    regular = [m for m in held if m.kind in REGULAR_KINDS]
    row.regular_held = len(regular)
    row.met = compliance.month_met(held)
    row.thematic_held = sum(1 for m in held if m.kind in THEMATIC_KINDS)
    # The last scored one, in the order of their planned start (as oversight.selectors.ratings reads them).
    levels = [m.level for m in regular if m.level]
    row.quality_level = levels[-1] if levels else ""
    row.guidance_reflected = any(m.pk in with_guidance for m in regular)
    for meeting in held:
        if compliance.is_timed(meeting):
            row.meetings_timed += 1
            row.meetings_short += compliance.too_short(meeting, rules) is not None
        counts = compliance.roll_figures(meeting, marks.get(meeting.pk, {}), people, categories.get(meeting.pk))
        if counts.marked:
            row.members_expected += counts.expected
            row.members_present += counts.present
        day = meeting.day
        expected = {cadre for cadre, start, end in cadres if start <= day and (end is None or end >= day)}
        row.cadres_expected += len(expected)
        row.cadres_present += sum(1 for cadre in expected if (meeting.pk, cadre) in came)


def _assignments(
    branch_ids: list[int], months: list[datetime.date]
) -> dict[int, list[tuple[int, datetime.date, datetime.date | None]]]:
    """{branch: [(cadre, from, until)]} of the assignments in force during the months; one query.
    A day's margin each side: a meeting's day is local, its month is the one it is for."""
    start = months[0] - datetime.timedelta(days=31)
    end = add_months(months[-1], 2)
    found: dict[int, list] = defaultdict(list)
    rows = (
        CadreAssignment.objects.filter(branch_id__in=branch_ids)
        .overlapping(start, end)
        .values_list("branch_id", "cadre_id", "started_on", "ended_on")
    )
    for branch_id, cadre_id, started_on, ended_on in rows:
        found[branch_id].append((cadre_id, started_on, ended_on))
    return found


def _guidance(branches: list[Organization], months: list[datetime.date]) -> dict[datetime.date, set[str]]:
    """{month: paths of the organisations that published guidance for it}; one query."""
    found: dict[datetime.date, set[str]] = defaultdict(set)
    rows = Guidance.objects.filter(above_any_q(branches, prefix="organization__"), month__in=months).values_list(
        "month", "organization__path"
    )
    for month, path in rows:
        found[month].add(path)
    return found
