"""What commune staff and leaders look for in their branches' meetings: the flags.

``branch_flags`` answers for a page of branches and a period of months in a fixed number of
queries whatever the number of branches, meetings or members:

1. the meeting rules of every ancestor of the branches (nearest one wins);
2. the branches' meetings from twelve months before the period (absences without reason, and
   runs of absences, which go on across 1 January) to the end of its last quarter (whole
   quarters are judged);
3. the attendance marks of those meetings up to the period's end, a row per meeting with its
   members grouped by mark: every mark from twelve months before the month of the period's
   first held meeting (a run longer than that is counted from there: still over any limit), only
   the absences without reason before it;
4. the branches' members, to count who was expected on each meeting's day.

The roll is counted by the same rules as the roll page (``meetings.counting.standing_on``, as in
``compliance.roll_figures``; ``_BranchRoll`` takes a shortcut for members who stand the same way on every
day of the period), ``absence_runs`` and ``runs_over_the_limit`` for absences in a row, fed from
rows fetched once for all meetings instead of ``count_roll``'s per-meeting queries. The members
counted by their mark alone are counted by set operations on the groups of marks, and runs of
absences are followed only for members absent often enough to be over a limit (``_FlagMarks.runs``).

Flags per branch (docs/domain.md#attendance, thresholds from the commune's MeetingRules):

- a month that is over without a held regular meeting (regular, or regular + thematic);
- a quarter that is over without a held thematic meeting (thematic, or regular + thematic);
  the current quarter shows "not yet" rather than a flag;
- a held meeting shorter than the minimum (longer minimum for a combined session);
- materials posted less than N days before the planned start, or never;
- minutes not adopted within N days of the meeting's end (adopted late, or still not adopted
  when the deadline has passed);
- the roll: attendance rate below the minimum, any absence without reason, a member absent
  (even with reason) more than N meetings in a row; and a held meeting with no roll at all;
- a member absent without reason in three calendar months within twelve months (grounds to
  consider removing them from the register, "xóa tên"; two meetings in one month are one
  month), counted back from each month of the period with such an absence.

Flags about people (absent without reason, absent in a row, grounds for removal) are counted in
people, not in meetings: one member absent four times in a row is one person. Each branch gets a
severity (``BranchFlags.severity``) so that the page can rank the serious ones first.

Extraordinary meetings count for the roll but not for length, materials or minutes: they
are called at short notice and are not the month's meeting.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Aggregate, Case, CharField, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meetings import counting
from meetings.models import (
    PRESENT_MARKS,
    REGULAR_KINDS,
    Attendance,
    Mark,
    Meeting,
    MeetingRules,
    MeetingStatus,
)
from meetings.months import add_months, quarter_start
from members.access import branches_q
from members.models import Organization
from oversight import compliance

DEFAULT_MONTHS = 6


MAX_MONTHS = 24


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` to ``last`` (both the first day of their month)."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def ending(cls, month: datetime.date, months: int = DEFAULT_MONTHS) -> Period:
        last = month.replace(day=1)
        return cls(first=add_months(last, -(months - 1)), last=last)

    @property
    def months(self) -> list[datetime.date]:
        result, month = [], self.first
        while month <= self.last:
            result.append(month)
            month = add_months(month, 1)
        return result

    @property
    def quarters(self) -> list[datetime.date]:
        """The first month of every quarter the period touches."""
        result, start = [], quarter_start(self.first)
        while start <= self.last:
            result.append(start)
            start = add_months(start, 3)
        return result

    def __contains__(self, month: datetime.date) -> bool:
        return self.first <= month <= self.last


class State:
    """The state of a month (regular meeting) or a quarter (thematic meeting)."""

    HELD = "held"
    MISSING = "missing"  # over, and nothing held: a flag
    NOT_YET = "not_yet"  # not over yet, nothing held so far


@dataclass
class MonthCell:
    month: datetime.date
    state: str
    meetings: list[Meeting] = field(default_factory=list)  # the month's regular meetings, any status

    @property
    def link(self) -> Meeting | None:
        """The meeting to open: the held one, else the planned one."""
        held = [m for m in self.meetings if m.status in compliance.HELD_STATUSES]
        return (held or self.meetings or [None])[0]


@dataclass
class QuarterCell:
    start: datetime.date
    state: str
    meetings: list[Meeting] = field(default_factory=list)  # the quarter's held thematic meetings

    @property
    def link(self) -> Meeting | None:
        return self.meetings[0] if self.meetings else None

    @property
    def label(self) -> str:
        return _("Q%(quarter)d/%(year)d") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}


@dataclass
class MeetingIssue:
    """One flagged meeting and what is wrong with it, ready to show; ``people``: the members it
    is about, for the flags counted in people."""

    meeting: Meeting
    detail: str
    people: list[int] = field(default_factory=list)


class Issues(list):
    """The issues of one kind of flag. ``tally`` is what the page counts: meetings, or people
    (``per_person``) so that one member absent four times in a row counts once."""

    def __init__(self, items=(), *, per_person: bool = False):
        super().__init__(items)
        self.per_person = per_person

    @property
    def tally(self) -> int:
        if not self.per_person:
            return len(self)
        return len({pk for issue in self for pk in issue.people})


@dataclass
class RemovalGrounds:
    """A member absent without reason in ``count`` calendar months (3 or more) within twelve
    months (``counting.removal_grounds``); ``days``: the meetings behind it."""

    member_id: int
    name: str
    days: list[datetime.date]

    @property
    def months(self) -> list[datetime.date]:
        """The calendar months (their first days) with an absence without reason."""
        return sorted({day.replace(day=1) for day in self.days})

    @property
    def count(self) -> int:
        return len(self.months)


class Severity:
    """How urgent a branch's flags are, most serious first."""

    SERIOUS = "serious"
    ATTENTION = "attention"
    MINOR = "minor"
    NONE = "none"

    ORDER = {SERIOUS: 3, ATTENTION: 2, MINOR: 1, NONE: 0}


