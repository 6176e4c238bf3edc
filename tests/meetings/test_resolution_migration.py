"""meetings 0010: the numbers given to resolutions that never passed are taken back.

Before it, a resolution was numbered when its draft was started; now only when the minutes are
adopted with the vote passed. The data step must agree with the app's own reckoning of the vote
(selectors.minutes.vote_outcome), on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from meetings import selectors
from meetings.models import Category, Mark, Meeting, MeetingKind, MeetingStatus, Resolution

from ..factories import MemberFactory
from .conftest import at

pytestmark = pytest.mark.system_scope

BEFORE = ("meetings", "0009_adopted_records")
AFTER = ("meetings", "0010_resolution_number_at_vote")


def meeting_with_vote(old, branch, day, members, marks, votes, *, adopted=True):
    """``old``: the models as of BEFORE (today's have columns that did not exist then); ``marks``:
    one per member; ``votes``: (for, against, abstaining) or None (no minutes)."""
    meeting = old.get_model("meetings", "Meeting")._default_manager.create(
        branch_id=branch.pk,
        kind=MeetingKind.REGULAR,
        month=day.replace(day=1),
        planned_start=at(day, 19, 30),
        planned_end=at(day, 21, 30),
        place=branch.meeting_place,
        status=MeetingStatus.ADOPTED if adopted else MeetingStatus.HELD,
        actual_start=at(day, 19, 30),
        actual_end=at(day, 21, 30),
        minutes_adopted_at=at(day, 21, 30) if adopted else None,
    )
    marker = get_user_model().objects.get_or_create(username="marker")[0]
    attendance = old.get_model("meetings", "Attendance")._default_manager
    for member, mark in zip(members, marks, strict=True):
        attendance.create(
            meeting=meeting, member_id=member.pk, mark=mark, category=Category.FULL, marked_by_id=marker.pk
        )
    if votes is not None:
        old.get_model("meetings", "Minutes")._default_manager.create(
            meeting=meeting, votes_for=votes[0], votes_against=votes[1], votes_abstain=votes[2]
        )
    return meeting


def migrate(targets):
    """Migrate to ``targets``; returns the models as of there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_numbers_of_resolutions_that_did_not_pass_are_taken_back(tree):
    old = migrate([BEFORE])
    try:
        members = MemberFactory.create_batch(4, branch=tree.branch)
        exempt = MemberFactory(branch=tree.branch, exempt_since=datetime.date(2020, 1, 1))
        members_and_exempt = [*members, exempt]
        P, X, U = Mark.PRESENT, Mark.EXCUSED, Mark.UNEXCUSED
        cases = {
            # month: (marks of the four members and the exempt one, votes, adopted, passes)
            1: ([P, P, P, P, X], (4, 0, 0), True, True),
            2: ([P, P, P, P, X], (2, 2, 0), True, False),  # half of the base: not more than half
            3: ([P, P, P, P, X], None, True, False),  # no vote recorded
            4: ([P, P, P, P, X], (4, 0, 0), False, False),  # minutes not adopted
            5: ([P, P, U, U, X], (2, 0, 0), True, False),  # 2 of a base of 4 (absent without reason count)
            6: ([P, P, X, X, X], (2, 0, 0), True, True),  # 2 of a base of 2 (absent with reason do not)
            7: ([P, P, U, X, P], (3, 0, 0), True, True),  # 3 of 4: the exempt member came and voted
            8: ([P, X, U, U, P], (1, 1, 0), True, False),  # 1 of a base of 4
        }
        resolutions = old.get_model("meetings", "Resolution")._default_manager
        meetings = {}
        for month, (marks, votes, adopted, _passes) in cases.items():
            meeting = meeting_with_vote(
                old, tree.branch, datetime.date(2026, month, 5), members_and_exempt, marks, votes, adopted=adopted
            )
            resolutions.create(
                meeting=meeting,
                branch_id=tree.branch.pk,
                number=month,
                year=2026,
                series_start=datetime.date(2026, 1, 1),
                title=f"Tháng {month}",
            )
            meetings[month] = meeting.pk
        other = resolutions.create(
            meeting=old.get_model("meetings", "Meeting")._default_manager.create(
                branch_id=tree.sibling.pk,
                kind=MeetingKind.REGULAR,
                month=datetime.date(2026, 3, 1),
                planned_start=at(datetime.date(2026, 3, 5), 19, 30),
                planned_end=at(datetime.date(2026, 3, 5), 21, 30),
            ),
            branch_id=tree.sibling.pk,
            number=1,
            year=2026,
            series_start=datetime.date(2026, 1, 1),
            title="Chưa họp",
        )
    finally:
        migrate([AFTER])  # the data step under test
        migrate(latest())  # then today's tables, for the checks below and the tests after

    for month, (_marks, _votes, adopted, passes) in cases.items():
        resolution = Resolution.objects.get(meeting_id=meetings[month])
        assert (resolution.number == month) is passes, month
        assert resolution.number is None or resolution.number == month  # kept as issued, gaps and all
        outcome = selectors.minutes.vote_outcome(Meeting.objects.get(pk=meetings[month]))
        assert passes is bool(adopted and outcome is not None and outcome.passed), month
    assert Resolution.objects.get(pk=other.pk).number is None
