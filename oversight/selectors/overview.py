"""The dashboard's figures: the monthly summaries (``BranchMonth``) of a scope added up, per row.

``overview`` answers for a node, or for all the nodes a user oversees, over a month, a quarter or
a year, in a fixed number of queries whatever the number of branches:

1. the rows' organisations: the node's children (a branch: itself; the user's own nodes when
   there is no node);
2. the summaries of the period added up per row (one query, grouped by the row each branch lies
   under);
3. for a year only, each branch's months by quality level, for the annual rating
   (``meetings.counting.annual_level``, the rule of ``oversight.selectors.ratings``).

``branch_page`` is the drill-down behind a figure: the branches it counts, with their own
figures, a page at a time (a count and a page; for an annual rating, the levels of every branch
of the scope and then the page's figures).

Months count up to the current one: a month still running is "not yet" rather than missed, and a
quarter still running shows its thematic meetings so far without counting a miss.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from meetings.counting import NOT_MET, annual_level, rate_of
from meetings.models import MeetingRules
from meetings.models.minutes import ScoreLevel
from meetings.months import add_months, first_of_month, quarter_start
from members.access import above_any_q, nearest_above, subtree_key, subtree_q
from members.models import Organization
from oversight import access
from oversight.models import BranchMonth

LEVELS = [level.value for level in ScoreLevel]
# The prefix of the figures' annotations.
PREFIX = "n_"


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


@dataclass(frozen=True)
class Span:
    """A month, a quarter or a year: its first and last months."""

    kind: str
    first: datetime.date
    last: datetime.date

    @classmethod
    def containing(cls, kind: str, month: datetime.date) -> Span:
        month = first_of_month(month)
        if kind == PeriodKind.YEAR:
            return cls(kind, datetime.date(month.year, 1, 1), datetime.date(month.year, 12, 1))
        if kind == PeriodKind.QUARTER:
            start = quarter_start(month)
            return cls(kind, start, add_months(start, 2))
        return cls(PeriodKind.MONTH, month, month)

    def shifted(self, steps: int) -> Span:
        length = {PeriodKind.YEAR: 12, PeriodKind.QUARTER: 3}.get(self.kind, 1)
        return Span.containing(self.kind, add_months(self.first, steps * length))

    def counted_until(self, today: datetime.date) -> datetime.date | None:
        """The last month counted: the period's last, or the current month; None for a future period."""
        current = first_of_month(today)
        if self.first > current:
            return None
        return min(self.last, current)

    def months(self, today: datetime.date) -> list[datetime.date]:
        until = self.counted_until(today)
        found, month = [], self.first
        while until is not None and month <= until:
            found.append(month)
            month = add_months(month, 1)
        return found

    def quarter_marks(self, today: datetime.date) -> list[datetime.date]:
        """For each quarter of the period that has begun, the month whose summary tells whether it
        had a thematic meeting: its last month, or the current month while it runs."""
        until = self.counted_until(today)
        marks, start = [], quarter_start(self.first)
        while until is not None and start <= until:
            marks.append(max(self.first, min(add_months(start, 2), until)))
            start = add_months(start, 3)
        return marks

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return str(self.first.year)
        if self.kind == PeriodKind.QUARTER:
            return _("Q%(quarter)d/%(year)d") % {"quarter": (self.first.month - 1) // 3 + 1, "year": self.first.year}
        return f"{self.first:%m/%Y}"


@dataclass
class Figures:
    """The figures of one row (a node, a branch) or of the total, over a period."""

    branches: int = 0
    months: int = 0  # branch-months counted
    met: int = 0
    missed: int = 0  # months over without a regular meeting
    pending: int = 0  # the current month, not met yet
    quarters: int = 0  # branch-quarters begun
    thematic: int = 0  # of those, with a thematic meeting (so far)
    thematic_missing: int = 0  # quarters over without one
    timed: int = 0
    short: int = 0
    expected: int = 0
    present: int = 0
    cadres_expected: int = 0
    cadres_present: int = 0
    good: int = 0
    fair: int = 0
    average: int = 0
    poor: int = 0
    unscored: int = 0  # months met whose meeting has no score
    guidance_due: int = 0  # months met for which guidance was published
    guidance_reflected: int = 0
    # Year only: branches per annual level ({} otherwise).
    ratings: dict[str, int] = field(default_factory=dict)

    COUNTED = (
        "branches",
        "months",
        "met",
        "missed",
        "pending",
        "quarters",
        "thematic",
        "thematic_missing",
        "timed",
        "short",
        "expected",
        "present",
        "cadres_expected",
        "cadres_present",
        "good",
        "fair",
        "average",
        "poor",
        "unscored",
        "guidance_due",
        "guidance_reflected",
    )

    def add(self, other: Figures) -> None:
        for name in self.COUNTED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for level, count in other.ratings.items():
            self.ratings[level] = self.ratings.get(level, 0) + count

    @property
    def due(self) -> int:
        return self.met + self.missed

    @property
    def met_rate(self) -> float | None:
        """Months met of the months over or met (a month still running counts once met)."""
        return rate_of(self.met, self.due)

    @property
    def attendance_rate(self) -> float | None:
        return rate_of(self.present, self.expected)

    @property
    def cadre_rate(self) -> float | None:
        return rate_of(self.cadres_present, self.cadres_expected)

    @property
    def guidance_rate(self) -> float | None:
        return rate_of(self.guidance_reflected, self.guidance_due)

    @property
    def attendance_text(self) -> str:
        """The attendance rate as the page shows it ("95,5%", or "—" when no roll was taken)."""
        rate = self.attendance_rate
        return "—" if rate is None else f"{formats.number_format(rate, 1)}%"

    @property
    def cadres_absent(self) -> int:
        return self.cadres_expected - self.cadres_present

    @property
    def levels(self) -> list[tuple[str, str, int]]:
        """(level, label, months) of each quality level."""
        return [(level.value, level.label, getattr(self, level.value)) for level in ScoreLevel]

    @property
    def rating_levels(self) -> list[tuple[str, str, int]]:
        """(level, label, branches) of each annual level."""
        return [(level.value, level.label, self.ratings.get(level.value, 0)) for level in ScoreLevel]


@dataclass
class Row:
    """One line of the table: a node (or a branch) and its figures."""

    node: Organization
    figures: Figures

    @property
    def name(self) -> str:
        return self.node.name


@dataclass
class Overview:
    span: Span
    today: datetime.date
    rows: list[Row]
    total: Figures
    node: Organization | None  # None: all the user's nodes

    @property
    def with_ratings(self) -> bool:
        return self.span.kind == PeriodKind.YEAR


def _aggregates(span: Span, today: datetime.date) -> dict:
    current = first_of_month(today)
    marks = span.quarter_marks(today)
    over = [mark for mark in marks if mark == add_months(quarter_start(mark), 2) and mark < current]

    def total(name: str):
        return Coalesce(Sum(name), 0)

    def count(q: Q):
        return Count("pk", filter=q)

    met_with_guidance = Q(met=True, guidance_expected=True)
    aggregates = {
        "branches": Count("branch_id", distinct=True),
        "months": Count("pk"),
        "met": count(Q(met=True)),
        "missed": count(Q(met=False, month__lt=current)),
        "pending": count(Q(met=False, month__gte=current)),
        "quarters": count(Q(month__in=marks)),
        "thematic": count(Q(month__in=marks, thematic_in_quarter__gt=0)),
        "thematic_missing": count(Q(month__in=over, thematic_in_quarter=0)),
        "timed": total("meetings_timed"),
        "short": total("meetings_short"),
        "expected": total("members_expected"),
        "present": total("members_present"),
        "cadres_expected": total("cadres_expected"),
        "cadres_present": total("cadres_present"),
        **{level: count(Q(quality_level=level)) for level in LEVELS},
        "unscored": count(Q(met=True, quality_level="")),
        "guidance_due": count(met_with_guidance),
        "guidance_reflected": count(met_with_guidance & Q(guidance_reflected=True)),
    }
    # Prefixed: an annotation named like a field ("met") would shadow it in the other filters.
    return {f"{PREFIX}{name}": aggregate for name, aggregate in aggregates.items()}


def _figures(values: dict) -> Figures:
    return Figures(**{name: values[f"{PREFIX}{name}"] for name in Figures.COUNTED})


def _in_period(user, nodes: list[Organization], span: Span, today: datetime.date) -> QuerySet[BranchMonth]:
    months = span.months(today)
    if not months:
        return BranchMonth.objects.none()
    return access.summaries(user).filter(access.under_q(nodes), month__gte=months[0], month__lte=months[-1])


def _row_nodes(user, node: Organization | None) -> list[Organization]:
    """The organisations the table has a row for: the node's children (a branch is its own row),
    or the user's own nodes."""
    if node is None:
        return access.roots(user)
    if node.is_branch:
        return [node]
    return list(Organization.objects.get_children(node).order_by("path"))


def group_expression(rows: list[Organization], prefix: str = "branch__"):
    """The row each summary (or petition: anything with a branch) falls in: a prefix of its
    branch's path when the rows are of one depth, else a CASE."""
    return subtree_key(rows, prefix=prefix)


def overview(*, user, node: Organization | None, span: Span, today: datetime.date) -> Overview:
    """The figures of each row under ``node`` (or of each of the user's nodes), and their total.
    Two queries (four for a year)."""
    rows = _row_nodes(user, node)
    scope = [node] if node is not None else rows
    found = {row.path: Figures() for row in rows}
    if rows:
        summaries = _in_period(user, scope, span, today)
        grouped = summaries.annotate(group=group_expression(rows)).values("group").annotate(**_aggregates(span, today))
        for values in grouped.order_by():
            if values["group"] in found:
                found[values["group"]] = _figures(values)
        if span.kind == PeriodKind.YEAR:
            for group, level in _annual_levels(summaries, span, today, group=group_expression(rows), scope=scope):
                if group in found:
                    found[group].ratings[level] = found[group].ratings.get(level, 0) + 1
    total = Figures()
    result = []
    for row in rows:
        total.add(found[row.path])
        result.append(Row(node=row, figures=found[row.path]))
    return Overview(span=span, today=today, rows=result, total=total, node=node)


def _annual_levels(
    summaries: QuerySet[BranchMonth], span: Span, today: datetime.date, *, group, scope: list[Organization]
) -> list:
    """(group, annual level) of each branch: its months' quality levels so far this year (the
    summaries keep confirmed levels only), a month over without a held regular meeting not met
    (``NOT_MET``), a month without a summary or a score being no level, by the thresholds of the
    branch's commune (``annual_level``). Two queries: the rules above or under ``scope``, the months."""
    counted = len(span.months(today))
    current = first_of_month(today)
    kept = list(
        MeetingRules.objects.filter(
            above_any_q(scope, prefix="organization__") | subtree_q(scope, prefix="organization__")
        ).select_related("organization")
    )
    per_branch = (
        summaries.annotate(group=group)
        .values("branch_id", "branch__path", "group")
        .annotate(
            **{level: Count("pk", filter=Q(quality_level=level)) for level in LEVELS},
            not_met=Count("pk", filter=Q(met=False, month__lt=current)),
        )
        .order_by()
    )
    found = []
    for values in per_branch:
        levels = [level for level in LEVELS for _ in range(values[level])]
        levels += [NOT_MET] * values["not_met"]
        levels += [None] * (counted - len(levels))
        rules = nearest_above(_Path(values["branch__path"]), kept, lambda row: row.organization)
        found.append((values["group"], annual_level(levels, rules)))
    return found


@dataclass(frozen=True)
class _Path:
    """A branch as ``nearest_above`` reads it: its path."""

    path: str


# --- Sorting ------------------------------------------------------------------------------------


def _rate_key(rate: float | None) -> float:
    return -1.0 if rate is None else rate


# What the table may be sorted by (the ``sort`` query parameter; a leading "-" reverses).
SORTS = {
    "name": lambda row: row.name.casefold(),
    "branches": lambda row: row.figures.branches,
    "met": lambda row: _rate_key(row.figures.met_rate),
    "missed": lambda row: row.figures.missed,
    "thematic": lambda row: row.figures.thematic_missing,
    "short": lambda row: row.figures.short,
    "cadres": lambda row: _rate_key(row.figures.cadre_rate),
    "attendance": lambda row: _rate_key(row.figures.attendance_rate),
    "good": lambda row: row.figures.good,
    "poor": lambda row: row.figures.poor,
    "guidance": lambda row: _rate_key(row.figures.guidance_rate),
    "rating": lambda row: row.figures.ratings.get(ScoreLevel.GOOD, 0),
}


def sorted_rows(rows: list[Row], sort: str) -> list[Row]:
    """The rows by a key of SORTS ("-key": descending); by position in the tree otherwise."""
    key = sort.removeprefix("-")
    if key not in SORTS:
        return list(rows)
    return sorted(rows, key=lambda row: (SORTS[key](row), row.name.casefold()), reverse=sort.startswith("-"))


# --- The drill-down -----------------------------------------------------------------------------

# Which branches a figure counts: a condition on a branch's figures over the period.
BRANCH_FILTERS = {
    "branches": Q(),
    "met": Q(n_met__gt=0),
    "missed": Q(n_missed__gt=0),
    "pending": Q(n_pending__gt=0),
    "thematic": Q(n_thematic__gt=0),
    "thematic_missing": Q(n_thematic_missing__gt=0),
    "short": Q(n_short__gt=0),
    "cadres": Q(n_cadres_expected__gt=0),
    "cadres_absent": Q(n_cadres_expected__gt=F("n_cadres_present")),
    "attendance": Q(n_expected__gt=0),
    **{level: Q(**{f"n_{level}__gt": 0}) for level in LEVELS},
    "unscored": Q(n_unscored__gt=0),
    "guidance_missing": Q(n_guidance_due__gt=F("n_guidance_reflected")),
}
RATING_FILTERS = {f"rating_{level}": level for level in LEVELS}
FIGURES = [*BRANCH_FILTERS, *RATING_FILTERS]

BRANCHES_PER_PAGE = 50


@dataclass
class BranchLine:
    branch_id: int
    name: str
    figures: Figures
    rating: str = ""  # the annual level, in the drill-down behind a rating

    @property
    def rating_label(self) -> str:
        return ScoreLevel(self.rating).label if self.rating else ""


def _line(values: dict) -> BranchLine:
    return BranchLine(branch_id=values["branch_id"], name=values["branch__name"], figures=_figures(values))


def branch_page(
    *, user, node: Organization | None, span: Span, today: datetime.date, figure: str, page: str | int | None
) -> Page:
    """The branches behind ``figure`` (a key of FIGURES) under ``node`` (or all the user's
    nodes), by name, a page of BranchLine. Two queries (four for an annual rating)."""
    scope = [node] if node is not None else access.roots(user)
    summaries = _in_period(user, scope, span, today)
    per_branch = (
        summaries.values("branch_id", "branch__name")
        .annotate(**_aggregates(span, today))
        .order_by("branch__name", "branch_id")
    )
    if figure in RATING_FILTERS:
        level = RATING_FILTERS[figure]
        ids = [
            branch_id
            for (branch_id, found) in _annual_levels(summaries, span, today, group=F("branch_id"), scope=scope)
            if found == level
        ]
        per_branch = per_branch.filter(branch_id__in=ids)
        paged = Paginator(per_branch, BRANCHES_PER_PAGE).get_page(page)
        paged.object_list = [dataclasses.replace(_line(values), rating=level) for values in paged.object_list]
        return paged
    paged = Paginator(per_branch.filter(BRANCH_FILTERS[figure]), BRANCHES_PER_PAGE).get_page(page)
    paged.object_list = [_line(values) for values in paged.object_list]
    return paged
