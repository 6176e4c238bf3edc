"""The party's counting rules, as pure functions (and the SQL twin of the roll).

Attendance (docs/domain.md#attendance):

- A meeting's roll is the branch's members *on the meeting day*: joined the branch on or
  before the day (or no date known) and not left by then. Today's list does not matter.
- Members exempt from meetings on that day, members transferred out on or before it, and
  members temporarily transferred out to another branch or suspended from party activity
  (đình chỉ sinh hoạt đảng) for a period that covers it, are left out of the number
  expected, unless they attended: then they count as expected and present.
- A member temporarily transferred *in* (their ``away_branch`` is this branch on the day) is
  on this branch's roll as a temporarily attached member: expected, does not vote.
- Present, late and left early all count as present. Each mark keeps the member's category
  on the day (full, probationary, temporarily attached), so later changes don't rewrite it.
- Attendance rate = present / expected × 100, one decimal, rounded half up.
- A member absent (with or without reason) more than N meetings in a row is flagged; present
  breaks the run, no mark neither breaks nor extends it, and a run goes on across 1 January.

These rules live in the pure functions ``standing_on`` and ``absence_runs``: the roll and
meeting pages (``selectors.roll``) and oversight's flags and summaries (``oversight.compliance``)
count with them; ``roll_candidates`` is their SQL twin. Scoring (``score_level``), the vote
(``voting_base``, ``check_votes``, ``vote_result``) and the annual rating (``annual_level``)
are here too: one rule, one place.

The vote (Điều lệ Đảng; Quy định 24-QĐ/TW §9.3.2): only full members vote. The voting base
is the full members summoned, less the temporarily transferred out, the suspended (even if
they came), the exempt who are absent and those absent for the whole meeting with a reason
the branch accepted; an exempt member who attends counts. A resolution passes when more than half of the base votes for
it. Someone who left the party is never a voter, even if marked present.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from meetings.models import (
    DEFAULT_RUBRIC,
    PRESENT_MARKS,
    Attendance,
    Category,
    Mark,
    Meeting,
    MeetingStatus,
)
from meetings.models.minutes import ScoreLevel
from meetings.months import add_months
from members.models import LeaveReason, Member, MemberStatus
from members.models.people import is_away, is_suspended, label_with_hints


def attendance_good_enough(counts: RollCounts, minimum: int) -> bool:
    """Attendance fit for Good: the rate as the roll shows it (one decimal) strictly above
    ``minimum`` % (17 of 20 = 85.0 % is not above 85; 85.1 % is), and nobody absent without reason."""
    if not counts.expected or counts.absent_unexcused:
        return False
    return rate_of(counts.present, counts.expected) > minimum


def score_level(total: int, rules, scores: dict | None = None, counts: RollCounts | None = None) -> str:
    """good / fair / average / poor at the commune's thresholds (default 90/70/50).

    Good also needs (docs/domain.md#quality-score, HD 42): every rubric criterion marked ``"full_for_good": true``
    at its maximum, and, when the roll is given, attendance strictly above the commune's
    minimum with no absence without reason (``attendance_good_enough``) and no absentee absent
    more than the commune's ``max_absences_in_row`` meetings in a row (``RollCounts.runs``, where
    the roll's reader gave them); otherwise Fair.
    """
    if total >= rules.level_good:
        if scores is not None and any(
            c.get("full_for_good") and int(scores.get(c["key"]) or 0) < int(c["max"]) for c in rubric_of(rules)
        ):
            return ScoreLevel.FAIR.value
        if counts is not None and not attendance_good_enough(counts, rules.min_attendance_rate):
            return ScoreLevel.FAIR.value
        if counts is not None and counts.over_the_limit_in_a_row(rules.max_absences_in_row):
            return ScoreLevel.FAIR.value
        return ScoreLevel.GOOD.value
    if total >= rules.level_fair:
        return ScoreLevel.FAIR.value
    if total >= rules.level_average:
        return ScoreLevel.AVERAGE.value
    return ScoreLevel.POOR.value


def rubric_of(rules) -> list[dict]:
    if rules.rubric:
        return rules.rubric
    return DEFAULT_RUBRIC


# Members transferred out this long before a meeting are still listed on its roll page (in case
# they come back for it); older transfers appear only if they were marked present.
TRANSFER_WINDOW = datetime.timedelta(days=366)


# Meetings that did not take place: they neither count for cadres nor break absence runs.
NOT_HELD = (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED)


# Why a member is left out of the number expected unless they attend.
EXEMPT = "exempt"


TRANSFERRED = "transferred"


# Temporarily transferred out (chuyển sinh hoạt tạm thời) to another branch on the day.
AWAY = "away"


# Suspended from party activity (đình chỉ sinh hoạt đảng) on the day: never in the voting base.
SUSPENDED = "suspended"


# Not frozen: a roll builds hundreds of these per page, and a frozen dataclass sets each field
# through object.__setattr__; nothing changes them after they are made.
@dataclasses.dataclass(slots=True)
class MemberFacts:
    """What the counting rules read of a member. A ``Member`` has the same attributes; this is
    for rows fetched with ``values_list(*MemberFacts.FIELDS)``."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "pk",
        "full_name",
        "joined_branch_on",
        "left_on",
        "leave_reason",
        "exempt_since",
        "status",
        "full_member_on",
        "temporarily_attached",
        "branch_id",
        "away_from",
        "away_until",
        "away_branch_id",
        "suspended_from",
        "suspended_until",
    )

    pk: int
    full_name: str
    joined_branch_on: datetime.date | None = None
    left_on: datetime.date | None = None
    leave_reason: str = ""
    exempt_since: datetime.date | None = None
    status: str = MemberStatus.FULL
    full_member_on: datetime.date | None = None
    temporarily_attached: bool = False
    branch_id: int | None = None
    away_from: datetime.date | None = None
    away_until: datetime.date | None = None
    away_branch_id: int | None = None
    suspended_from: datetime.date | None = None
    suspended_until: datetime.date | None = None


