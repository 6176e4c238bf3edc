"""Flags the commune sees per branch: table-driven, with time frozen."""

import dataclasses
import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from meetings import counting, selectors
from meetings.models import PRESENT_MARKS, Attendance, Mark, MeetingKind, MeetingRules, MeetingStatus
from members.models import LeaveReason, MemberStatus, OrganizationKind, RoleKind
from oversight.compliance import branch_people, roll_figures
from oversight.selectors.flags import (
    Period,
    State,
    _BranchRoll,
    _flag_marks,
    branch_flags,
)
from oversight.views import flags as flags_view

from ..factories import MemberFactory, UserFactory, give_role, make_org
from ..meetings.conftest import at, make_meeting

pytestmark = [pytest.mark.django_db, pytest.mark.system_scope]

D = datetime.date
NOW = at(D(2026, 11, 20), 10)  # Friday 20/11/2026, 10:00 in Hà Nội
REGULAR, THEMATIC, COMBINED, EXTRA = (
    MeetingKind.REGULAR,
    MeetingKind.THEMATIC,
    MeetingKind.COMBINED,
    MeetingKind.EXTRAORDINARY,
)
HELD, ADOPTED, DRAFT, CANCELLED, POSTPONED = (
    MeetingStatus.HELD,
    MeetingStatus.ADOPTED,
    MeetingStatus.DRAFT,
    MeetingStatus.CANCELLED,
    MeetingStatus.POSTPONED,
)


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def marker(db):
    return UserFactory(username="marker")


def held(branch, day, kind=REGULAR, minutes=120, status=HELD, **fields):
    """A meeting held on ``day`` at 19:30 that broke no rule unless told otherwise."""
    start = at(day, 19, 30)
    end = start + datetime.timedelta(minutes=minutes)
    values = {
        "status": status,
        "actual_start": start,
        "actual_end": end,
        "materials_posted_at": start - datetime.timedelta(days=3),
        "minutes_adopted_at": end - datetime.timedelta(minutes=5),
        **fields,
    }
    return make_meeting(branch, day, kind, **values)


def mark(meeting, member, what, by, reason=""):
    return Attendance.objects.create(
        meeting=meeting, member=member, mark=what, reason=reason, category="full", marked_by=by
    )


def flags_of(branch, period, now=None):
    with time_machine.travel(now or NOW, tick=False):
        return branch_flags(branches=[branch], period=period)[0]


def issues(flags, key):
    return {key_: found for key_, _label, found in flags.meeting_issues}[key]


# --- (1) a regular meeting every month ------------------------------------------------------

SEP_TO_NOV = Period(first=D(2026, 9, 1), last=D(2026, 11, 1))


@pytest.mark.parametrize(
    ("meetings", "expected"),
    [
        pytest.param([], ["missing", "missing", "not_yet"], id="nothing: past months flagged, current not yet"),
        pytest.param([(D(2026, 9, 5), REGULAR, HELD)], ["held", "missing", "not_yet"], id="regular held"),
        pytest.param([(D(2026, 10, 5), COMBINED, ADOPTED)], ["missing", "held", "not_yet"], id="combined counts"),
        pytest.param([(D(2026, 9, 5), THEMATIC, HELD)], ["missing", "missing", "not_yet"], id="thematic does not"),
        pytest.param([(D(2026, 9, 5), EXTRA, HELD)], ["missing", "missing", "not_yet"], id="extraordinary does not"),
        pytest.param([(D(2026, 9, 5), REGULAR, CANCELLED)], ["missing", "missing", "not_yet"], id="cancelled"),
        pytest.param([(D(2026, 10, 5), REGULAR, DRAFT)], ["missing", "missing", "not_yet"], id="planned, never held"),
        pytest.param([(D(2026, 11, 5), REGULAR, HELD)], ["missing", "missing", "held"], id="current month held"),
        pytest.param([(D(2026, 11, 25), REGULAR, DRAFT)], ["missing", "missing", "not_yet"], id="current planned"),
        pytest.param(
            [(D(2026, 9, 5), REGULAR, CANCELLED), (D(2026, 9, 19), REGULAR, HELD)],
            ["held", "missing", "not_yet"],
            id="cancelled then held again",
        ),
    ],
)
def test_no_regular_meeting_in_a_month(tree, meetings, expected):
    for day, kind, status in meetings:
        held(tree.branch, day, kind, status=status)
    flags = flags_of(tree.branch, SEP_TO_NOV)
    assert [cell.month for cell in flags.months] == [D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)]
    assert [cell.state for cell in flags.months] == expected
    assert len(flags.missing_months) == expected.count("missing")


