"""The counting rules of the roll (docs/domain.md#attendance) and the flags the commune looks for.

The meeting is Song Khê's of 5/12/2026 unless a case says otherwise.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from meetings import counting, selectors, services
from meetings.models import Attendance, Category, Mark, MeetingRules, MeetingStatus
from oversight import compliance
from oversight import selectors as oversight_selectors

from ..factories import MemberFactory
from .conftest import at, make_meeting

pytestmark = pytest.mark.system_scope

DAY = datetime.date(2026, 12, 5)
BEFORE = datetime.date(2026, 12, 2)  # earlier in the month of the meeting
AFTER = datetime.date(2026, 12, 10)  # later in the month of the meeting
LONG_AGO = datetime.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def english():
    """Flags are read by their English text here, whatever translations are installed."""
    with translation.override("en"):
        yield


def mark(meeting, member, value, by, reason=""):
    """Through the service; an absence mark it refuses for a member not expected that day (issue 20)
    is written as the rows kept from before that check: the rules still leave it out of the count."""
    try:
        return services.roll.record_mark(meeting=meeting, member=member, mark=value, reason=reason, by=by)
    except ValidationError as refused:
        if refused.code != "not_expected":
            raise
    category = counting.category_on(member, meeting.day)
    return Attendance.objects.create(meeting=meeting, member=member, mark=value, category=category, marked_by=by)


# --- One member, one case: is she expected, present, absent, and in which category? -------

CASES = [
    # id, member fields, mark, expected, present, absent with / without reason, category counted
    ("full member present", {}, Mark.PRESENT, 1, 1, 0, 0, Category.FULL),
    ("full member not marked yet", {}, None, 1, 0, 0, 0, Category.FULL),
    ("late counts as present", {}, Mark.LATE, 1, 1, 0, 0, Category.FULL),
    ("left early counts as present", {}, Mark.LEFT_EARLY, 1, 1, 0, 0, Category.FULL),
    ("absent with reason", {}, Mark.EXCUSED, 1, 0, 1, 0, Category.FULL),
    ("absent without reason", {}, Mark.UNEXCUSED, 1, 0, 0, 1, Category.FULL),
    ("exempt, did not attend", {"exempt_since": LONG_AGO}, None, 0, 0, 0, 0, None),
    ("exempt, marked absent: still not expected", {"exempt_since": LONG_AGO}, Mark.EXCUSED, 0, 0, 0, 0, None),
    ("exempt who attended", {"exempt_since": LONG_AGO}, Mark.PRESENT, 1, 1, 0, 0, Category.FULL),
    ("exempt who came late", {"exempt_since": LONG_AGO}, Mark.LATE, 1, 1, 0, 0, Category.FULL),
    ("exempt only after the day", {"exempt_since": AFTER}, Mark.UNEXCUSED, 1, 0, 0, 1, Category.FULL),
    ("joined mid-month, before the day", {"joined_branch_on": BEFORE}, Mark.PRESENT, 1, 1, 0, 0, Category.FULL),
    ("joined mid-month, after the day", {"joined_branch_on": AFTER}, None, 0, 0, 0, 0, None),
    (
        "transferred out before the day",
        {"left_on": BEFORE, "leave_reason": "transfer"},
        None,
        0,
        0,
        0,
        0,
        None,
    ),
    (
        "transferred out, but attended",
        {"left_on": BEFORE, "leave_reason": "transfer"},
        Mark.PRESENT,
        1,
        1,
        0,
        0,
        Category.FULL,
    ),
    (
        "transferred out after the day: still on that day's roll",
        {"left_on": AFTER, "leave_reason": "transfer"},
        Mark.EXCUSED,
        1,
        0,
        1,
        0,
        Category.FULL,
    ),
    ("died before the day", {"left_on": BEFORE, "leave_reason": "death"}, None, 0, 0, 0, 0, None),
    (
        "probationary",
        {"status": "probationary", "full_member_on": None},
        Mark.PRESENT,
        1,
        1,
        0,
        0,
        Category.PROBATIONARY,
    ),
    (
        "full member now, probationary on the day",
        {"admitted_on": datetime.date(2026, 1, 10), "full_member_on": datetime.date(2027, 1, 10)},
        Mark.UNEXCUSED,
        1,
        0,
        0,
        1,
        Category.PROBATIONARY,
    ),
    ("temporarily attached", {"temporarily_attached": True}, Mark.PRESENT, 1, 1, 0, 0, Category.ATTACHED),
    (
        "temporarily attached probationary counts as attached",
        {"temporarily_attached": True, "status": "probationary", "full_member_on": None},
        Mark.EXCUSED,
        1,
        0,
        1,
        0,
        Category.ATTACHED,
    ),
]


@pytest.mark.parametrize(
    ("fields", "given", "expected", "present", "excused", "unexcused", "category"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_counting_rules(tree, staff, fields, given, expected, present, excused, unexcused, category):
    meeting = make_meeting(tree.branch, day=DAY)
    member = MemberFactory(branch=tree.branch, **fields)
    if given:
        mark(meeting, member, given, staff.user)

    counts = selectors.roll.count_roll(meeting)

    assert (counts.expected, counts.present, counts.absent_excused, counts.absent_unexcused) == (
        expected,
        present,
        excused,
        unexcused,
    )
    assert [m.pk for m in selectors.roll.expected_members(meeting)] == ([member.pk] if expected else [])
    for key in Category.values:
        assert counts.expected_by_category[key] == (expected if key == category else 0), key
        assert counts.present_by_category[key] == (present if key == category else 0), key
        assert counts.absent_by_category[key] == (excused + unexcused if key == category else 0), key
    assert counts.late == (given == Mark.LATE and expected)
    assert counts.left_early == (given == Mark.LEFT_EARLY and expected)


def test_a_branch_counted_by_its_dates_not_by_todays_list(tree, staff):
    """A mixed branch: the numbers a minute-taker would write down on 5/12/2026."""
    meeting = make_meeting(tree.branch, day=DAY)
    full = MemberFactory.create_batch(6, branch=tree.branch)
    probationary = MemberFactory.create_batch(2, branch=tree.branch, status="probationary", full_member_on=None)
    attached = MemberFactory(branch=tree.branch, temporarily_attached=True)
    exempt_came = MemberFactory(branch=tree.branch, exempt_since=LONG_AGO, full_name="Cụ Đến")
    MemberFactory(branch=tree.branch, exempt_since=LONG_AGO)  # exempt, stayed home
    MemberFactory(branch=tree.branch, joined_branch_on=AFTER)  # joined after the meeting
    MemberFactory(branch=tree.branch, left_on=BEFORE, leave_reason="transfer")  # gone before it
    MemberFactory(branch=tree.sibling)  # another branch

    for member in full[:4]:
        mark(meeting, member, Mark.PRESENT, staff.user)
    mark(meeting, full[4], Mark.EXCUSED, staff.user, reason="Ốm")
    mark(meeting, full[5], Mark.UNEXCUSED, staff.user)
    mark(meeting, probationary[0], Mark.LATE, staff.user)
    mark(meeting, probationary[1], Mark.LEFT_EARLY, staff.user)
    mark(meeting, attached, Mark.PRESENT, staff.user)
    mark(meeting, exempt_came, Mark.PRESENT, staff.user)

    counts = selectors.roll.count_roll(meeting)

    assert counts.expected == 6 + 2 + 1 + 1
    assert counts.present == 4 + 2 + 1 + 1
    assert (counts.absent_excused, counts.absent_unexcused, counts.unmarked) == (1, 1, 0)
    assert counts.present_by_category == {"full": 5, "probationary": 2, "attached": 1}
    assert counts.absent_by_category == {"full": 2, "probationary": 0, "attached": 0}
    assert (counts.not_expected, counts.attended_not_required) == (2, 1)  # exempt at home, transferred
    assert counts.rate == 80.0
    assert {(a.name, a.excused, a.reason) for a in counts.absentees} == {
        (full[4].full_name, True, "Ốm"),
        (full[5].full_name, False, ""),
    }
    assert counts.complete


def test_category_is_kept_as_it_was_on_the_day(tree, staff):
    meeting = make_meeting(tree.branch, day=DAY)
    member = MemberFactory(branch=tree.branch, status="probationary", full_member_on=None)
    mark(meeting, member, Mark.PRESENT, staff.user)
    member.status = "full"
    member.full_member_on = datetime.date(2027, 2, 1)
    member.save()
    assert Attendance.objects.get().category == Category.PROBATIONARY
    assert selectors.roll.count_roll(meeting).present_by_category[Category.PROBATIONARY] == 1


@pytest.mark.parametrize(
    ("present", "expected", "rate"),
    [
        (0, 0, None),
        (0, 5, 0.0),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 8, 12.5),
        (1, 16, 6.3),  # half up, not to even
        (3, 16, 18.8),
        (17, 20, 85.0),
        (150, 161, 93.2),
        (161, 161, 100.0),
    ],
)
def test_rate_rounding(present, expected, rate):
    assert counting.rate_of(present, expected) == rate


def test_rate_from_the_roll(tree, staff):
    meeting = make_meeting(tree.branch, day=DAY)
    members = MemberFactory.create_batch(3, branch=tree.branch)
    mark(meeting, members[0], Mark.PRESENT, staff.user)
    mark(meeting, members[1], Mark.LATE, staff.user)
    mark(meeting, members[2], Mark.EXCUSED, staff.user)
    assert selectors.roll.count_roll(meeting).rate == 66.7


def test_nobody_expected_has_no_rate(tree):
    assert selectors.roll.count_roll(make_meeting(tree.branch, day=DAY)).rate is None


# --- Flags ---------------------------------------------------------------------------------


def _branch_with(tree, staff, marks: list[str], rules: dict | None = None):
    """One meeting, one member per mark given."""
    if rules:
        MeetingRules.objects.create(organization=tree.commune, **rules)
    meeting = make_meeting(tree.branch, day=DAY)
    for value in marks:
        member = MemberFactory(branch=tree.branch)
        if value:
            mark(meeting, member, value, staff.user, reason="Đi làm xa" if value == Mark.EXCUSED else "")
    return meeting


FLAG_CASES = [
    ("all present", ["present"] * 10, None, []),
    ("roll not taken yet", [None] * 10, None, []),
    ("one absent without reason", ["present"] * 9 + ["unexcused"], None, ["absent without reason"]),
    ("exactly 85% is not below", ["present"] * 17 + ["excused"] * 3, None, []),
    ("84.2% is below 85%", ["present"] * 16 + ["excused"] * 3, None, ["below 85%"]),
    ("late and left early are present", ["late"] * 5 + ["left_early"] * 5, None, []),
    (
        "both flags",
        ["present"] * 7 + ["unexcused"] * 3,
        None,
        ["absent without reason", "below 85%"],
    ),
    ("the commune's own minimum", ["present"] * 3 + ["excused"], {"min_attendance_rate": 70}, []),
    ("the commune's own minimum, missed", ["present"] * 2 + ["excused"], {"min_attendance_rate": 70}, ["below 70%"]),
]


@pytest.mark.parametrize(
    ("marks", "rules", "flagged"),
    [case[1:] for case in FLAG_CASES],
    ids=[case[0] for case in FLAG_CASES],
)
def test_flags(tree, staff, marks, rules, flagged):
    meeting = _branch_with(tree, staff, marks, rules)
    flags = selectors.roll.roll_flags(meeting, selectors.roll.count_roll(meeting))
    assert len(flags) == len(flagged)
    for flag, text in zip(flags, flagged, strict=True):
        assert text in flag


def test_unexcused_flag_names_the_members(tree, staff):
    meeting = make_meeting(tree.branch, day=DAY)
    member = MemberFactory(branch=tree.branch, full_name="Đỗ Văn Vắng")
    mark(meeting, member, Mark.UNEXCUSED, staff.user)
    assert "Đỗ Văn Vắng" in selectors.roll.roll_flags(meeting, selectors.roll.count_roll(meeting))[0]


# Absences in a row: each string is one member's marks at the branch's meetings of the year,
# oldest first, the last one being the meeting checked: A = absent with reason, U = without,
# P = present, "-" = no mark (roll not taken, or not on the roll), X = that meeting was cancelled.
RUN_CASES = [
    ("three in a row is not more than three", "PAAA", 3, False),
    ("four in a row, even with reason", "AAAA", 4, True),
    ("with and without reason both count", "PAUAU", 4, True),
    ("being present breaks the run", "AAPAAA", 3, False),
    ("a meeting without a mark neither breaks nor adds", "AA-AA", 4, True),
    ("a cancelled meeting is skipped", "AAXAA", 4, True),
    ("present at the meeting checked", "AAAAP", 0, False),
]


@pytest.mark.parametrize(
    ("history", "run", "flagged"), [case[1:] for case in RUN_CASES], ids=[case[0] for case in RUN_CASES]
)
def test_absent_more_than_three_in_a_row(tree, staff, history, run, flagged):
    member = MemberFactory(branch=tree.branch, full_name="Vũ Thị Xa")
    codes = {"A": Mark.EXCUSED, "U": Mark.UNEXCUSED, "P": Mark.PRESENT}
    meeting = None
    for month, code in enumerate(history, start=1):
        meeting = make_meeting(tree.branch, day=datetime.date(2026, month, 5))
        if code in codes:
            mark(meeting, member, codes[code], staff.user)
        if code == "X":
            meeting.status = MeetingStatus.CANCELLED
            meeting.save()

    assert selectors.roll.absences_in_a_row(tree.branch, meeting).get(member.pk, 0) == run
    flags = [f for f in selectors.roll.roll_flags(meeting, selectors.roll.count_roll(meeting)) if "in a row" in f]
    assert bool(flags) == flagged
    if flagged:
        assert "Vũ Thị Xa" in flags[0]


def test_runs_go_on_across_1_january(tree, staff):
    """Issue 20: November to February is one run (it used to restart each January)."""
    member = MemberFactory(branch=tree.branch)
    meeting = None
    for day in [datetime.date(2025, 11, 5), datetime.date(2025, 12, 5), datetime.date(2026, 1, 5)]:
        meeting = make_meeting(tree.branch, day=day)
        mark(meeting, member, Mark.EXCUSED, staff.user)
    jan, feb = meeting, make_meeting(tree.branch, day=datetime.date(2026, 2, 5))
    mark(feb, member, Mark.EXCUSED, staff.user)
    assert selectors.roll.absences_in_a_row(tree.branch, jan) == {member.pk: 3}
    assert selectors.roll.absences_in_a_row(tree.branch, feb) == {member.pk: 4}


def test_later_meetings_do_not_count_for_an_earlier_one(tree, staff):
    member = MemberFactory(branch=tree.branch)
    meetings = [make_meeting(tree.branch, day=datetime.date(2026, m, 5)) for m in range(1, 6)]
    for meeting in meetings:
        mark(meeting, member, Mark.EXCUSED, staff.user)
    assert selectors.roll.absences_in_a_row(tree.branch, meetings[1]) == {member.pk: 2}
    assert selectors.roll.absences_in_a_row(tree.branch, meetings[4]) == {member.pk: 5}


def test_the_communes_limit_on_absences_in_a_row(tree, staff):
    MeetingRules.objects.create(organization=tree.commune, max_absences_in_row=2)
    member = MemberFactory(branch=tree.branch)
    meeting = None
    for month in (1, 2, 3):
        meeting = make_meeting(tree.branch, day=datetime.date(2026, month, 5))
        mark(meeting, member, Mark.EXCUSED, staff.user)
    flags = [f for f in selectors.roll.roll_flags(meeting, selectors.roll.count_roll(meeting)) if "in a row" in f]
    assert len(flags) == 1
    assert "3 meetings in a row (more than 2)" in flags[0]


def test_counting_takes_a_fixed_number_of_queries(tree, staff, django_assert_num_queries):
    meeting = make_meeting(tree.branch, day=DAY)
    for size in (5, 60):
        for member in MemberFactory.create_batch(size, branch=tree.branch):
            mark(meeting, member, Mark.PRESENT, staff.user)
        with django_assert_num_queries(2):
            selectors.roll.count_roll(meeting)


# --- One set of rules: the roll page and the flags page count alike ---------------------------
#
# The roll page counts with selectors.roll.count_roll (its own queries); the flags page counts many
# meetings at once with oversight.compliance.roll_figures and its runs of absences from rows it fetched
# itself. Both go through counting.standing_on and counting.absence_runs; these tables check that the
# two pages give the same figures.

AGREEMENT_CASES = [(case[0], case[1], case[2]) for case in CASES] + [
    ("transferred out long ago", {"left_on": LONG_AGO, "leave_reason": "transfer"}, None),
    ("transferred out long ago, came", {"left_on": LONG_AGO, "leave_reason": "transfer"}, Mark.PRESENT),
    ("transferred out long ago, marked absent", {"left_on": LONG_AGO, "leave_reason": "transfer"}, Mark.EXCUSED),
    ("transferred out before the day, marked absent", {"left_on": BEFORE, "leave_reason": "transfer"}, Mark.EXCUSED),
    ("transferred out on the day", {"left_on": DAY, "leave_reason": "transfer"}, None),
    ("name removed before the day, marked present", {"left_on": BEFORE, "leave_reason": "removal"}, Mark.PRESENT),
    ("joined on the day", {"joined_branch_on": DAY}, Mark.UNEXCUSED),
    ("exempt from the day itself", {"exempt_since": DAY}, None),
    ("exempt and transferred, came", {"exempt_since": LONG_AGO, "left_on": BEFORE, "leave_reason": "transfer"}, "late"),
    (
        "exempt probationary who came",
        {"exempt_since": LONG_AGO, "status": "probationary", "full_member_on": None},
        "left_early",
    ),
]


def _figures(counts: counting.RollCounts) -> dict:
    """Everything both pages count. Absence reasons are left out: the flags page does not show them."""
    return {
        **{
            name: getattr(counts, name)
            for name in (
                "expected",
                "present",
                "late",
                "left_early",
                "absent_excused",
                "absent_unexcused",
                "unmarked",
                "not_expected",
                "attended_not_required",
                "expected_by_category",
                "present_by_category",
                "absent_by_category",
                "rate",
            )
        },
        "absentees": sorted((a.member_id, a.name, a.category, a.excused) for a in counts.absentees),
    }


def _as_the_flags_page_counts(meeting) -> counting.RollCounts:
    """With the flags page's own fetching (one query for marks, one for members)."""
    marks, categories = compliance.roll_marks([meeting.pk])
    people = compliance.branch_people([meeting.branch_id])[meeting.branch_id]
    return compliance.roll_figures(meeting, marks[meeting.pk], people, categories[meeting.pk])