@dataclasses.dataclass(slots=True)
class ListedMember(MemberFacts):
    """A member as a roll lists it: the counting facts and what tells namesakes apart
    (``Member.labels``), read as a row; a roll of 300 builds no model instances."""

    FIELDS: ClassVar[tuple[str, ...]] = (*MemberFacts.FIELDS, "name_key", "date_of_birth", "residence")

    name_key: str = ""
    date_of_birth: datetime.date | None = None
    residence: str = ""

    @property
    def distinct_label(self) -> str:
        return label_with_hints(self.full_name, self.date_of_birth, self.residence)


# A Member, or its facts fetched for many branches at once.
Countable = Member | MemberFacts


@dataclasses.dataclass(slots=True)
class Standing:
    """How one member counts at one meeting (the answer of ``standing_on``)."""

    category: str
    mark: str | None = None
    excluded: str = ""  # EXEMPT, TRANSFERRED, AWAY, SUSPENDED or "": left out of the count unless they attend
    left: bool = False  # left the party or the branch by the day: never a voter

    @property
    def votes(self) -> bool:
        """Votes on the resolution: a full member present who is in the voting base (so not one
        who left, nor one transferred to another branch, nor one suspended)."""
        return self.present and self.in_voting_base

    @property
    def in_voting_base(self) -> bool:
        """Counts in the voting base: a full member summoned, less those transferred out (for
        good or for a while), those suspended from party activity (even if they came), the exempt
        who are absent, and those absent with a reason."""
        if self.category != Category.FULL or self.left or self.excluded in (TRANSFERRED, AWAY, SUSPENDED):
            return False
        if self.excluded == EXEMPT:
            return self.present
        return self.mark != Mark.EXCUSED

    @property
    def present(self) -> bool:
        """Present, late and left early all count as present."""
        return self.mark in PRESENT_MARKS

    @property
    def expected(self) -> bool:
        return not self.excluded or self.present


def category_on(member: Countable, day: datetime.date) -> str:
    """The member's category on a day: attached, else full or probationary by the dates known."""
    if member.temporarily_attached:
        return Category.ATTACHED
    if member.status == MemberStatus.FULL and not (member.full_member_on and member.full_member_on > day):
        return Category.FULL
    return Category.PROBATIONARY


