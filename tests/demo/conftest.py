import datetime
import zoneinfo

import pytest

from members.access import system_scope

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


@pytest.fixture
def in_system_scope():
    """As the seed_demo command does: the seed and the checks act for nobody in particular."""
    with system_scope():
        yield