def test_a_month_is_flagged_from_the_first_day_of_the_next(tree):
    october = Period(first=D(2026, 10, 1), last=D(2026, 10, 1))
    assert flags_of(tree.branch, october, now=at(D(2026, 10, 31), 23, 59)).months[0].state == State.NOT_YET
    assert flags_of(tree.branch, october, now=at(D(2026, 11, 1), 0, 1)).months[0].state == State.MISSING


# --- (2) a thematic meeting every quarter ---------------------------------------------------

JUL_TO_NOV = Period(first=D(2026, 7, 1), last=D(2026, 11, 1))


@pytest.mark.parametrize(
    ("period", "meetings", "now", "expected"),
    [
        pytest.param(JUL_TO_NOV, [], NOW, ["missing", "not_yet"], id="nothing: past quarter flagged, current not yet"),
        pytest.param(JUL_TO_NOV, [(D(2026, 8, 20), THEMATIC, HELD)], NOW, ["held", "not_yet"], id="thematic"),
        pytest.param(JUL_TO_NOV, [(D(2026, 9, 5), COMBINED, HELD)], NOW, ["held", "not_yet"], id="combined counts"),
        pytest.param(JUL_TO_NOV, [(D(2026, 9, 5), REGULAR, HELD)], NOW, ["missing", "not_yet"], id="regular does not"),
        pytest.param(
            JUL_TO_NOV, [(D(2026, 8, 20), THEMATIC, CANCELLED)], NOW, ["missing", "not_yet"], id="cancelled thematic"
        ),
        pytest.param(JUL_TO_NOV, [(D(2026, 8, 20), THEMATIC, DRAFT)], NOW, ["missing", "not_yet"], id="never held"),
        pytest.param(JUL_TO_NOV, [(D(2026, 10, 20), THEMATIC, HELD)], NOW, ["missing", "held"], id="current quarter"),
        pytest.param(
            SEP_TO_NOV, [(D(2026, 7, 20), THEMATIC, HELD)], NOW, ["held", "not_yet"], id="whole quarter counts"
        ),
        pytest.param(JUL_TO_NOV, [], at(D(2026, 9, 30), 23), ["not_yet"], id="quarter not over yet"),
        pytest.param(
            Period(first=D(2026, 4, 1), last=D(2026, 9, 1)),
            [(D(2026, 5, 10), THEMATIC, ADOPTED)],
            at(D(2026, 10, 1), 8),
            ["held", "missing"],
            id="quarter over on the first day of the next",
        ),
    ],
)
def test_no_thematic_meeting_in_a_quarter(tree, period, meetings, now, expected):
    for day, kind, status in meetings:
        held(tree.branch, day, kind, status=status)
    flags = flags_of(tree.branch, period, now=now)
    assert [cell.state for cell in flags.quarters][: len(expected)] == expected


def test_quarter_labels(tree):
    flags = flags_of(tree.branch, JUL_TO_NOV)
    with translation.override("en"):
        assert [cell.label for cell in flags.quarters] == ["Q3/2026", "Q4/2026"]


# --- (3) long enough ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "minutes", "rules", "flagged"),
    [
        (REGULAR, 89, {}, True),
        (REGULAR, 90, {}, False),
        (THEMATIC, 60, {}, True),
        (COMBINED, 119, {}, True),
        (COMBINED, 120, {}, False),
        (EXTRA, 30, {}, False),
        (REGULAR, 100, {"min_minutes": 120}, True),
        (COMBINED, 130, {"min_minutes_combined": 150}, True),
        (REGULAR, None, {}, False),  # no actual times recorded: nothing to judge
    ],
)
def test_held_shorter_than_the_minimum(tree, kind, minutes, rules, flagged):
    if rules:
        MeetingRules.objects.create(organization=tree.commune, **rules)
    if minutes is None:
        meeting = held(tree.branch, D(2026, 10, 5), kind, actual_start=None, actual_end=None)
    else:
        meeting = held(tree.branch, D(2026, 10, 5), kind, minutes=minutes)
    found = issues(flags_of(tree.branch, SEP_TO_NOV), "too_short")
    assert [issue.meeting for issue in found] == ([meeting] if flagged else [])