def _give(meeting, member, value, by):
    """A mark as stored, even where record_mark would refuse it (data from before a change)."""
    Attendance.objects.create(
        meeting=meeting, member=member, mark=value, category=counting.category_on(member, meeting.day), marked_by=by
    )


@pytest.mark.parametrize(
    ("fields", "given"), [case[1:] for case in AGREEMENT_CASES], ids=[case[0] for case in AGREEMENT_CASES]
)
def test_the_flags_page_counts_each_case_like_the_roll_page(tree, staff, fields, given):
    meeting = make_meeting(tree.branch, day=DAY)
    member = MemberFactory(branch=tree.branch, **fields)
    if given:
        _give(meeting, member, given, staff.user)

    assert _figures(_as_the_flags_page_counts(meeting)) == _figures(selectors.roll.count_roll(meeting))
    listed = counting.roll_candidates(meeting).filter(pk=member.pk).exists()
    assert (counting.standing_on(member, DAY, given) is not None) == listed


def test_the_flags_page_counts_a_mixed_branch_like_the_roll_page(tree, staff):
    meeting = make_meeting(tree.branch, day=DAY)
    for _name, fields, given in AGREEMENT_CASES:
        member = MemberFactory(branch=tree.branch, **fields)
        if given:
            _give(meeting, member, given, staff.user)
    MemberFactory(branch=tree.sibling)
    # A mark keeps the category of the day, on both pages.
    changed = MemberFactory(branch=tree.branch, status="probationary", full_member_on=None)
    _give(meeting, changed, Mark.PRESENT, staff.user)
    changed.status, changed.full_member_on = "full", datetime.date(2027, 2, 1)
    changed.save()

    counts = selectors.roll.count_roll(meeting)
    assert _figures(_as_the_flags_page_counts(meeting)) == _figures(counts)
    assert counts.expected > 10 and counts.present_by_category[Category.PROBATIONARY] >= 2