# Points per flag (per person for people flags): what makes a branch rank above another.
SEVERITY_WEIGHTS = {
    "removal": 6,
    "missing_month": 5,
    "absent_in_a_row": 3,
    "missing_quarter": 3,
    "unexcused": 2,
    "low_attendance": 2,
    "no_roll": 2,
    "too_short": 1,
    "minutes_late": 1,
    "materials_late": 1,
}


# The meeting flags, in the order the page shows them (BranchFlags.meeting_issues).
ISSUE_KEYS = (
    "too_short",
    "materials_late",
    "minutes_late",
    "low_attendance",
    "unexcused",
    "absent_in_a_row",
    "no_roll",
)


@lru_cache(maxsize=64)
def _issue_labels(language: str | None, rate: int, count: int) -> tuple[str, ...]:
    """The labels of ``ISSUE_KEYS`` in a language (a page asks for them many times per branch)."""
    return (
        _("Too short"),
        _("Materials late"),
        _("Minutes late"),
        _("Attendance below %(rate)d%%") % {"rate": rate},
        _("Absent without reason"),
        _("Absent more than %(count)d times in a row") % {"count": count},
        _("No roll recorded"),
    )


def removal_texts() -> tuple[str, str]:
    """The title and the note of the grounds for removal (``RemovalGrounds``), with the rule's own
    figures (``counting.removal_grounds``: calendar months, not meetings), in the current language."""
    return _removal_texts(get_language())


@lru_cache(maxsize=8)
def _removal_texts(language: str | None) -> tuple[str, str]:
    title = _("Absent without reason in %(count)d months of %(window)d") % {
        "count": counting.MONTHS_FOR_REMOVAL,
        "window": counting.REMOVAL_WINDOW_MONTHS,
    }
    note = _(
        "Absent without reason in %(count)s calendar months within twelve months (two meetings in one month "
        "count once): grounds to consider removing them from the register (xóa tên)."
    ) % {"count": counting.MONTHS_FOR_REMOVAL}
    return title, note