# --- (4) materials posted in time -----------------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "status", "days_before", "flagged"),
    [
        (None, HELD, None, True),
        (at(D(2026, 10, 4), 19, 30), HELD, None, False),  # exactly one day before 19:30 on 5/10
        (at(D(2026, 10, 4), 19, 31), HELD, None, True),
        (at(D(2026, 10, 5), 8), ADOPTED, None, True),
        (at(D(2026, 10, 1), 8), HELD, None, False),
        (at(D(2026, 10, 4), 8), HELD, 2, True),
        (None, DRAFT, None, False),  # not held: nothing to judge yet
        (None, CANCELLED, None, False),
    ],
)
def test_materials_posted_less_than_a_day_before(tree, posted, status, days_before, flagged):
    if days_before is not None:
        MeetingRules.objects.create(organization=tree.commune, materials_days_before=days_before)
    meeting = held(tree.branch, D(2026, 10, 5), status=status, materials_posted_at=posted)
    found = issues(flags_of(tree.branch, SEP_TO_NOV), "materials_late")
    assert [issue.meeting for issue in found] == ([meeting] if flagged else [])


# --- (5) minutes adopted in time ------------------------------------------------------------


@pytest.mark.parametrize(
    ("adopted", "status", "now", "deadline_days", "flagged"),
    [
        (at(D(2026, 10, 5), 21, 30), ADOPTED, NOW, None, False),  # read back and adopted at the meeting
        (at(D(2026, 10, 7), 21, 30), ADOPTED, NOW, None, False),  # two days after the 21:30 close
        (at(D(2026, 10, 8), 9), ADOPTED, NOW, None, True),  # adopted late
        (None, HELD, at(D(2026, 10, 6), 9), None, False),  # not adopted, still in time
        (None, HELD, at(D(2026, 10, 7), 21, 31), None, True),  # not adopted, deadline passed
        (None, HELD, at(D(2026, 10, 9), 9), 5, False),  # the commune allows five days
        (at(D(2026, 10, 9), 9), ADOPTED, NOW, 5, False),
    ],
)
def test_minutes_not_adopted_within_n_days(tree, adopted, status, now, deadline_days, flagged):
    if deadline_days is not None:
        MeetingRules.objects.create(organization=tree.commune, minutes_deadline_days=deadline_days)
    meeting = held(tree.branch, D(2026, 10, 5), status=status, minutes_adopted_at=adopted)  # 19:30–21:30
    found = issues(flags_of(tree.branch, SEP_TO_NOV, now=now), "minutes_late")
    assert [issue.meeting for issue in found] == ([meeting] if flagged else [])


# --- (6) the roll: rate and absences without reason -----------------------------------------


@pytest.mark.parametrize(
    ("present", "excused", "unexcused", "unmarked", "low", "without_reason"),
    [
        pytest.param(9, 1, 0, 0, False, False, id="90%"),
        pytest.param(17, 3, 0, 0, False, False, id="exactly 85% is not below"),
        pytest.param(16, 3, 0, 0, True, False, id="84.2%"),
        pytest.param(8, 2, 0, 0, True, False, id="80% with reasons"),
        pytest.param(9, 0, 1, 0, False, True, id="one absent without reason"),
        pytest.param(9, 0, 0, 1, False, False, id="an unmarked member is still expected"),
        pytest.param(8, 0, 0, 2, True, False, id="unmarked members lower the rate"),
    ],
)
def test_roll_rate_and_absences_without_reason(
    tree, marker, present, excused, unexcused, unmarked, low, without_reason
):
    meeting = held(tree.branch, D(2026, 10, 5))
    marks = [Mark.PRESENT] * present + [Mark.EXCUSED] * excused + [Mark.UNEXCUSED] * unexcused
    for what in marks:
        mark(meeting, MemberFactory(branch=tree.branch), what, marker)
    MemberFactory.create_batch(unmarked, branch=tree.branch)
    flags = flags_of(tree.branch, SEP_TO_NOV)
    assert bool(issues(flags, "low_attendance")) is low
    assert bool(issues(flags, "unexcused")) is without_reason
    assert not issues(flags, "no_roll")