def test_absence_runs_after_each_meeting():
    jan, feb, next_year = datetime.date(2026, 1, 5), datetime.date(2026, 2, 5), datetime.date(2027, 1, 5)
    held = [
        (jan, {1: Mark.EXCUSED, 2: Mark.PRESENT}),
        (feb, {1: Mark.UNEXCUSED, 2: Mark.EXCUSED}),
        (feb, {2: Mark.LATE}),  # member 1 has no mark: the run stays
        (next_year, {2: Mark.EXCUSED}),
    ]
    # A run goes on across 1 January (issue 20): member 1's is still 2 in January 2027.
    assert list(counting.absence_runs(held)) == [{1: 1}, {1: 2, 2: 1}, {1: 2}, {1: 2, 2: 1}]


@pytest.mark.parametrize(
    ("history", "fields"),
    [(case[1], {}) for case in RUN_CASES]
    + [
        ("AAAAA", {"exempt_since": LONG_AGO}),
        ("UUUUU", {"left_on": datetime.date(2026, 3, 1), "leave_reason": "transfer"}),
    ],
    ids=[case[0] for case in RUN_CASES] + ["exempt, marked absent every time", "transferred out, still marked absent"],
)
def test_the_flags_page_flags_runs_like_the_roll_page(tree, staff, history, fields):
    member = MemberFactory(branch=tree.branch, full_name="Vũ Thị Xa", **fields)
    present = MemberFactory(branch=tree.branch)
    codes = {"A": Mark.EXCUSED, "U": Mark.UNEXCUSED, "P": Mark.PRESENT}
    meetings = []
    for month, code in enumerate(history, start=1):
        meeting = make_meeting(tree.branch, day=datetime.date(2026, month, 5), status=MeetingStatus.HELD)
        mark(meeting, present, Mark.PRESENT, staff.user)
        if code in codes:
            mark(meeting, member, codes[code], staff.user)
        if code == "X":
            meeting.status = MeetingStatus.CANCELLED
            meeting.save()
        meetings.append(meeting)

    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    on_the_roll_page = [
        m.pk
        for m in held
        if any("in a row" in flag for flag in selectors.roll.roll_flags(m, selectors.roll.count_roll(m)))
    ]
    period = oversight_selectors.flags.Period(
        first=datetime.date(2026, 1, 1), last=datetime.date(2026, len(history), 1)
    )
    [flags] = oversight_selectors.flags.branch_flags(
        branches=[tree.branch], period=period, now=at(datetime.date(2027, 1, 10), 9)
    )
    on_the_flags_page = [issue.meeting.pk for issue in flags.absent_in_a_row]
    assert on_the_flags_page == on_the_roll_page