def standing_on(
    member: Countable,
    day: datetime.date,
    mark: str | None,
    category: str | None = None,
    branch_id: int | None = None,
) -> Standing | None:
    """How ``member`` counts at a meeting held on ``day`` where they got ``mark`` (None: not marked).

    None when the member is not on that meeting's roll at all: joined the branch after the day,
    left it by then other than by transfer, or transferred out more than TRANSFER_WINDOW before
    it without attending. Exempt members, members transferred out by the day and members
    temporarily transferred out on the day are listed but left out of the number expected
    unless they attended. ``category`` is the one kept with the mark; without it, the member's
    category on the day. ``branch_id`` is the meeting's branch: a member of another branch is on
    the roll only while temporarily transferred to it, as an attached member.
    """
    if branch_id is not None and member.branch_id is not None and member.branch_id != branch_id:
        if member.away_branch_id != branch_id or not is_away(member, day):
            return None
        if member.left_on is not None and member.left_on <= day:
            return None
        return Standing(category=Category.ATTACHED, mark=mark)
    if member.joined_branch_on is not None and member.joined_branch_on > day:
        return None
    present = mark in PRESENT_MARKS
    excluded = ""
    left = False
    if member.left_on is not None and member.left_on <= day:
        if member.leave_reason != LeaveReason.TRANSFER:
            return None
        if not present and member.left_on <= day - TRANSFER_WINDOW:
            return None
        excluded, left = TRANSFERRED, True
    elif is_suspended(member, day):
        excluded = SUSPENDED
    elif is_away(member, day):
        excluded = AWAY
    elif member.exempt_since is not None and member.exempt_since <= day:
        excluded = EXEMPT
    return Standing(category=category or category_on(member, day), mark=mark, excluded=excluded, left=left)


def counts_for_runs(meeting: Meeting) -> bool:
    """Whether a meeting's marks make or break runs of absences: it took place (or may yet)."""
    return meeting.status not in NOT_HELD


def meeting_order(meeting: Meeting) -> tuple:
    """Meetings in the order they were held (or are planned)."""
    return (meeting.actual_start or meeting.planned_start, meeting.pk)


def absence_runs(held: Iterable[tuple[datetime.date, Mapping[int, str]]]) -> Iterator[dict[int, int]]:
    """After each meeting, per member id, how many meetings in a row they have been absent.

    ``held``: the branch's meetings that count for runs (``counts_for_runs``), in
    ``meeting_order``, each as its day and its marks {member id: mark}. Absent with or without
    reason extends a run, present breaks it, no mark (not on the roll, or roll not taken)
    neither breaks nor extends it, and a run goes on across 1 January (October to January is
    one run). Yields, after each meeting, the members with a run of at least one.
    """
    runs: dict[int, int] = {}
    for _day, marks in held:
        for member_id, mark in marks.items():
            runs[member_id] = 0 if mark in PRESENT_MARKS else runs.get(member_id, 0) + 1
        yield {member_id: run for member_id, run in runs.items() if run}


# Removal from the register (docs/domain.md#removal-from-the-register; Điều lệ Đảng): "bỏ sinh hoạt
# đảng 3 tháng trong năm không có lý do chính đáng": this many calendar months with an absence
# without reason, within any window of this many consecutive calendar months (across year ends).
MONTHS_FOR_REMOVAL = 3
REMOVAL_WINDOW_MONTHS = 12


def removal_grounds(
    absences: Iterable[datetime.date], first: datetime.date | None = None, last: datetime.date | None = None
) -> list[datetime.date]:
    """The absences without reason behind grounds to consider removing a member, or [].

    ``absences``: the days of the member's absences without reason from meetings they were
    expected at. Counted in calendar months, not meetings (two absences in one month are one
    month), within any ``REMOVAL_WINDOW_MONTHS`` consecutive calendar months: the window ending
    in a month with an absence, from ``first`` to ``last`` (the first days of months; None: any),
    with at least ``MONTHS_FOR_REMOVAL`` months. Of those windows, the one with the most months
    (the latest, if several): all its absences, in order.
    """
    days = sorted(absences)
    best: list[datetime.date] = []
    best_months = 0
    for end in sorted({day.replace(day=1) for day in days}):
        if (first is not None and end < first) or (last is not None and end > last):
            continue
        since = add_months(end, -(REMOVAL_WINDOW_MONTHS - 1))
        window = [day for day in days if since <= day.replace(day=1) <= end]
        months = len({day.replace(day=1) for day in window})
        if months >= MONTHS_FOR_REMOVAL and months >= best_months:
            best, best_months = window, months
    return best


