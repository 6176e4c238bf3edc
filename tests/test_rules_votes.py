"""The vote on the resolution: the voting base of Quy định 24-QĐ/TW §9.3.2 and "more than half"."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meetings import counting, selectors, services
from meetings.models import Attendance, Category, Mark, Meeting, MeetingKind, Minutes
from members.models import LeaveReason, MemberStatus

from .factories import MemberFactory, UserFactory

pytestmark = pytest.mark.system_scope

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DAY = datetime.date(2026, 12, 5)


def at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


@pytest.fixture
def meeting(tree):
    return Meeting.objects.create(
        branch=tree.branch,
        kind=MeetingKind.REGULAR,
        month=DAY.replace(day=1),
        planned_start=at(DAY, 19, 30),
        planned_end=at(DAY, 21, 30),
    )


@pytest.fixture
def marker(db):
    return UserFactory(username="marker")


def mark(meeting, member, how, by, category=Category.FULL):
    Attendance.objects.create(meeting=meeting, member=member, mark=how, category=category, marked_by=by)


def full_members(branch, count, **fields):
    return MemberFactory.create_batch(count, branch=branch, **fields)


def test_base_is_full_members_less_excused_exempt_absent_and_transferred(tree, meeting, marker):
    present = full_members(tree.branch, 6)
    for member in present:
        mark(meeting, member, Mark.PRESENT, marker)
    [unexcused] = full_members(tree.branch, 1)
    mark(meeting, unexcused, Mark.UNEXCUSED, marker)  # stays in the base
    [excused] = full_members(tree.branch, 1)
    mark(meeting, excused, Mark.EXCUSED, marker)  # absent with an accepted reason: out
    full_members(tree.branch, 1, exempt_since=datetime.date(2020, 1, 1))  # exempt and absent: out
    [exempt_came] = full_members(tree.branch, 1, exempt_since=datetime.date(2020, 1, 1))
    mark(meeting, exempt_came, Mark.PRESENT, marker)  # exempt who attends: in, and votes
    full_members(tree.branch, 1, away_from=datetime.date(2026, 11, 1), away_branch=tree.sibling)  # away: out
    [probationary] = full_members(tree.branch, 1, status=MemberStatus.PROBATIONARY, full_member_on=None)
    mark(meeting, probationary, Mark.PRESENT, marker, Category.PROBATIONARY)  # does not vote
    counts = selectors.roll.count_roll(meeting)
    assert (counts.voting_base, counts.voters) == (8, 7)
    assert selectors.minutes.voting_base(meeting) == 8
    assert selectors.minutes.voters(meeting) == 7


def test_a_member_who_left_for_good_never_votes_even_if_marked_present(tree, meeting, marker):
    for member in full_members(tree.branch, 3):
        mark(meeting, member, Mark.PRESENT, marker)
    [gone] = full_members(tree.branch, 1, left_on=datetime.date(2026, 11, 20), leave_reason=LeaveReason.TRANSFER)
    mark(meeting, gone, Mark.PRESENT, marker)
    counts = selectors.roll.count_roll(meeting)
    assert counts.present == 4  # they came, and count as present
    assert (counts.voting_base, counts.voters) == (3, 3)


@pytest.mark.parametrize(
    ("votes_for", "passed"),
    [(5, False), (6, True)],  # base 10: exactly half is not more than half
)
def test_more_than_half_of_the_base_must_vote_for(tree, meeting, marker, votes_for, passed):
    members = full_members(tree.branch, 10)
    for member in members[:8]:
        mark(meeting, member, Mark.PRESENT, marker)
    for member in members[8:]:
        mark(meeting, member, Mark.UNEXCUSED, marker)  # absent without reason: still in the base
    minutes = services.minutes.minutes_for(meeting)
    services.minutes.minutes_save(
        minutes=minutes,
        opening="",
        closing="",
        votes_for=votes_for,
        votes_against=8 - votes_for,
        votes_abstain=0,
        expected_version=minutes.version,
        by=marker,
    )
    result = selectors.minutes.vote_outcome(meeting)
    assert (result.base, result.voters, result.votes_for, result.needed) == (10, 8, votes_for, 6)
    assert result.passed is passed
    assert result.verdict == ("thông qua" if passed else "không thông qua")


def test_no_vote_recorded_has_no_outcome(meeting):
    assert selectors.minutes.vote_outcome(meeting) is None
    Minutes.objects.create(meeting=meeting)
    assert selectors.minutes.vote_outcome(meeting) is None


@pytest.mark.parametrize(
    "votes",
    [(3, 0, 0), (2, 1, 2), (5, -1, 0), (4, None, 0)],
    ids=["short", "over", "negative", "incomplete"],
)
def test_the_service_refuses_a_vote_that_does_not_add_up(tree, meeting, marker, votes):
    for member in full_members(tree.branch, 4):
        mark(meeting, member, Mark.PRESENT, marker)
    minutes = services.minutes.minutes_for(meeting)
    with pytest.raises(ValidationError):
        services.minutes.minutes_save(
            minutes=minutes,
            opening="",
            closing="",
            votes_for=votes[0],
            votes_against=votes[1],
            votes_abstain=votes[2],
            expected_version=minutes.version,
            by=marker,
        )
    minutes.refresh_from_db()
    assert minutes.votes_for is None and minutes.version == 1


def test_adoption_refuses_a_vote_the_roll_no_longer_adds_up_to(tree, meeting, marker):
    members = full_members(tree.branch, 4)
    for member in members:
        mark(meeting, member, Mark.PRESENT, marker)
    minutes = services.minutes.minutes_for(meeting)
    services.minutes.minutes_save(
        minutes=minutes,
        opening="",
        closing="",
        votes_for=4,
        votes_against=0,
        votes_abstain=0,
        expected_version=minutes.version,
        by=marker,
    )
    Attendance.objects.filter(member=members[0]).update(mark=Mark.EXCUSED)  # corrected afterwards
    Meeting.objects.filter(pk=meeting.pk).update(
        status="held",
        actual_start=at(DAY, 19, 30),
        actual_end=at(DAY, 21, 30),
        chair=members[1],
        minute_taker=members[2],
    )
    meeting.refresh_from_db()
    with time_machine.travel(at(DAY, 21, 30), tick=False), pytest.raises(ValidationError) as error:
        services.minutes.minutes_adopt(meeting=meeting, by=marker)
    assert error.value.code == "vote_sum"


def test_vote_result_reads_any_counts_with_voters_and_base():
    counts = counting.RollCounts(voters=3, voting_base=5)
    result = counting.vote_result(votes_for=3, votes_against=0, votes_abstain=0, counts=counts)
    assert result.passed and result.needed == 3
    assert counting.vote_result(votes_for=None, votes_against=None, votes_abstain=None, counts=counts) is None


@time_machine.travel(at(DAY, 21, 30), tick=False)
def test_the_adopt_page_says_whether_the_resolution_passed(tree, meeting, marker, staff):
    members = full_members(tree.branch, 4)
    for member in members[:2]:
        mark(meeting, member, Mark.PRESENT, marker)
    for member in members[2:]:
        mark(meeting, member, Mark.UNEXCUSED, marker)
    minutes = services.minutes.minutes_for(meeting)
    services.minutes.minutes_save(
        minutes=minutes,
        opening="",
        closing="",
        votes_for=2,
        votes_against=0,
        votes_abstain=0,
        expected_version=minutes.version,
        by=marker,
    )
    page = staff.get(f"/meetings/{meeting.pk}/minutes/adopt/")
    assert page.status_code == 200
    assert 'data-passed="no"' in page.content.decode()  # 2 of a base of 4: exactly half
