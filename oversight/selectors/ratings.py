"""The annual rating of each branch from its monthly quality levels (docs/domain.md#annual-rating, "Meeting quality
score"): ``annual_ratings`` answers for any number of branches in two queries (one given the rules).

A month's level counts once its score is confirmed (by the assigned cadre, or commune staff where
no cadre follows the branch: ``meetings.access.can_confirm_score``); a month over without a held
regular meeting is not met (``counting.NOT_MET``) and counts against the year."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from meetings import counting
from meetings.models import REGULAR_KINDS, Meeting, MeetingRules, MeetingStatus, Minutes
from meetings.models.minutes import ScoreLevel
from members.access import branches_q

# Meetings whose score counts for the month: held, minutes adopted or not yet.
SCORED_STATUSES = (MeetingStatus.HELD, MeetingStatus.ADOPTED)


@dataclass
class MonthLevel:
    month: datetime.date
    level: str | None = None  # the confirmed level; None: no confirmed score; counting.NOT_MET: no meeting held
    score: int | None = None
    meeting_id: int | None = None
    proposed: str = ""  # the level of a score not confirmed yet (it does not count)

    @property
    def label(self) -> str:
        return ScoreLevel(self.level).label if self.level in ScoreLevel.values else ""

    @property
    def not_met(self) -> bool:
        return self.level == counting.NOT_MET

    @property
    def awaiting(self) -> bool:
        """Scored, waiting for the confirmation that makes it count."""
        return self.level is None and bool(self.proposed)

    @property
    def proposed_label(self) -> str:
        return ScoreLevel(self.proposed).label if self.proposed in ScoreLevel.values else ""


@dataclass
class AnnualRating:
    """A branch's year: its level and the twelve months behind it."""

    year: int
    months: list[MonthLevel] = field(default_factory=list)
    complete: bool = True  # False while the year is not over: the level so far
    rules: MeetingRules | None = None  # the commune's thresholds (None: the defaults)

    @property
    def rated(self) -> bool:
        """At least one month with a confirmed score: a year with none is not rated (not
        "Average"), nor one with only months not met (before the branch kept its meetings here)."""
        return any(m.level in ScoreLevel.values for m in self.months)

    @property
    def level(self) -> str:
        return counting.annual_level((m.level for m in self.months), self.rules)

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
        """Months held without a confirmed score (awaiting confirmation included)."""
        return sum(m.level is None for m in self.months)

    @property
    def months_at(self) -> Counter:
        """{level (None: not scored): its months}, counted in one pass (the flags page's line)."""
        return Counter(m.level for m in self.months)

    @property
    def awaiting_months(self) -> int:
        return sum(m.awaiting for m in self.months)

    @property
    def not_met_months(self) -> int:
        return sum(m.not_met for m in self.months)


def annual_ratings(
    *, branches, year: int, today: datetime.date | None = None, rules: dict | None = None
) -> dict[int, AnnualRating]:
    """{branch id: its rating for ``year``}: the level of each month is the confirmed level of the
    month's held regular meeting (regular, or regular + thematic); a month over without one is not
    met; a year still running is rated on the months so far (``complete`` False; the current month
    only once scored and confirmed). ``rules``: {branch id: MeetingRules} when the caller has them.
    Two queries whatever the number of branches (one given ``rules``)."""
    today = today or timezone.localdate()
    branches = list(branches)
    branch_ids = [b.pk for b in branches]
    if not branch_ids:
        return {}
    if rules is None:
        rules = MeetingRules.objects.for_branches(branches)
    last_month = 12 if today.year > year else (today.month if today.year == year else 0)
    months = [datetime.date(year, m, 1) for m in range(1, last_month + 1)]
    ratings = {
        pk: AnnualRating(
            year=year,
            months=[MonthLevel(month=m) for m in months],
            complete=last_month == 12 and today.year > year,
            rules=rules.get(pk),
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
        .annotate(
            level=Subquery(scored.values("score_level")),
            total=Subquery(scored.values("score_total")),
            confirmed=Subquery(scored.values("score_confirmed_at")),
        )
        .values_list("branch_id", "month", "level", "total", "confirmed", "pk")
        .order_by("planned_start")
    )
    held: set[tuple[int, int]] = set()
    for branch_id, month, level, total, confirmed, meeting_id in rows:
        if month.month > last_month:
            continue
        held.add((branch_id, month.month))
        if not level:  # no minutes, or not scored
            continue
        cell = ratings[branch_id].months[month.month - 1]
        cell.score, cell.meeting_id = total, meeting_id
        cell.level, cell.proposed = (level, "") if confirmed else (None, level)
    # A month over (before the current one) without a held regular meeting is not met.
    over = last_month if today.year > year else last_month - 1
    for branch_id, rating in ratings.items():
        for cell in rating.months[:over]:
            if (branch_id, cell.month.month) not in held:
                cell.level = counting.NOT_MET
    if year == today.year:
        # The current month counts once scored; until then the year is rated on the months before.
        for rating in ratings.values():
            if rating.months and rating.months[-1].level is None:
                rating.months.pop()
    return ratings


def annual_rating(branch, year: int, today: datetime.date | None = None) -> AnnualRating:
    return annual_ratings(branches=[branch], year=year, today=today)[branch.pk]