def roll_people(meeting: Meeting) -> QuerySet[Member]:
    """Everyone who may be on the meeting's roll before ``standing_on`` decides: the branch's
    members, past and present, and those temporarily transferred to it, in name order. For
    reading a whole roll: simpler SQL than ``roll_candidates`` (a third of the time to build),
    and the rules are applied once, in Python."""
    branch_id = meeting.branch_id
    return Member.objects.filter(Q(branch_id=branch_id) | Q(away_branch_id=branch_id)).order_by("name_key", "pk")


def roll_candidates(meeting: Meeting) -> QuerySet[Member]:
    """Members who may be marked at this meeting: those ``standing_on`` puts on its roll, as one
    query (the same rules in SQL; tests/meetings/test_counting.py checks they agree)."""
    day = meeting.day
    attended = Attendance.objects.filter(meeting=meeting, member=OuterRef("pk"), mark__in=PRESENT_MARKS)
    joined = Q(joined_branch_on__isnull=True) | Q(joined_branch_on__lte=day)
    on_roll = Q(left_on__isnull=True) | Q(left_on__gt=day)
    transferred = Q(leave_reason=LeaveReason.TRANSFER, left_on__lte=day) & (
        Q(left_on__gt=day - TRANSFER_WINDOW) | Exists(attended)
    )
    own = Q(branch_id=meeting.branch_id) & joined & (on_roll | transferred)
    # Members of other branches temporarily transferred here for the day: attached members.
    visiting = (
        Q(away_branch_id=meeting.branch_id, away_from__lte=day)
        & (Q(away_until__isnull=True) | Q(away_until__gte=day))
        & on_roll
        & ~Q(branch_id=meeting.branch_id)
    )
    return Member.objects.filter(own | visiting).order_by("name_key", "pk")


@dataclasses.dataclass
class RollEntry:
    """One member's line on a meeting's roll."""

    member: Countable
    standing: Standing
    attendance: Attendance | None = None  # or a row with its mark, category and reason (the roll selector)
    label: str = ""  # the member's name as lists show it (members.Member.labels): set by the roll selector

    @property
    def mark(self) -> str | None:
        return self.standing.mark

    @property
    def category(self) -> str:
        return self.standing.category

    @property
    def excluded(self) -> str:
        """EXEMPT, TRANSFERRED, AWAY or SUSPENDED: listed apart, counted only if they attend; else ""."""
        return self.standing.excluded

    @property
    def attended(self) -> bool:
        return self.standing.present

    @property
    def expected(self) -> bool:
        return self.standing.expected

    @property
    def reason(self) -> str:
        return self.attendance.reason if self.attendance else ""

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def mark_label(self) -> str:
        return Mark(self.mark).label if self.mark else ""


@dataclasses.dataclass
class Absentee:
    member_id: int
    name: str
    category: str
    excused: bool
    reason: str


# (Category.values builds its list at every use; a roll is counted per meeting, many per page.)
_CATEGORY_VALUES = tuple(Category.values)


def _empty_by_category() -> dict[str, int]:
    return dict.fromkeys(_CATEGORY_VALUES, 0)