def test_a_held_meeting_without_a_roll_is_shown(tree):
    meeting = held(tree.branch, D(2026, 10, 5))
    MemberFactory.create_batch(3, branch=tree.branch)
    flags = flags_of(tree.branch, SEP_TO_NOV)
    assert [issue.meeting for issue in issues(flags, "no_roll")] == [meeting]
    assert not issues(flags, "low_attendance")


def test_attendance_rate_follows_the_commune_rules(tree, marker):
    MeetingRules.objects.create(organization=tree.commune, min_attendance_rate=95)
    meeting = held(tree.branch, D(2026, 10, 5))
    for what in [Mark.PRESENT] * 9 + [Mark.EXCUSED]:
        mark(meeting, MemberFactory(branch=tree.branch), what, marker)
    [issue] = issues(flags_of(tree.branch, SEP_TO_NOV), "low_attendance")
    assert "9" in issue.detail and "10" in issue.detail


DAY = D(2026, 10, 5)


@pytest.mark.parametrize(
    ("fields", "what", "expected", "present"),
    [
        pytest.param({}, Mark.PRESENT, 1, 1, id="member present"),
        pytest.param({"exempt_since": D(2024, 1, 1)}, None, 0, 0, id="exempt, not marked: left out"),
        pytest.param({"exempt_since": D(2024, 1, 1)}, Mark.PRESENT, 1, 1, id="exempt who attended counts"),
        pytest.param({"exempt_since": D(2026, 10, 6)}, Mark.EXCUSED, 1, 0, id="exempt only from the next day"),
        pytest.param({"joined_branch_on": D(2026, 10, 10)}, None, 0, 0, id="joined after the meeting"),
        pytest.param({"joined_branch_on": D(2026, 10, 5)}, None, 1, 0, id="joined that day"),
        pytest.param(
            {"left_on": D(2026, 9, 1), "leave_reason": LeaveReason.TRANSFER}, None, 0, 0, id="transferred out"
        ),
        pytest.param(
            {"left_on": D(2026, 9, 1), "leave_reason": LeaveReason.TRANSFER},
            Mark.PRESENT,
            1,
            1,
            id="transferred out but came",
        ),
        pytest.param(
            {"left_on": D(2026, 10, 20), "leave_reason": LeaveReason.TRANSFER},
            Mark.EXCUSED,
            1,
            0,
            id="left after the meeting",
        ),
        pytest.param({"left_on": D(2026, 8, 1), "leave_reason": LeaveReason.DEATH}, None, 0, 0, id="deceased"),
        pytest.param({"temporarily_attached": True}, Mark.LATE, 1, 1, id="temporarily attached, late"),
        pytest.param({"status": "probationary", "full_member_on": None}, Mark.LEFT_EARLY, 1, 1, id="probationary"),
    ],
)
def test_roll_figures_count_like_the_roll(tree, marker, fields, what, expected, present):
    meeting = held(tree.branch, DAY)
    member = MemberFactory(branch=tree.branch, **fields)
    if what:
        mark(meeting, member, what, marker)
    marks = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "mark"))
    figures = roll_figures(meeting, marks, branch_people([tree.branch])[tree.branch.pk])
    assert (figures.expected, figures.present) == (expected, present)
    counts = selectors.roll.count_roll(meeting)
    assert (counts.expected, counts.present) == (figures.expected, figures.present)
    assert counts.rate == figures.rate
    # branch_flags counts the same with its shortcut for members who stand the same way all period,
    # whether the period is that one day (the member may take the shortcut) or a whole year (not).
    people = branch_people([tree.branch])[tree.branch.pk]
    for first, last in ((DAY, DAY), (D(2026, 1, 1), D(2026, 12, 31))):
        roll = _BranchRoll(tree.branch.pk, people, first, last)
        assert _roll_numbers(roll.figures(DAY, marks)) == _roll_numbers(figures)
        assert _roll_numbers(roll.figures_of_groups(DAY, _grouped(marks))) == _roll_numbers(figures)


