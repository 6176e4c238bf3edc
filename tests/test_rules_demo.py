"""The demo shows the whole cycle: adopted meetings with minutes and a resolution whose tasks carry
forward, a temporarily transferred member, an exempt member, and a month whose vote did not pass."""

import datetime
import zoneinfo

import pytest
import time_machine

from demo.meetings import PHU_THINH, SONG_KHE, seed_meetings_demo
from demo.members import seed_demo
from meetings import counting, selectors
from meetings.models import REGULAR_KINDS, Meeting, MeetingStatus, Minutes, Resolution, Task
from members.models import Member, Organization

pytestmark = pytest.mark.system_scope

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def demo(db):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=TZ), tick=False):
        seed_demo(today=TODAY)
        seed_meetings_demo(today=TODAY)
        yield


def test_the_demo_shows_the_whole_cycle(demo):
    song_khe = Organization.objects.get(code=SONG_KHE)
    phu_thinh = Organization.objects.get(code=PHU_THINH)
    adopted = Meeting.objects.filter(status=MeetingStatus.ADOPTED, kind__in=REGULAR_KINDS)
    assert adopted.exists()
    for meeting in adopted:
        assert Minutes.objects.filter(meeting=meeting, votes_for__isnull=False, score_total__isnull=False).exists()
        assert Resolution.objects.filter(meeting=meeting).exists()
        assert Task.objects.filter(resolution__meeting=meeting).exists()

    # Tasks carry forward month to month, with new deadlines (not before the meeting), through the review.
    carried = Task.objects.filter(carried_from__isnull=False, resolution__branch=song_khe)
    assert carried.exists()
    assert all(task.deadline and task.deadline >= task.resolution.meeting.day for task in carried)
    latest = adopted.filter(branch=song_khe).order_by("-planned_start").first()
    reviewed = selectors.resolution.tasks_to_review(latest)
    assert reviewed and all(task.outcome != "pending" for task in reviewed)

    # A member temporarily transferred to Phú Thịnh: not expected at home, attached there.
    away = Member.objects.get(branch=song_khe, away_from__isnull=False)
    assert away.away_branch == phu_thinh and away.left_on is None
    home = adopted.filter(branch=song_khe).order_by("-planned_start").first()
    assert away not in selectors.roll.expected_members(home)
    there = Meeting.objects.filter(branch=phu_thinh, kind__in=REGULAR_KINDS).order_by("-planned_start").first()
    entry = next(e for e in selectors.roll.roll_sheet(there).entries if e.member.pk == away.pk)
    assert entry.category == "attached"

    # Exempt members are on the register and out of the number expected.
    assert Member.objects.filter(branch=song_khe, exempt_since__isnull=False).exists()

    # One month at Song Khê: exactly half of the voting base in favour, so not passed.
    outcomes = [
        selectors.minutes.vote_outcome(m) for m in Meeting.objects.filter(branch=song_khe, kind__in=REGULAR_KINDS)
    ]
    failed = [o for o in outcomes if o is not None and not o.passed]
    assert len(failed) == 1 and failed[0].votes_for * 2 == failed[0].base - failed[0].base % 2
    assert isinstance(failed[0], counting.VoteResult)
    # Its resolution has no number (numbered only when passed); the next month reviews the one before.
    regular = Meeting.objects.filter(branch=song_khe, kind__in=REGULAR_KINDS).order_by("planned_start")
    numbers = {m: Resolution.objects.filter(meeting=m).values_list("number", flat=True).first() for m in regular}
    voted_down = next(m for m in regular if (o := selectors.minutes.vote_outcome(m)) and not o.passed)
    assert numbers[voted_down] is None
    assert all(n is not None for m, n in numbers.items() if m != voted_down and m.status == MeetingStatus.ADOPTED)
    after = regular.filter(planned_start__gt=voted_down.planned_start).first()
    assert selectors.resolution.previous_resolution(after).meeting.planned_start < voted_down.planned_start


def test_the_demo_is_still_idempotent(demo):
    before = (Resolution.objects.count(), Task.objects.count(), Minutes.objects.count())
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=TZ), tick=False):
        seed_meetings_demo(today=TODAY)
    assert (Resolution.objects.count(), Task.objects.count(), Minutes.objects.count()) == before
