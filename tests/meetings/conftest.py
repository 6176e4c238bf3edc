import datetime
import zoneinfo

import pytest

from meetings.models import Meeting, MeetingKind

from ..factories import MemberFactory

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def make_meeting(branch, day=datetime.date(2026, 12, 5), kind=MeetingKind.REGULAR, **fields) -> Meeting:
    return Meeting.objects.create(
        branch=branch,
        kind=kind,
        month=day.replace(day=1),
        planned_start=fields.pop("planned_start", at(day, 19, 30)),
        planned_end=fields.pop("planned_end", at(day, 21, 30)),
        place=fields.pop("place", branch.meeting_place),
        **fields,
    )


@pytest.fixture
def meeting(tree):
    """Song Khê's regular meeting of December 2026 (5/12/2026, 19:30–21:30)."""
    return make_meeting(tree.branch)


@pytest.fixture
def other_meeting(tree):
    """A meeting of Tổ dân phố số 7, in another commune."""
    return make_meeting(tree.other_branch)


@pytest.fixture
def song_khe_members(tree):
    return MemberFactory.create_batch(10, branch=tree.branch)
