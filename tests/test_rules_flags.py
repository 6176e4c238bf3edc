"""Flags: absences without reason in three months within twelve months, people counted once, branches ranked."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from meetings.models import Attendance, Category, Mark, Meeting, MeetingKind, MeetingStatus
from oversight import selectors as oversight_selectors
from oversight.selectors.flags import Period, Severity, branch_flags, rank_branches

from .factories import MemberFactory, UserFactory

pytestmark = pytest.mark.system_scope

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2027, 1, 10, 9, tzinfo=TZ)


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
    return UserFactory(username="flag-marker")


def mark(meeting, member, how, by):
    Attendance.objects.create(meeting=meeting, member=member, mark=how, category=Category.FULL, marked_by=by)


def monthly(branch, months, marks, by, year_of_first=2026):
    """A regular meeting on the 5th of each (year, month), each member marked as ``marks`` says:
    {member: [mark per meeting]}; everyone else present."""
    meetings = [held(branch, datetime.date(y, m, 5)) for y, m in months]
    for member, row in marks.items():
        for meeting, how in zip(meetings, row, strict=True):
            mark(meeting, member, how, by)
    return meetings


U, E, PR = Mark.UNEXCUSED, Mark.EXCUSED, Mark.PRESENT


def flags_of(branch, first, last):
    return branch_flags(branches=[branch], period=Period(first=first, last=last), now=NOW)[0]


def test_three_unexcused_within_twelve_months_are_grounds_for_removal(tree, marker):
    absent, twice = MemberFactory.create_batch(2, branch=tree.branch)
    # Across the new year: the twelve months go on (and so do runs of absences).
    months = [(2026, 3), (2026, 6), (2026, 9), (2026, 12)]
    monthly(tree.branch, months, {absent: [U, PR, U, U], twice: [U, PR, U, PR]}, marker)
    flags = flags_of(tree.branch, datetime.date(2026, 10, 1), datetime.date(2026, 12, 1))
    assert [(g.name, g.count) for g in flags.removal] == [(absent.full_name, 3)]
    assert flags.removal[0].days == [datetime.date(2026, 3, 5), datetime.date(2026, 9, 5), datetime.date(2026, 12, 5)]
    assert flags.severity == Severity.SERIOUS


def test_three_unexcused_spread_over_more_than_twelve_months_are_not(tree, marker):
    member = MemberFactory(branch=tree.branch)
    monthly(tree.branch, [(2025, 11), (2026, 6), (2026, 11)], {member: [U, U, U]}, marker)
    flags = flags_of(tree.branch, datetime.date(2026, 11, 1), datetime.date(2026, 11, 1))
    assert flags.removal == []


def test_absences_of_the_year_before_count_for_removal_and_for_runs(tree, marker):
    # Before the period the marks of twelve months are read (branch_flags): enough for the twelve
    # months of removal, and a run of absences goes on across 1 January (issue 20).
    member = MemberFactory(branch=tree.branch)
    months = [(2025, 8), (2025, 10), (2025, 11), (2025, 12), (2026, 2)]
    monthly(tree.branch, months, {member: [U, E, E, U, U]}, marker)
    flags = flags_of(tree.branch, datetime.date(2026, 1, 1), datetime.date(2026, 3, 1))
    assert [(g.count, g.days[0]) for g in flags.removal] == [(3, datetime.date(2025, 8, 5))]
    in_a_row = dict((key, issues) for key, _label, issues in flags.meeting_issues)["absent_in_a_row"]
    assert [(issue.meeting.month, issue.detail) for issue in in_a_row] == [
        (datetime.date(2026, 2, 1), f"{member.full_name} (5)")
    ]


def test_people_flags_count_people_not_absences(tree, marker):
    member = MemberFactory(branch=tree.branch)
    months = [(2026, m) for m in range(6, 12)]
    monthly(tree.branch, months, {member: [E, E, E, E, E, E]}, marker)
    flags = flags_of(tree.branch, datetime.date(2026, 6, 1), datetime.date(2026, 11, 1))
    in_a_row = dict((key, issues) for key, _label, issues in flags.meeting_issues)["absent_in_a_row"]
    assert len(in_a_row) == 3  # flagged at the 4th, 5th and 6th meeting…
    assert in_a_row.tally == 1  # …and it is one person


def test_the_page_counts_people_and_ranks_the_serious_first(tree, staff, marker):
    # Song Khê: every month held and combined with the thematic one, everybody present.
    months = [(2026, m) for m in (7, 8, 9, 10)]
    for y, m in months:
        meeting = held(tree.branch, datetime.date(y, m, 5), kind=MeetingKind.COMBINED)
        Meeting.objects.filter(pk=meeting.pk).update(actual_end=meeting.actual_start + datetime.timedelta(hours=3))
        mark(meeting, MemberFactory(branch=tree.branch), PR, marker)
    # Phú Thịnh: one person absent without reason four times in a row (a run, and grounds for removal).
    member = MemberFactory(branch=tree.sibling)
    monthly(tree.sibling, months, {member: [U, U, U, U]}, marker)
    response = staff.get(reverse("oversight:flags"), {"start": "2026-07", "end": "2026-10"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0].branch == tree.sibling and rows[0].severity == Severity.SERIOUS
    assert [row.rank_key for row in rows] == sorted(row.rank_key for row in rows)
    song_khe = next(row for row in rows if row.branch == tree.branch)
    assert Severity.ORDER[song_khe.severity] < Severity.ORDER[Severity.SERIOUS]
    html = response.content.decode()
    assert "Absent more than 3 times in a row: 1 person" in html
    assert "Absent without reason: 1 person" in html
    assert 'data-flag="removal"' in html


def test_rank_branches_orders_by_severity_then_points(tree, marker):
    rows = oversight_selectors.flags.branch_flags(
        branches=[tree.branch, tree.sibling], period=Period.ending(datetime.date(2026, 12, 1), 1), now=NOW
    )
    # Neither held its December meeting: both serious, same points, tree order kept.
    assert all(row.severity == Severity.SERIOUS for row in rows)
    assert [row.branch for row in rank_branches(rows)] == [tree.branch, tree.sibling]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