def test_member_facts_fields_are_in_the_order_of_its_fields():
    # oversight.compliance.branch_people builds them from rows by position.
    assert tuple(f.name for f in dataclasses.fields(counting.MemberFacts)) == counting.MemberFacts.FIELDS


def test_members_of_a_page_of_branches_in_name_order_with_their_visitors(tree):
    # Own members and visitors are read in two halves of one query: still in name order, and a
    # visitor from a branch of the same page is listed under both branches, once each.
    away = {"away_from": D(2026, 9, 1), "away_until": D(2026, 12, 31)}
    late = MemberFactory(branch=tree.branch, full_name="Trần Văn Cường")
    visitor = MemberFactory(branch=tree.sibling, away_branch=tree.branch, full_name="Bùi Thị An", **away)
    early = MemberFactory(branch=tree.branch, full_name="Đỗ Văn Bình")
    elsewhere = MemberFactory(branch=tree.other_branch, away_branch=tree.branch, full_name="An Văn Đức", **away)
    MemberFactory(branch=tree.other_branch)
    people = branch_people([tree.branch, tree.sibling])
    assert list(people[tree.branch.pk]) == [elsewhere.pk, visitor.pk, early.pk, late.pk]
    assert list(people[tree.sibling.pk]) == [visitor.pk]
    assert set(people) == {tree.branch.pk, tree.sibling.pk}


def _grouped(marks):
    """Marks {member: mark} grouped as ``_flag_marks`` reads them: {mark: [member]}, the present
    (present, late, left early) in one group."""
    groups = {}
    for pk, what in marks.items():
        groups.setdefault(Mark.PRESENT if what in PRESENT_MARKS else what, []).append(pk)
    return groups


def _roll_numbers(counts):
    """What the flags read of a roll."""
    absentees = [(a.member_id, a.name, a.excused) for a in counts.absentees]
    return (counts.expected, counts.present, counts.marked, counts.rate, absentees)


def test_branch_roll_counts_visitors_and_members_away_like_roll_figures(tree, marker):
    meeting = held(tree.branch, DAY)
    here = MemberFactory.create_batch(3, branch=tree.branch)
    away = MemberFactory(branch=tree.branch, away_from=D(2026, 9, 1), away_until=D(2026, 12, 31))
    visitor = MemberFactory(
        branch=tree.sibling, away_branch=tree.branch, away_from=D(2026, 9, 1), away_until=D(2026, 12, 31)
    )
    marks_given = [Mark.PRESENT, Mark.UNEXCUSED, Mark.EXCUSED, None, Mark.LATE]
    for member, what in zip([*here, away, visitor], marks_given, strict=True):
        if what:
            mark(meeting, member, what, marker)
    # A member of the other branch marked here by mistake is not on this roll.
    mark(meeting, MemberFactory(branch=tree.sibling), Mark.UNEXCUSED, marker)
    marks = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "mark"))
    people = branch_people([tree.branch])[tree.branch.pk]
    figures = roll_figures(meeting, marks, people)
    assert (figures.expected, figures.present) == (4, 2)
    for first, last in ((DAY, DAY), (D(2026, 1, 1), D(2026, 12, 31))):
        roll = _BranchRoll(tree.branch.pk, people, first, last)
        assert _roll_numbers(roll.figures(DAY, marks)) == _roll_numbers(figures)
        assert _roll_numbers(roll.figures_of_groups(DAY, _grouped(marks))) == _roll_numbers(figures)