@dataclass
class BranchFlags:
    branch: Organization
    rules: MeetingRules
    months: list[MonthCell] = field(default_factory=list)
    quarters: list[QuarterCell] = field(default_factory=list)
    too_short: Issues = field(default_factory=Issues)
    materials_late: Issues = field(default_factory=Issues)
    minutes_late: Issues = field(default_factory=Issues)
    low_attendance: Issues = field(default_factory=Issues)
    unexcused: Issues = field(default_factory=lambda: Issues(per_person=True))
    absent_in_a_row: Issues = field(default_factory=lambda: Issues(per_person=True))
    no_roll: Issues = field(default_factory=Issues)
    removal: list[RemovalGrounds] = field(default_factory=list)
    rating: object = None  # the annual rating, set by the page that shows it (selectors.ratings)

    @property
    def missing_months(self) -> list[MonthCell]:
        return [cell for cell in self.months if cell.state == State.MISSING]

    @property
    def missing_quarters(self) -> list[QuarterCell]:
        return [cell for cell in self.quarters if cell.state == State.MISSING]

    @property
    def meeting_issues(self) -> list[tuple[str, str, list[MeetingIssue]]]:
        """(key, label, issues) of every meeting flag, in the order the page shows them."""
        labels = _issue_labels(get_language(), self.rules.min_attendance_rate, self.rules.max_absences_in_row)
        return list(zip(ISSUE_KEYS, labels, (getattr(self, key) for key in ISSUE_KEYS), strict=True))

    @property
    def flag_count(self) -> int:
        """Flags in all: months, quarters, meetings, and people for the people flags."""
        return (
            len(self.missing_months)
            + len(self.missing_quarters)
            + sum(issues.tally for _key, _label, issues in self.meeting_issues)
            + len(self.removal)
        )

    @property
    def points(self) -> int:
        """The weight of the branch's flags (``SEVERITY_WEIGHTS``): ranks branches."""
        tallies = {key: issues.tally for key, _label, issues in self.meeting_issues}
        tallies.update(
            removal=len(self.removal),
            missing_month=len(self.missing_months),
            missing_quarter=len(self.missing_quarters),
        )
        return sum(SEVERITY_WEIGHTS[key] * count for key, count in tallies.items())

    @property
    def severity(self) -> str:
        """Serious: grounds for removal, a month without its meeting, or many flags; attention:
        a flag about people or attendance; minor: paperwork only (length, materials, minutes)."""
        points = self.points
        if not points:
            return Severity.NONE
        if self.removal or self.missing_months or points >= 10:
            return Severity.SERIOUS
        if points >= 3 or self.absent_in_a_row or self.unexcused or self.low_attendance:
            return Severity.ATTENTION
        return Severity.MINOR

    @property
    def severity_label(self) -> str:
        return {
            Severity.SERIOUS: _("Serious"),
            Severity.ATTENTION: _("Needs attention"),
            Severity.MINOR: _("Minor"),
            Severity.NONE: _("OK"),
        }[self.severity]

    @property
    def rank_key(self) -> tuple:
        """Most serious first, then most points; ties keep the tree order."""
        return (-Severity.ORDER[self.severity], -self.points)


def rank_branches(rows: list[BranchFlags]) -> list[BranchFlags]:
    """The branches, most serious first (a stable sort: equal ones keep their order)."""
    return sorted(rows, key=lambda row: row.rank_key)


