"""The annual rating of each branch from its monthly quality levels (docs/domain.md#annual-rating, "Meeting quality
score"): ``annual_ratings`` answers for any number of branches in one query."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from meetings import counting
from meetings.models import REGULAR_KINDS, Meeting, MeetingStatus, Minutes
from meetings.models.minutes import ScoreLevel
from members.access import branches_q

# Meetings whose score counts for the month: held, minutes adopted or not yet.
SCORED_STATUSES = (MeetingStatus.HELD, MeetingStatus.ADOPTED)


@dataclass
class MonthLevel:
    month: datetime.date
    level: str | None = None  # None: no scored regular meeting that month
    score: int | None = None
    meeting_id: int | None = None

    @property
    def label(self) -> str:
        return ScoreLevel(self.level).label if self.level else ""


@dataclass
class AnnualRating:
    """A branch's year: its level and the twelve months behind it."""

    year: int
    months: list[MonthLevel] = field(default_factory=list)
    complete: bool = True  # False while the year is not over: the level so far

    @property
    def rated(self) -> bool:
        """At least one month scored: a year with none is not rated (not "Average")."""
        return any(m.level for m in self.months)

    @property
    def level(self) -> str:
        return counting.annual_level(m.level for m in self.months)

    @property
    def label(self) -> str:
        return ScoreLevel(self.level).label

    def count(self, level: str) -> int:
        return sum(m.level == level for m in self.months)

    @property
    def good_months(self) -> int:
        return self.count(ScoreLevel.GOOD)

    @property
    def fair_months(self) -> int:
        return self.count(ScoreLevel.FAIR)

    @property
    def average_months(self) -> int:
        return self.count(ScoreLevel.AVERAGE)

    @property
    def poor_months(self) -> int:
        return self.count(ScoreLevel.POOR)

    @property
    def unscored_months(self) -> int:
        return sum(m.level is None for m in self.months)

    @property
    def months_at(self) -> Counter:
        """{level (None: not scored): its months}, counted in one pass (the flags page's line)."""
        return Counter(m.level for m in self.months)


def annual_ratings(*, branches, year: int, today: datetime.date | None = None) -> dict[int, AnnualRating]:
    """{branch id: its rating for ``year``}: the level of each month is that of the month's held
    regular meeting (regular, or regular + thematic); a year still running is rated on the months
    so far (``complete`` False; the current month only once scored). One query whatever the number
    of branches."""
    today = today or timezone.localdate()
    branches = list(branches)
    branch_ids = [b.pk for b in branches]
    if not branch_ids:
        return {}
    last_month = 12 if today.year > year else (today.month if today.year == year else 0)
    months = [datetime.date(year, m, 1) for m in range(1, last_month + 1)]
    ratings = {
        pk: AnnualRating(
            year=year, months=[MonthLevel(month=m) for m in months], complete=last_month == 12 and today.year > year
        )
        for pk in branch_ids
    }
    # From the meetings, each looking its minutes up by meeting: joined the other way round,
    # PostgreSQL hashed the whole minutes table (a sequential scan growing with the province).
    # ``unscoped``: the minutes of meetings the scoped query below has found (no second join).
    scored = Minutes.unscoped.filter(meeting_id=OuterRef("pk"))
    rows = (
        Meeting.objects.filter(
            branches_q(branches),  # (by path too: see there)
            month__year=year,
            kind__in=REGULAR_KINDS,
            status__in=SCORED_STATUSES,
        )
        .annotate(level=Subquery(scored.values("score_level")), total=Subquery(scored.values("score_total")))
        .values_list("branch_id", "month", "level", "total", "pk")
        .order_by("planned_start")
    )
    for branch_id, month, level, total, meeting_id in rows:
        if not level or month.month > last_month:  # no minutes, or not scored
            continue
        cell = ratings[branch_id].months[month.month - 1]
        cell.level, cell.score, cell.meeting_id = level, total, meeting_id
    if year == today.year:
        # The current month counts once scored; until then the year is rated on the months before.
        for rating in ratings.values():
            if rating.months and rating.months[-1].level is None:
                rating.months.pop()
    return ratings


def annual_rating(branch, year: int, today: datetime.date | None = None) -> AnnualRating:
    return annual_ratings(branches=[branch], year=year, today=today)[branch.pk]
