"""The demo (issue 20): no meeting with a member absent more than the limit in a row is Tốt
(Phú Thịnh 05/12/2026 flagged "Bùi Thị Hà (6)" and was Tốt)."""

import datetime

import pytest
import time_machine

from demo.meetings import seed_meetings_demo
from demo.members import seed_demo
from meetings import counting, selectors
from meetings.models import Meeting, MeetingRules
from meetings.models.minutes import ScoreLevel

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.system_scope]

TODAY = datetime.date(2026, 12, 20)


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_no_demo_meeting_with_a_long_run_of_absences_is_good():
    with time_machine.travel(at(TODAY, 9), tick=False):
        seed_demo(today=TODAY)
        seed_meetings_demo(today=TODAY)
    checked = 0
    for meeting in Meeting.objects.filter(minutes__score_level=ScoreLevel.GOOD).select_related("branch"):
        counts = selectors.roll.count_roll(meeting)
        limit = MeetingRules.objects.for_branch(meeting.branch).max_absences_in_row
        runs = selectors.roll.absences_in_a_row(meeting.branch, meeting, [a.member_id for a in counts.absentees])
        assert counting.runs_over_the_limit(counts.absentees, runs, limit) == [], meeting
        checked += 1
    assert checked