@dataclasses.dataclass
class RollCounts:
    """The numbers the minutes and the commune need. ``present`` includes late and left early."""

    expected: int = 0
    present: int = 0
    late: int = 0
    left_early: int = 0
    absent_excused: int = 0
    absent_unexcused: int = 0
    unmarked: int = 0
    # Exempt or transferred-out members who did not attend (not counted anywhere else).
    not_expected: int = 0
    # Exempt or transferred-out members who attended (counted as expected and present).
    attended_not_required: int = 0
    expected_by_category: dict[str, int] = dataclasses.field(default_factory=_empty_by_category)
    present_by_category: dict[str, int] = dataclasses.field(default_factory=_empty_by_category)
    absent_by_category: dict[str, int] = dataclasses.field(default_factory=_empty_by_category)
    absentees: list[Absentee] = dataclasses.field(default_factory=list)
    rate: float | None = None
    # The vote: full members present who vote, and the voting base (Quy định 24-QĐ/TW §9.3.2).
    voters: int = 0
    voting_base: int = 0
    # The absentees' runs of absences up to this meeting ({member id: run}), read when first asked
    # for (``selectors.roll.count_roll`` gives it; a query); None: not known here.
    runs: Callable[[], Mapping[int, int]] | None = dataclasses.field(default=None, compare=False, repr=False)

    def over_the_limit_in_a_row(self, limit: int) -> list[tuple[Absentee, int]]:
        """The absentees absent more than ``limit`` meetings in a row (nobody when runs are not known)."""
        if self.runs is None or not self.absentees:
            return []
        return runs_over_the_limit(self.absentees, self.runs(), limit)

    @property
    def absent(self) -> int:
        return self.absent_excused + self.absent_unexcused

    @property
    def marked(self) -> int:
        return self.present + self.absent

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.unmarked == 0

    def rate_below(self, minimum: int) -> bool:
        """Whether attendance is below the commune's minimum (no rate, nobody expected: no)."""
        return self.rate is not None and self.rate < minimum

    @property
    def categories(self) -> list[dict]:
        """Rows for a table: category label with expected, present and absent."""
        return [
            {
                "key": key,
                "label": label,
                "expected": self.expected_by_category[key],
                "present": self.present_by_category[key],
                "absent": self.absent_by_category[key],
            }
            for key, label in Category.choices
        ]

    @property
    def excused_absentees(self) -> list[Absentee]:
        return [a for a in self.absentees if a.excused]

    @property
    def unexcused_absentees(self) -> list[Absentee]:
        return [a for a in self.absentees if not a.excused]