def branch_flags(*, branches, period: Period, now: datetime.datetime | None = None) -> list[BranchFlags]:
    """The flags of each branch over the period, in the branches' order; four queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    branches = list(branches)
    if not branches:
        return []
    branch_ids = [b.pk for b in branches]
    rules = MeetingRules.objects.for_branches(branches)

    # From twelve months before the period (absences without reason, runs of absences) to the
    # end of the period's last quarter (a thematic meeting late in the quarter still counts).
    # Runs go by the day a meeting was held, which may fall outside its month.
    window_start = add_months(period.first, -counting.REMOVAL_WINDOW_MONTHS)
    window_end = add_months(quarter_start(period.last), 2)
    year_start = timezone.make_aware(datetime.datetime.combine(window_start, datetime.time()))
    meetings = list(
        Meeting.objects.filter(branches_q(branches), month__lte=window_end)
        .filter(Q(month__gte=window_start) | Q(planned_start__gte=year_start) | Q(actual_start__gte=year_start))
        .only(
            "pk",
            "branch_id",
            "kind",
            "month",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "materials_posted_at",
            "minutes_adopted_at",
        )
        .order_by("planned_start", "pk")
    )
    for meeting in meetings:
        meeting.start = meeting.actual_start or meeting.planned_start
    meetings.sort(key=counting.meeting_order)

    # (``id`` rather than ``pk`` in these loops: ``pk`` is a property, read thousands of times.)
    zone = timezone.get_current_timezone()  # (timezone.localdate looks it up at every call)
    days = {m.id: m.start.astimezone(zone).date() for m in meetings}
    held = [m for m in meetings if m.status in compliance.HELD_STATUSES and m.month in period]
    in_period = {m.id for m in held}
    # Meetings whose marks make or break a run of absences.
    counted = [m for m in meetings if counting.counts_for_runs(m) and m.month <= period.last]
    # Runs go on across years: every mark from twelve months before the period's first held
    # meeting (a run that long is over any limit); before that only absences without reason
    # matter (grounds for removal), not the whole roll.
    first_held = min((days[pk] for pk in in_period), default=None)
    runs_from = (
        add_months(first_held.replace(day=1), -counting.REMOVAL_WINDOW_MONTHS) if first_held else datetime.date.max
    )
    people = compliance.branch_people(branches)
    held_days = [days[m.id] for m in held]
    first_day, last_day = min(held_days, default=today), max(held_days, default=today)
    rolls = {pk: _BranchRoll(pk, people.get(pk, {}), first_day, last_day) for pk in branch_ids}
    whole = [m.id for m in counted if days[m.id] >= runs_from]
    marks = _flag_marks(whole, [m.id for m in counted if days[m.id] < runs_from], branches)
    # Nobody absent at most this many times can be absent more than a branch's limit in a row.
    fewest = min(rules[pk].max_absences_in_row for pk in branch_ids)
    runs = marks.runs(whole, {person.pk for roll in rolls.values() for person in roll.others}, fewest)

    by_branch: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_branch[meeting.branch_id].append(meeting)
    counted_by_branch: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in counted:
        counted_by_branch[meeting.branch_id].append(meeting)

    result = []
    for branch in branches:
        flags = BranchFlags(branch=branch, rules=rules[branch.pk])
        own = by_branch[branch.pk]
        roll = rolls[branch.pk]
        flags.months = _months(own, period, today)
        flags.quarters = _quarters(own, period, today)
        counts = {}
        for meeting in own:
            if meeting.id in in_period:
                counts[meeting.id] = roll.figures_of_groups(days[meeting.id], marks.groups.get(meeting.id, {}))
                _meeting_flags(flags, meeting, now)
                _roll_flags(flags, meeting, counts[meeting.id])
        own_counted = counted_by_branch[branch.pk]
        # Runs of absences go on across 1 January, from ``runs_from``.
        _streak_flags(flags, [m for m in own_counted if days[m.id] >= runs_from], runs, counts, days)
        flags.removal = _removal_grounds(own_counted, marks.unexcused, roll.people, period, days)
        result.append(flags)
    return result


# The marks that count as present, as the plain strings the database gives (a set: looked up per mark).
_PRESENT = frozenset(mark.value for mark in PRESENT_MARKS)


class _BranchRoll:
    """``compliance.roll_figures`` for the many meetings of one branch, as far as the flags read them
    (expected, present, absentees and the rate; not the counts by category nor the vote, so the
    category kept with a mark is not read, and an absentee's is left blank).

    Most members stand the same way on every day of the period (own members who joined before
    its first held meeting and did not leave, go away or become exempt by its last): each is
    expected, present or absent by their mark alone. Only the others go through
    ``counting.standing_on`` at each meeting (tests check both agree with ``compliance.roll_figures``).
    """

    def __init__(
        self, branch_id: int, people: dict[int, counting.Countable], first: datetime.date, last: datetime.date
    ):
        self.branch_id = branch_id
        self.people = people
        self.order = {pk: index for index, pk in enumerate(people)}
        self.plain: set[int] = set()
        self.others: list[counting.Countable] = []
        for pk, person in people.items():
            if (
                person.branch_id == branch_id
                and (person.joined_branch_on is None or person.joined_branch_on <= first)
                and (person.left_on is None or person.left_on > last)
                and (person.exempt_since is None or person.exempt_since > last)
                and (
                    person.suspended_from is None
                    or person.suspended_from > last
                    or (person.suspended_until is not None and person.suspended_until < first)
                )
                and (
                    person.away_from is None
                    or person.away_from > last
                    or (person.away_until is not None and person.away_until < first)
                )
            ):
                self.plain.add(pk)
            else:
                self.others.append(person)
        self.other_ids = {person.pk for person in self.others}

    def figures(self, day: datetime.date, marks: dict[int, str]) -> counting.RollCounts:
        """The roll of a meeting held on ``day`` from its marks {member: mark} (what the tests
        hold ``figures_of_groups``, the one ``branch_flags`` uses, and ``compliance.roll_figures`` to)."""
        present = 0
        absentees = []
        plain = self.plain
        for pk, mark in marks.items():
            if pk in plain:
                if mark in _PRESENT:
                    present += 1
                else:
                    absentees.append((pk, mark))
        return self._counts(day, present, absentees, marks.get)

    def figures_of_groups(self, day: datetime.date, groups: dict[str, list[int]]) -> counting.RollCounts:
        """``figures`` from the marks grouped by mark {mark: [member]}: the members counted by
        their mark alone are counted by set operations rather than one by one."""
        present = 0
        absentees = []
        plain = self.plain
        for mark, members in groups.items():
            if mark in _PRESENT:
                present += len(plain.intersection(members))
            else:
                absentees.extend((pk, mark) for pk in plain.intersection(members))
        others = {}
        if self.others:
            wanted = self.other_ids
            for mark, members in groups.items():
                for pk in wanted.intersection(members):
                    others[pk] = mark
        return self._counts(day, present, absentees, others.get)

    def _counts(self, day: datetime.date, present: int, absentees: list, mark_of) -> counting.RollCounts:
        """The plain members' figures, and the others' by the full rules (``mark_of``: a member's
        mark at the meeting, or None)."""
        counts = counting.RollCounts()
        expected = len(self.plain)
        for person in self.others:
            mark = mark_of(person.pk)
            standing = counting.standing_on(person, day, mark, branch_id=self.branch_id)
            if standing is None or not standing.expected:
                continue
            expected += 1
            if mark is None:
                continue
            if standing.present:
                present += 1
            else:
                absentees.append((person.pk, mark))
        absentees.sort(key=lambda row: self.order[row[0]])
        counts.expected, counts.present = expected, present
        counts.unmarked = expected - present - len(absentees)
        for pk, mark in absentees:
            excused = mark == Mark.EXCUSED
            counts.absent_excused += excused
            counts.absent_unexcused += not excused
            counts.absentees.append(
                counting.Absentee(member_id=pk, name=self.people[pk].full_name, category="", excused=excused, reason="")
            )
        counts.rate = counting.rate_of(present, expected)
        return counts


@dataclass
class _FlagMarks:
    """The marks the flags read (``_flag_marks``)."""

    # {meeting: {mark: [member]}} of the meetings read whole
    groups: dict[int, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(dict))
    # {meeting: [member absent without reason]}
    unexcused: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def runs(self, whole: list[int], others: set[int], fewest: int) -> dict[int, dict[int, str]]:
        """{meeting: {member: mark}} of the meetings ``whole``, for runs of absences: only for
        the members absent from them more than ``fewest`` times (nobody else can be absent more
        than the limit in a row) and for ``others`` (those ``_BranchRoll`` counts by the rules)."""
        absences: dict[int, int] = defaultdict(int)
        for meeting_id in whole:
            for mark, members in self.groups.get(meeting_id, {}).items():
                if mark not in _PRESENT:
                    for pk in members:
                        absences[pk] += 1
        wanted = others | {pk for pk, times in absences.items() if times > fewest}
        result: dict[int, dict[int, str]] = {}
        for meeting_id in whole:
            marks = {}
            for mark, members in self.groups.get(meeting_id, {}).items():
                for pk in wanted.intersection(members):
                    marks[pk] = mark
            result[meeting_id] = marks
        return result


class _Joined(Aggregate):
    """A group's values in one string, "12,7,30": a row per meeting rather than one per mark
    (reading the marks one by one was most of the flags' Python time)."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS varchar), ',')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # (On a copy rather than as arguments: with a ``filter`` Aggregate.as_sql passes its own template.)
        clone = self.copy()
        clone.function, clone.template = "GROUP_CONCAT", "%(function)s(%(expressions)s, ',')"
        return clone.as_sql(compiler, connection, **extra_context)


# The group of the present (present, late, left early: the flags read no more than "present").
_PRESENT_GROUP = Mark.PRESENT


def _flag_marks(whole: list[int], unexcused_only: list[int], branches: list[Organization]) -> _FlagMarks:
    """The marks of the meetings ``whole`` grouped by mark (the present in one group), and the
    members absent without reason from those and from the meetings ``unexcused_only``; one query,
    a row per meeting; ``branches``: those the meetings belong to. (Not the category kept with each
    mark: the flags count who was expected and present, not by category.)"""
    found = _FlagMarks()
    if not whole and not unexcused_only:
        return found
    # Each meeting's marks looked up by the meeting (``unscoped``: the marks of meetings the
    # scoped query below has found). A GROUP BY over the join instead made PostgreSQL read the
    # meetings table in parallel, and cost the database more than it saved here.
    marks = Attendance.unscoped.filter(meeting_id=OuterRef("pk")).values("meeting_id")
    pairs = Concat(Cast("member_id", CharField()), Value(":"), "mark")
    absent = marks.exclude(mark__in=PRESENT_MARKS).annotate(pairs=_Joined(pairs)).values("pairs")
    # The meetings read whole: "present ids|absent pairs", from one pass over their marks (a
    # subquery for each half read every meeting's marks twice).
    both = marks.annotate(
        both=Concat(
            _Joined("member_id", filter=Q(mark__in=PRESENT_MARKS)),
            Value("|"),
            _Joined(pairs, filter=~Q(mark__in=PRESENT_MARKS)),
            output_field=TextField(),
        )
    ).values("both")
    rows = (
        Meeting.objects.filter(branches_q(branches), pk__in=[*whole, *unexcused_only])
        .annotate(marks=Case(When(pk__in=whole, then=Subquery(both)), default=Subquery(absent)))
        .values_list("pk", "marks")
        .order_by()
    )
    in_whole = set(whole)
    for meeting_id, text in rows:
        if not text:  # no marks (or, read for its absences without reason only, none of those)
            continue
        if meeting_id in in_whole:
            present_ids, _bar, absent_pairs = text.partition("|")
        else:  # read for its absences without reason only
            present_ids, absent_pairs = "", text
        by_mark: dict[str, list[int]] = {}
        if absent_pairs:
            for pair in absent_pairs.split(","):
                member_id, mark = pair.split(":", 1)
                by_mark.setdefault(mark, []).append(int(member_id))
            if Mark.UNEXCUSED in by_mark:
                found.unexcused[meeting_id] = by_mark[Mark.UNEXCUSED]
        if meeting_id not in in_whole:
            continue
        if present_ids:
            by_mark[_PRESENT_GROUP] = list(map(int, present_ids.split(",")))
        if by_mark:
            found.groups[meeting_id] = by_mark
    return found


def _months(meetings: list[Meeting], period: Period, today: datetime.date) -> list[MonthCell]:
    regular: dict[datetime.date, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        if meeting.kind in REGULAR_KINDS and meeting.status != MeetingStatus.CANCELLED:
            regular[meeting.month].append(meeting)
    cells = []
    for month in period.months:
        found = regular[month]
        if compliance.month_met(found):
            state = State.HELD
        elif today >= add_months(month, 1):
            state = State.MISSING
        else:
            state = State.NOT_YET
        cells.append(MonthCell(month=month, state=state, meetings=found))
    return cells


def _quarters(meetings: list[Meeting], period: Period, today: datetime.date) -> list[QuarterCell]:
    cells = []
    for start in period.quarters:
        end = add_months(start, 3)
        found = compliance.thematic_held(meetings, start, end)
        if found:
            state = State.HELD
        elif today >= end:
            state = State.MISSING
        else:
            state = State.NOT_YET
        cells.append(QuarterCell(start=start, state=state, meetings=found))
    return cells


def _meeting_flags(flags: BranchFlags, meeting: Meeting, now: datetime.datetime) -> None:
    """Length, materials and minutes of one held meeting."""
    if meeting.kind not in compliance.ORDINARY_KINDS:
        return
    rules = flags.rules

    if short := compliance.too_short(meeting, rules):
        length, minimum = short
        flags.too_short.append(
            MeetingIssue(meeting, _("%(length)d of %(minimum)d minutes") % {"length": length, "minimum": minimum})
        )

    posted_by = meeting.planned_start - datetime.timedelta(days=rules.materials_days_before)
    if meeting.materials_posted_at is None:
        flags.materials_late.append(MeetingIssue(meeting, _("never posted")))
    elif meeting.materials_posted_at > posted_by:
        flags.materials_late.append(
            MeetingIssue(meeting, _("posted %(when)s") % {"when": _short_datetime(meeting.materials_posted_at)})
        )

    ended = meeting.actual_end or meeting.planned_end
    deadline = ended + datetime.timedelta(days=rules.minutes_deadline_days)
    adopted = meeting.minutes_adopted_at
    if adopted is not None and adopted > deadline:
        days = (timezone.localdate(adopted) - timezone.localdate(ended)).days
        flags.minutes_late.append(MeetingIssue(meeting, _("adopted after %(days)d days") % {"days": days}))
    elif adopted is None and meeting.status != MeetingStatus.ADOPTED and now > deadline:
        flags.minutes_late.append(MeetingIssue(meeting, _("not adopted, due %(day)s") % {"day": _short_date(deadline)}))


def _roll_flags(flags: BranchFlags, meeting: Meeting, counts: counting.RollCounts) -> None:
    """Attendance rate and absences without reason of one held meeting of the period."""
    if not counts.marked:
        flags.no_roll.append(MeetingIssue(meeting, ""))
        return
    if counts.rate_below(flags.rules.min_attendance_rate):
        flags.low_attendance.append(
            MeetingIssue(
                meeting,
                _("%(rate)s%% (%(present)d of %(expected)d)")
                % {"rate": _percent(counts.rate), "present": counts.present, "expected": counts.expected},
            )
        )
    if unexcused := counts.unexcused_absentees:
        flags.unexcused.append(
            MeetingIssue(meeting, ", ".join(a.name for a in unexcused), people=[a.member_id for a in unexcused])
        )


def _streak_flags(
    flags: BranchFlags,
    meetings: list[Meeting],
    marks: dict[int, dict[int, str]],
    counts: dict[int, counting.RollCounts],
    days: dict[int, datetime.date],
) -> None:
    """Members absent, even with reason, more than N meetings in a row (across 1 January),
    at each held meeting of the period (``counts``). ``meetings``: the branch's meetings that
    count for runs, in order."""
    limit = flags.rules.max_absences_in_row
    runs_after = counting.absence_runs((days[m.id], marks.get(m.id, {})) for m in meetings)
    for meeting, runs in zip(meetings, runs_after, strict=True):
        if meeting.id not in counts:
            continue
        over = sorted(
            (a.name, run, a.member_id)
            for a, run in counting.runs_over_the_limit(counts[meeting.id].absentees, runs, limit)
        )
        if over:
            names = ", ".join(f"{name} ({count})" for name, count, _pk in over)
            flags.absent_in_a_row.append(MeetingIssue(meeting, names, people=[pk for _n, _c, pk in over]))


def _removal_grounds(
    meetings: list[Meeting],
    unexcused: dict[int, list[int]],
    people: dict[int, counting.Countable],
    period: Period,
    days: dict[int, datetime.date],
) -> list[RemovalGrounds]:
    """Members absent without reason in three calendar months within twelve months, where the
    window ends in a month of the period (``counting.removal_grounds``). Only absences from
    meetings the member was expected at count (``counting.standing_on``: a mark kept from before
    the roll refused them does not). ``meetings``: the branch's meetings that count for runs."""
    absences_of: dict[int, list[datetime.date]] = defaultdict(list)
    for meeting in meetings:
        day = days[meeting.id]
        for member_id in unexcused.get(meeting.id, ()):
            person = people.get(member_id)
            if person is not None:
                standing = counting.standing_on(person, day, Mark.UNEXCUSED, branch_id=meeting.branch_id)
                if standing is None or not standing.expected:
                    continue
            absences_of[member_id].append(day)
    found = []
    for member_id, absences in absences_of.items():
        best = counting.removal_grounds(absences, period.first, period.last)
        if best:
            person = people.get(member_id)
            found.append(RemovalGrounds(member_id=member_id, name=person.full_name if person else "?", days=best))
    return sorted(found, key=lambda grounds: grounds.name)


def _short_date(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def _short_datetime(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _percent(rate: float) -> str:
    return formats.number_format(rate, 1)