# --- (7) absent more than three times in a row -----------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "period", "flagged_at"),
    [
        pytest.param("PEEEE", JUL_TO_NOV, [D(2026, 11, 5)], id="four in a row, with reason"),
        pytest.param("PEUEU", JUL_TO_NOV, [D(2026, 11, 5)], id="with and without reason mixed"),
        pytest.param("EEEEE", JUL_TO_NOV, [D(2026, 10, 5), D(2026, 11, 5)], id="five in a row"),
        pytest.param("PEEEP", JUL_TO_NOV, [], id="three is not more than three"),
        pytest.param("EEPEE", JUL_TO_NOV, [], id="present breaks the run"),
        pytest.param("EE-EE", JUL_TO_NOV, [D(2026, 11, 5)], id="no mark neither breaks nor counts"),
        pytest.param(
            "PEEEE", Period(first=D(2026, 11, 1), last=D(2026, 11, 1)), [D(2026, 11, 5)], id="run began before"
        ),
    ],
)
def test_member_absent_more_than_three_in_a_row(tree, marker, pattern, period, flagged_at):
    member = MemberFactory(branch=tree.branch, full_name="Trần Văn Vắng")
    other = MemberFactory(branch=tree.branch)
    codes = {"P": Mark.PRESENT, "E": Mark.EXCUSED, "U": Mark.UNEXCUSED}
    for month, code in zip(range(7, 12), pattern, strict=True):
        meeting = held(tree.branch, D(2026, month, 5))
        mark(meeting, other, Mark.PRESENT, marker)
        if code in codes:
            mark(meeting, member, codes[code], marker)
    found = issues(flags_of(tree.branch, period), "absent_in_a_row")
    assert [issue.meeting.month.replace(day=5) for issue in found] == flagged_at
    assert all("Trần Văn Vắng" in issue.detail for issue in found)


def test_a_run_goes_on_across_the_new_year(tree, marker):
    # October to February: one run of five (issue 20; it used to restart in January).
    member = MemberFactory(branch=tree.branch)
    for month in (D(2026, 10, 5), D(2026, 11, 5), D(2026, 12, 5), D(2027, 1, 5), D(2027, 2, 5)):
        mark(held(tree.branch, month), member, Mark.EXCUSED, marker)
    period = Period(first=D(2026, 12, 1), last=D(2027, 2, 1))
    flags = flags_of(tree.branch, period, now=at(D(2027, 3, 10), 9))
    found = issues(flags, "absent_in_a_row")
    assert [issue.meeting.month for issue in found] == [D(2027, 1, 1), D(2027, 2, 1)]
    assert [issue.detail for issue in found] == [f"{member.full_name} (4)", f"{member.full_name} (5)"]


def test_marks_are_read_grouped_by_mark(tree, marker):
    before = held(tree.branch, D(2025, 12, 5))
    meeting = held(tree.branch, D(2026, 10, 5))
    people = MemberFactory.create_batch(6, branch=tree.branch)
    marks_given = [Mark.PRESENT, Mark.LATE, Mark.LEFT_EARLY, Mark.EXCUSED, Mark.UNEXCUSED]
    for person, what in zip(people, marks_given, strict=False):
        mark(meeting, person, what, marker)
    mark(before, people[0], Mark.UNEXCUSED, marker)
    mark(before, people[1], Mark.EXCUSED, marker)
    mark(before, people[2], Mark.PRESENT, marker)
    empty = held(tree.branch, D(2026, 11, 5))
    found = _flag_marks([meeting.pk, empty.pk], [before.pk], [tree.branch])
    groups = {what: sorted(ids) for what, ids in found.groups[meeting.pk].items()}
    assert groups == {
        Mark.PRESENT: sorted(p.pk for p in people[:3]),
        Mark.EXCUSED: [people[3].pk],
        Mark.UNEXCUSED: [people[4].pk],
    }
    # Before the runs' year only the absences without reason are kept (grounds for removal).
    assert before.pk not in found.groups
    assert empty.pk not in found.groups
    assert dict(found.unexcused) == {meeting.pk: [people[4].pk], before.pk: [people[0].pk]}


