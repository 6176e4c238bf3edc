"""Tốt needs no member absent more than the commune's limit in a row (default 3), and a run of
absences goes on across 1 January (issue 20; docs/domain.md#quality-score, #attendance)."""

import datetime
import zoneinfo

import pytest

from meetings import counting, selectors, services
from meetings.models import (
    DEFAULT_RUBRIC,
    Attendance,
    Category,
    Mark,
    Meeting,
    MeetingKind,
    MeetingRules,
    MeetingStatus,
)
from meetings.models.minutes import ScoreLevel

from .factories import MemberFactory, UserFactory

pytestmark = pytest.mark.system_scope

D = datetime.date
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
G, F = ScoreLevel.GOOD, ScoreLevel.FAIR
FULL_MARKS = {c["key"]: c["max"] for c in DEFAULT_RUBRIC}
A, U, P = Mark.EXCUSED, Mark.UNEXCUSED, Mark.PRESENT


# --- The rules, as pure functions ----------------------------------------------------------------


def test_a_run_goes_on_across_1_january():
    held = [(D(2026, 10, 5), {1: A}), (D(2026, 11, 5), {1: A}), (D(2026, 12, 5), {1: A}), (D(2027, 1, 5), {1: A})]
    assert [runs.get(1, 0) for runs in counting.absence_runs(held)] == [1, 2, 3, 4]


def test_present_still_breaks_a_run_and_no_mark_neither_breaks_nor_extends_it():
    held = [(D(2026, 11, 5), {1: A}), (D(2026, 12, 5), {1: P}), (D(2027, 1, 5), {}), (D(2027, 2, 5), {1: A})]
    assert [runs.get(1, 0) for runs in counting.absence_runs(held)] == [1, 0, 0, 1]


def roll_with(run, limit_rules=None):
    counts = counting.RollCounts(expected=20, present=19, absent_excused=1)
    counts.rate = counting.rate_of(19, 20)
    counts.absentees = [
        counting.Absentee(member_id=7, name="Bùi Thị Hà", category=Category.FULL, excused=True, reason="")
    ]
    counts.runs = lambda: {7: run}
    return counts


@pytest.mark.parametrize(("run", "level"), [(3, G), (4, F), (6, F)])
def test_good_needs_nobody_absent_more_than_3_times_in_a_row(run, level):
    assert counting.score_level(100, MeetingRules(), FULL_MARKS, roll_with(run)) == level


def test_the_limit_is_the_communes():
    assert counting.score_level(100, MeetingRules(max_absences_in_row=4), FULL_MARKS, roll_with(4)) == G
    assert counting.score_level(100, MeetingRules(max_absences_in_row=2), FULL_MARKS, roll_with(3)) == F


def test_without_runs_or_without_absentees_nothing_is_read():
    counts = roll_with(9)
    counts.runs = None
    assert counting.score_level(100, MeetingRules(), FULL_MARKS, counts) == G
    counts = counting.RollCounts(expected=20, present=20)
    counts.rate = 100.0
    counts.runs = lambda: pytest.fail("runs read with nobody absent")
    assert counting.score_level(100, MeetingRules(), FULL_MARKS, counts) == G


# --- Through the services, Oct–Jan --------------------------------------------------------------


def held(branch, day):
    start = datetime.datetime(day.year, day.month, day.day, 19, 30, tzinfo=TZ)
    return Meeting.objects.create(
        branch=branch,
        kind=MeetingKind.REGULAR,
        month=day.replace(day=1),
        status=MeetingStatus.HELD,
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=2),
        actual_start=start,
        actual_end=start + datetime.timedelta(hours=2),
    )


@pytest.fixture
def marker(db):
    return UserFactory(username="runs-marker")


@pytest.mark.parametrize(
    ("history", "level"),
    [("AAAA", F), ("PAAA", G), ("AAAP", G)],
    ids=["Oct to Jan absent: a run of 4", "Nov to Jan: 3", "present in January"],
)
def test_a_run_across_the_new_year_stops_good(tree, marker, history, level):
    # 19 others present every time: 95 %, nobody absent without reason.
    others = MemberFactory.create_batch(19, branch=tree.branch)
    member = MemberFactory(branch=tree.branch, full_name="Bùi Thị Hà")
    days = [D(2026, 10, 5), D(2026, 11, 5), D(2026, 12, 5), D(2027, 1, 5)]
    meetings = [held(tree.branch, day) for day in days]
    for meeting, code in zip(meetings, history, strict=True):
        for person in others:
            Attendance.objects.create(meeting=meeting, member=person, mark=P, category=Category.FULL, marked_by=marker)
        how = {"A": A, "P": P}[code]
        Attendance.objects.create(meeting=meeting, member=member, mark=how, category=Category.FULL, marked_by=marker)
    january = meetings[-1]
    minutes = services.minutes.minutes_for(january)
    services.minutes.score_save(
        minutes=minutes, scores=FULL_MARKS, rules=MeetingRules(), expected_version=minutes.version, by=None
    )
    minutes.refresh_from_db()
    assert minutes.score_level == level
    # The roll page says the same: flagged when not Good for the run.
    in_a_row = [f for f in selectors.roll.roll_flags(january, selectors.roll.count_roll(january)) if "Bùi Thị Hà" in f]
    assert bool(in_a_row) is (history == "AAAA")
    expected_run = {"AAAA": 4, "PAAA": 3, "AAAP": 0}[history]
    assert selectors.roll.absences_in_a_row(tree.branch, january).get(member.pk, 0) == expected_run
