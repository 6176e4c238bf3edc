"""Removal from the register (xóa tên) counted in calendar months, not meetings (issue 20;
docs/domain.md#removal-from-the-register): 3 months with an absence without reason from a
meeting the member was expected at, within any twelve consecutive months, across year ends."""

import datetime
import zoneinfo

import pytest

from meetings import counting
from meetings.models import Attendance, Category, Mark, Meeting, MeetingKind, MeetingStatus
from oversight.selectors.flags import Period, branch_flags

from .factories import MemberFactory, UserFactory

pytestmark = pytest.mark.system_scope

D = datetime.date
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2027, 6, 10, 9, tzinfo=TZ)
U, PR = Mark.UNEXCUSED, Mark.PRESENT


# --- The rule: counting.removal_grounds --------------------------------------------------------


@pytest.mark.parametrize(
    "days, expected",
    [
        # The case: the regular (05/02) and thematic (20/02) meetings plus 05/03: two months.
        ([D(2026, 2, 5), D(2026, 2, 20), D(2026, 3, 5)], []),
        # Three months, across 31 December.
        ([D(2026, 11, 5), D(2026, 12, 5), D(2027, 1, 5)], [D(2026, 11, 5), D(2026, 12, 5), D(2027, 1, 5)]),
        # Exactly twelve months, January to December: a window.
        ([D(2026, 1, 31), D(2026, 6, 5), D(2026, 12, 1)], [D(2026, 1, 31), D(2026, 6, 5), D(2026, 12, 1)]),
        # Twelve months across the year end: February to January.
        ([D(2026, 2, 1), D(2026, 8, 5), D(2027, 1, 31)], [D(2026, 2, 1), D(2026, 8, 5), D(2027, 1, 31)]),
        # Thirteen months, January to January: not.
        ([D(2026, 1, 31), D(2026, 6, 5), D(2027, 1, 1)], []),
        ([D(2025, 12, 31), D(2026, 6, 5), D(2026, 12, 1)], []),
        # Two meetings in a month and two other months: three months, all four meetings shown.
        (
            [D(2026, 2, 5), D(2026, 2, 20), D(2026, 3, 5), D(2026, 4, 5)],
            [D(2026, 2, 5), D(2026, 2, 20), D(2026, 3, 5), D(2026, 4, 5)],
        ),
        ([], []),
    ],
    ids=["two meetings in one month", "across 31 December", "12 months", "12 across a year end", "13 months",
         "13 months from December", "four meetings in three months", "none"],
)  # fmt: skip
def test_removal_grounds_count_calendar_months(days, expected):
    assert counting.removal_grounds(reversed(days)) == expected


def test_the_window_ends_in_a_month_asked_for():
    days = [D(2026, 11, 5), D(2026, 12, 5), D(2027, 1, 5)]
    assert counting.removal_grounds(days, D(2027, 1, 1), D(2027, 3, 1)) == days
    assert counting.removal_grounds(days, D(2026, 9, 1), D(2026, 12, 1)) == []
    # The window with the most months wins.
    more = [D(2026, 3, 5), *days]
    assert counting.removal_grounds(more, D(2026, 11, 1), D(2027, 1, 1)) == more


# --- On the flags page --------------------------------------------------------------------------


def held(branch, day, kind=MeetingKind.REGULAR):
    start = datetime.datetime(day.year, day.month, day.day, 19, 30, tzinfo=TZ)
    return Meeting.objects.create(
        branch=branch,
        kind=kind,
        month=day.replace(day=1),
        status=MeetingStatus.ADOPTED,
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=2),
        actual_start=start,
        actual_end=start + datetime.timedelta(hours=2),
        minutes_adopted_at=start + datetime.timedelta(hours=2),
        materials_posted_at=start - datetime.timedelta(days=3),
    )


@pytest.fixture
def marker(db):
    return UserFactory(username="removal-marker")


def absent_on(branch, member, days, by, other=None):
    for day in days:
        meeting = held(branch, day, MeetingKind.THEMATIC if day.day == 20 else MeetingKind.REGULAR)
        Attendance.objects.create(meeting=meeting, member=member, mark=U, category=Category.FULL, marked_by=by)
        if other is not None:
            Attendance.objects.create(meeting=meeting, member=other, mark=PR, category=Category.FULL, marked_by=by)


def removal(branch, first, last):
    [flags] = branch_flags(branches=[branch], period=Period(first=first, last=last), now=NOW)
    return [(g.name, g.count, g.days) for g in flags.removal]


def test_two_meetings_in_february_and_one_in_march_are_two_months(tree, marker):
    member = MemberFactory(branch=tree.branch)
    absent_on(tree.branch, member, [D(2026, 2, 5), D(2026, 2, 20), D(2026, 3, 5)], marker)
    assert removal(tree.branch, D(2026, 1, 1), D(2026, 6, 1)) == []


def test_three_months_across_31_december_are_flagged(tree, marker):
    member = MemberFactory(branch=tree.branch, full_name="Bùi Thị Hà")
    days = [D(2026, 11, 5), D(2026, 12, 5), D(2027, 1, 5)]
    absent_on(tree.branch, member, days, marker)
    assert removal(tree.branch, D(2027, 1, 1), D(2027, 3, 1)) == [("Bùi Thị Hà", 3, days)]
    # Seen from a period that ends before the third month: not yet.
    assert removal(tree.branch, D(2026, 7, 1), D(2026, 12, 1)) == []


@pytest.mark.parametrize(
    "days, flagged",
    [
        ([D(2026, 1, 5), D(2026, 6, 5), D(2026, 12, 5)], True),  # January to December: twelve months
        ([D(2026, 1, 5), D(2026, 6, 5), D(2027, 1, 5)], False),  # January to January: thirteen
    ],
    ids=["12 months", "13 months"],
)
def test_a_window_of_twelve_months_but_not_thirteen(tree, marker, days, flagged):
    member = MemberFactory(branch=tree.branch)
    absent_on(tree.branch, member, days, marker)
    last = days[-1].replace(day=1)
    assert bool(removal(tree.branch, last, last)) is flagged


def test_an_absence_kept_from_before_the_roll_refused_it_does_not_count(tree, marker):
    # Marks written before the service refused absences for the exempt (issue 20): not expected, not counted.
    member = MemberFactory(branch=tree.branch, exempt_since=D(2026, 12, 1))
    absent_on(tree.branch, member, [D(2026, 10, 5), D(2026, 11, 5), D(2026, 12, 5)], marker)
    assert removal(tree.branch, D(2026, 10, 1), D(2026, 12, 1)) == []