def test_runs_on_a_page_of_branches_with_different_limits(tree, marker):
    # Runs are read only for members absent more often than the smallest limit of the page; each
    # branch is still held to its own: three in a row is over 2 here, not over 4 there.
    MeetingRules.objects.create(organization=tree.branch, max_absences_in_row=2)
    MeetingRules.objects.create(organization=tree.sibling, max_absences_in_row=4)
    pattern = [Mark.PRESENT, Mark.EXCUSED, Mark.EXCUSED, Mark.EXCUSED, Mark.PRESENT]
    for branch in (tree.branch, tree.sibling):
        member, present = MemberFactory(branch=branch), MemberFactory(branch=branch)
        for month, what in zip(range(7, 12), pattern, strict=True):
            meeting = held(branch, D(2026, month, 5))
            mark(meeting, member, what, marker)
            mark(meeting, present, Mark.PRESENT, marker)
    with time_machine.travel(NOW, tick=False):
        rows = branch_flags(branches=[tree.branch, tree.sibling], period=JUL_TO_NOV)
    found = [[issue.meeting.month for issue in issues(row, "absent_in_a_row")] for row in rows]
    assert found == [[D(2026, 10, 1)], []]


# --- Rules ------------------------------------------------------------------------------------


def test_rules_come_from_the_nearest_ancestor_in_one_query(tree, django_assert_num_queries):
    MeetingRules.objects.create(organization=tree.province, min_minutes=100)
    MeetingRules.objects.create(organization=tree.commune, min_minutes=110)
    MeetingRules.objects.create(organization=tree.sibling, min_minutes=130)
    branches = [tree.branch, tree.sibling, tree.other_branch]
    with django_assert_num_queries(1):
        rules = MeetingRules.objects.for_branches(branches)
    assert [rules[b.pk].min_minutes for b in branches] == [110, 130, 100]
    assert [MeetingRules.objects.for_branch(b).min_minutes for b in branches] == [110, 130, 100]


def test_defaults_without_any_rules(tree):
    rules = MeetingRules.objects.for_branches([tree.branch])[tree.branch.pk]
    assert (rules.min_minutes, rules.min_minutes_combined, rules.min_attendance_rate) == (90, 120, 85)
    assert (rules.max_absences_in_row, rules.minutes_deadline_days, rules.materials_days_before) == (3, 2, 1)


# --- The page ---------------------------------------------------------------------------------


def _branch_names(response):
    return [row.branch.name for row in response.context["rows"]]


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_staff_and_leaders_of_the_commune_see_its_branches(request, tree, persona):
    client = request.getfixturevalue(persona)
    response = client.get(reverse("oversight:flags"))
    assert response.status_code == 200
    assert _branch_names(response) == ["Chi bộ thôn Song Khê", "Chi bộ thôn Phú Thịnh"]
    assert "Chi bộ thôn Song Khê" in response.content.decode()


def test_staff_of_another_commune_sees_none_of_them(outsider, tree):
    response = outsider.get(reverse("oversight:flags"))
    assert _branch_names(response) == ["Chi bộ Tổ dân phố số 7"]
    # Asking for a branch outside its scope changes nothing.
    response = outsider.get(reverse("oversight:flags"), {"branch": tree.branch.pk})
    assert _branch_names(response) == ["Chi bộ Tổ dân phố số 7"]
    assert "Song Khê" not in response.content.decode()