def rate_of(present: int, expected: int) -> float | None:
    """Percent with one decimal, rounded half up (6.25 → 6.3); None when nobody is expected."""
    if not expected:
        return None
    value = (Decimal(present) * 100 / Decimal(expected)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def count_entries(entries: Iterable[RollEntry]) -> RollCounts:
    """Add up the lines of a roll, whoever loaded them."""
    counts = RollCounts()
    for entry in entries:
        standing = entry.standing
        in_voting_base = standing.in_voting_base  # (Standing.votes, without computing it twice)
        counts.voters += standing.present and in_voting_base
        counts.voting_base += in_voting_base
        if not standing.expected:
            counts.not_expected += 1
            continue
        category = standing.category
        counts.expected += 1
        counts.expected_by_category[category] += 1
        mark = standing.mark
        if mark is None:
            counts.unmarked += 1
        elif standing.present:
            counts.present += 1
            counts.present_by_category[category] += 1
            counts.late += mark == Mark.LATE
            counts.left_early += mark == Mark.LEFT_EARLY
            counts.attended_not_required += bool(standing.excluded)
        else:
            excused = mark == Mark.EXCUSED
            counts.absent_excused += excused
            counts.absent_unexcused += not excused
            counts.absent_by_category[category] += 1
            counts.absentees.append(
                Absentee(
                    member_id=entry.member.pk,
                    name=entry.member.full_name,
                    category=category,
                    excused=excused,
                    reason=entry.reason,
                )
            )
    counts.rate = rate_of(counts.present, counts.expected)
    return counts


def runs_over_the_limit(
    absentees: Iterable[Absentee], runs: Mapping[int, int], limit: int
) -> list[tuple[Absentee, int]]:
    """The meeting's absentees whose run of absences is longer than the commune allows."""
    return [(a, runs[a.member_id]) for a in absentees if runs.get(a.member_id, 0) > limit]


def check_votes(*, votes_for, votes_against, votes_abstain, voters: int) -> None:
    """The three numbers must add up to the full members present who vote, or a vote is not
    recorded at all. Each is a count of people, so none is negative or above ``voters``."""
    numbers = (votes_for, votes_against, votes_abstain)
    if all(n is None for n in numbers):
        return
    if any(n is None for n in numbers):
        raise ValidationError(_("Enter all three numbers of the vote (0 where nobody voted that way)."))
    if any(n < 0 for n in numbers):
        raise ValidationError(_("A number of votes cannot be negative."), code="vote_negative")
    if voters == 0:
        raise ValidationError(
            _("No full members are recorded as present, so nobody can vote. Take the roll first."),
            code="no_voters",
        )
    total = sum(numbers)
    if total != voters:
        raise ValidationError(
            _(
                "In favour (%(for)s) + against (%(against)s) + abstaining (%(abstain)s) = %(total)s, "
                "but %(voters)s full members are present and vote."
            ),
            code="vote_sum",
            params={
                "for": votes_for,
                "against": votes_against,
                "abstain": votes_abstain,
                "total": total,
                "voters": voters,
            },
        )


@dataclasses.dataclass(frozen=True)
class VoteResult:
    """The vote on the resolution as the minutes and the resolution report it."""

    votes_for: int
    votes_against: int
    votes_abstain: int
    voters: int  # full members present who voted
    base: int  # the voting base: more than half of it must vote for

    @property
    def needed(self) -> int:
        """The fewest votes for that pass: more than half of the base."""
        return self.base // 2 + 1

    @property
    def passed(self) -> bool:
        return self.base > 0 and self.votes_for * 2 > self.base

    @property
    def verdict(self) -> str:
        """ "thông qua" / "không thông qua", as the documents write it."""
        return "thông qua" if self.passed else "không thông qua"

    @property
    def label(self) -> str:
        return _("Passed") if self.passed else _("Not passed")


def vote_result(*, votes_for, votes_against, votes_abstain, counts: RollCounts) -> VoteResult | None:
    """The recorded vote against the roll; None when no vote is recorded."""
    if votes_for is None:
        return None
    return VoteResult(
        votes_for=votes_for,
        votes_against=votes_against or 0,
        votes_abstain=votes_abstain or 0,
        voters=counts.voters,
        base=counts.voting_base,
    )


# A year is rated from its monthly levels (docs/domain.md#annual-rating, local practice): the months
# needed are the commune's (``MeetingRules.good_months_for_good_year`` …); these are their defaults.
GOOD_MONTHS_FOR_GOOD_YEAR = 7
FAIR_MONTHS_FOR_FAIR_YEAR = 7
POOR_MONTHS_FOR_POOR_YEAR = 3

# A month over without a held regular meeting: not met. It counts against the year like a Poor month.
NOT_MET = "not_met"


def annual_level(levels: Iterable[str | None], rules=None) -> str:
    """The year's level from its monthly levels (None: a month whose meeting was held but has no
    confirmed score, which is not Fair or better, nor Average or better; ``NOT_MET``: a month over
    without a held regular meeting, which counts as Poor).

    Good: every month Fair or better and at least 7 months Good; Fair: every month Average or
    better and at least 7 months Fair or better; Poor: 3 or more months Poor or not met; Average
    otherwise. The numbers of months are ``rules``' (a ``MeetingRules``), these defaults without.
    """
    levels = list(levels)
    good_needed = getattr(rules, "good_months_for_good_year", None) or GOOD_MONTHS_FOR_GOOD_YEAR
    fair_needed = getattr(rules, "fair_months_for_fair_year", None) or FAIR_MONTHS_FOR_FAIR_YEAR
    poor_needed = getattr(rules, "poor_months_for_poor_year", None) or POOR_MONTHS_FOR_POOR_YEAR
    good = sum(level == ScoreLevel.GOOD for level in levels)
    fair_up = sum(level in (ScoreLevel.GOOD, ScoreLevel.FAIR) for level in levels)
    average_up = sum(level in (ScoreLevel.GOOD, ScoreLevel.FAIR, ScoreLevel.AVERAGE) for level in levels)
    poor = sum(level in (ScoreLevel.POOR, NOT_MET) for level in levels)
    if levels and fair_up == len(levels) and good >= good_needed:
        return ScoreLevel.GOOD.value
    if levels and average_up == len(levels) and fair_up >= fair_needed:
        return ScoreLevel.FAIR.value
    if poor >= poor_needed:
        return ScoreLevel.POOR.value
    return ScoreLevel.AVERAGE.value