@pytest.mark.parametrize("persona", ["secretary", "cadre", "plain_member"])
def test_others_get_404(request, persona):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("oversight:flags")).status_code == 404


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("oversight:flags"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@time_machine.travel(NOW, tick=False)
def test_default_period_is_the_last_six_months(staff):
    response = staff.get(reverse("oversight:flags"))
    period = response.context["period"]
    assert (period.first, period.last) == (D(2026, 6, 1), D(2026, 11, 1))
    assert len(response.context["rows"][0].months) == 6


@time_machine.travel(NOW, tick=False)
def test_month_range_and_branch_filter(staff, tree):
    held(tree.branch, D(2026, 3, 5))
    response = staff.get(reverse("oversight:flags"), {"start": "2026-01", "end": "03/2026", "branch": tree.branch.pk})
    assert _branch_names(response) == ["Chi bộ thôn Song Khê"]
    [row] = response.context["rows"]
    assert [cell.state for cell in row.months] == ["missing", "missing", "held"]
    assert [cell.start for cell in row.quarters] == [D(2026, 1, 1)]


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"start": "2026-11", "end": "2026-01"}, None, "order"),
        ({"start": "2024-01", "end": "2026-11"}, None, "too_long"),
        ({"start": "tháng 11"}, "start", "invalid"),
        ({"end": "13/2026"}, "end", "invalid"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_a_bad_range_is_explained_and_the_default_shown(staff, params, field, code):
    response = staff.get(reverse("oversight:flags"), params)
    form = response.context["form"]
    assert form.has_error(field or "__all__", code)
    [message] = form.errors[field or "__all__"]
    assert message in response.content.decode()
    assert response.context["period"] == Period.ending(D(2026, 11, 1))


@time_machine.travel(NOW, tick=False)
def test_page_shows_badges_and_links_to_the_meetings(staff, tree):
    short = held(tree.branch, D(2026, 10, 5), minutes=60)
    response = staff.get(reverse("oversight:flags"))
    html = response.content.decode()
    assert reverse("meetings:detail", args=[short.pk]) in html
    assert 'data-flag="too_short"' in html
    assert 'data-state="missing"' in html


# --- Query count --------------------------------------------------------------------------------


def _commune_with(branch_count: int, members: int, marker):
    """A commune whose branches each met every month since June, with a roll for each meeting."""
    province = make_org("Đảng bộ tỉnh Thử", OrganizationKind.PROVINCE, code=f"p{branch_count}")
    commune = make_org("Đảng bộ xã Thử", OrganizationKind.COMMUNE, province, code=f"c{branch_count}")
    MeetingRules.objects.create(organization=commune, min_minutes=100)
    staff = UserFactory(username=f"staff{branch_count}")
    give_role(staff, RoleKind.COMMUNE_STAFF, commune)
    for index in range(branch_count):
        branch = make_org(f"Chi bộ {index}", OrganizationKind.BRANCH, commune, code=f"b{branch_count}-{index}")
        people = MemberFactory.create_batch(members, branch=branch)
        for month in range(6, 12):
            meeting = held(branch, D(2026, month, 5), kind=COMBINED if month % 3 == 0 else REGULAR, minutes=95)
            Attendance.objects.bulk_create(
                Attendance(
                    meeting=meeting,
                    member=person,
                    mark=Mark.PRESENT if i % 4 else Mark.EXCUSED,
                    category="full",
                    marked_by=marker,
                )
                for i, person in enumerate(people)
            )
    return SimpleNamespace(staff=staff)


@time_machine.travel(NOW, tick=False)
def test_query_count_does_not_grow_with_branches_or_meetings(client, marker):
    counts = []
    for branch_count, members in ((2, 3), (6, 12)):
        commune = _commune_with(branch_count, members, marker)
        client.force_login(commune.staff)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("oversight:flags"))
        assert response.status_code == 200
        assert len(response.context["rows"]) == branch_count
        assert all(row.flag_count for row in response.context["rows"])  # too short, every month
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 14  # 12, the branches with too few full members, and the access log INSERT


@time_machine.travel(NOW, tick=False)
def test_a_province_is_paged_then_ranked_and_its_branches_counted_once(client, marker, monkeypatch):
    # Above RANK_ALL_UP_TO branches each page is ranked on its own: the branches are counted once
    # (the paginator is given the count) and only the page's branches are read.
    monkeypatch.setattr(flags_view, "RANK_ALL_UP_TO", 2)
    monkeypatch.setattr(flags_view, "BRANCHES_PER_PAGE", 2)
    commune = _commune_with(3, 2, marker)
    client.force_login(commune.staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("oversight:flags"), {"page": 2})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3
    assert [row.branch.name for row in response.context["rows"]] == ["Chi bộ 2"]
    counts = [q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "members_organization" in q["sql"]]
    assert len(counts) == 1
    assert len(queries) <= 14  # as many as when every branch is ranked (above)


def test_a_branch_with_fewer_than_three_full_members_is_among_the_communes_flags(tree, staff):
    """Điều lệ Đảng: a branch has at least 3 full members (members.models.BRANCH_MINIMUM)."""
    MemberFactory.create_batch(2, branch=tree.branch, status=MemberStatus.FULL)
    MemberFactory.create_batch(3, branch=tree.sibling, status=MemberStatus.FULL)
    response = staff.get(reverse("oversight:flags"))
    assert [branch.pk for branch in response.context["small_branches"]] == [tree.branch.pk]
    assert 'id="small-branches"' in response.content.decode()
