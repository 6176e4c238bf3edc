"""Carry-forward: section I reviews the tasks of the previous REGULAR meeting's resolution that
passed; a carried task takes a new deadline; "report back at" offers the next regular meeting
before it exists."""

import datetime
import zoneinfo

import pytest

from meetings import selectors, services
from meetings.models import Meeting, MeetingKind, MeetingStatus, Task, TaskOutcome

from .meetings.test_resolution_numbering import passed_resolution

pytestmark = pytest.mark.system_scope

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def meeting_on(branch, day, kind=MeetingKind.REGULAR, **fields):
    start = datetime.datetime(day.year, day.month, day.day, 19, 30, tzinfo=TZ)
    return Meeting.objects.create(
        branch=branch,
        kind=kind,
        month=day.replace(day=1),
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=2),
        **fields,
    )


@pytest.fixture
def november(tree):
    meeting = meeting_on(tree.branch, datetime.date(2026, 11, 5))
    resolution = passed_resolution(meeting)
    for n, deadline in enumerate((datetime.date(2026, 11, 30), datetime.date(2027, 2, 28))):
        services.resolution.task_save(
            resolution=resolution, description=f"Việc {n}", lead="Chi ủy", deadline=deadline, by=None
        )
    return meeting


def test_an_extraordinary_meeting_in_between_does_not_hide_last_months_tasks(tree, november):
    extraordinary = meeting_on(tree.branch, datetime.date(2026, 11, 20), kind=MeetingKind.EXTRAORDINARY)
    services.resolution.task_save(
        resolution=services.resolution.resolution_for(extraordinary), description="Việc đột xuất", lead="X", by=None
    )
    december = meeting_on(tree.branch, datetime.date(2026, 12, 5))
    reviewed = selectors.resolution.tasks_to_review(december)
    assert [t.description for t in reviewed] == ["Việc 0", "Việc 1"]
    # The extraordinary meeting itself reviews nothing of November's (only tasks due back at it).
    assert selectors.resolution.tasks_to_review(extraordinary) == []


def test_a_cancelled_regular_meeting_is_skipped(tree, november):
    cancelled = meeting_on(tree.branch, datetime.date(2026, 12, 5), status=MeetingStatus.CANCELLED)
    services.resolution.resolution_for(cancelled)
    january = meeting_on(tree.branch, datetime.date(2027, 1, 5))
    assert selectors.resolution.previous_resolution(january).meeting == november


def test_a_carried_task_takes_its_new_deadline(tree, november):
    december = meeting_on(tree.branch, datetime.date(2026, 12, 5))
    into = services.resolution.resolution_for(december)
    long_task = Task.objects.get(description="Việc 1")
    services.resolution.tasks_review(
        meeting=december, outcomes={long_task.pk: (TaskOutcome.IN_PROGRESS, "Đạt 50%")}, by=None
    )
    carried = services.resolution.task_carry(
        task=long_task, into=into, deadline=datetime.date(2027, 3, 31), by=None, today=datetime.date(2026, 12, 5)
    )
    assert carried.deadline == datetime.date(2027, 3, 31)
    assert carried.carried_from == long_task
    long_task.refresh_from_db()
    assert long_task.deadline == datetime.date(2027, 2, 28)  # last month's stays as it was


def test_report_back_offers_the_next_regular_meeting_before_it_exists(tree, november, secretary):
    url = f"/meetings/{november.pk}/resolution/tasks/"
    page = secretary.get(url)
    choices = dict(page.context["form"].fields["report_at"].choices)
    # Song Khê meets on the 5th: December's meeting is expected on 05/12/2026.
    assert "05/12/2026" in choices["next"]
    assert page.context["form"]["report_at"].value() == "next"
    response = secretary.post(
        url, {"description": "Sửa đường", "lead": "Trưởng thôn", "deadline": "2026-12-20", "report_at": "next"}
    )
    assert response.status_code == 302
    task = Task.objects.get(description="Sửa đường")
    december = task.report_at
    assert (december.kind, december.month, december.day) == (
        MeetingKind.REGULAR,
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 5),
    )
    # Now it exists: offered as itself, and a second task reports at the same meeting.
    page = secretary.get(url)
    assert "next" not in dict(page.context["form"].fields["report_at"].choices)
    assert page.context["form"]["report_at"].value() == str(december.pk)
    assert selectors.resolution.tasks_to_review(december)[-1] == task


def test_next_meeting_expected_day_moves_off_tet(tree):
    january = meeting_on(tree.branch, datetime.date(2027, 1, 5))
    day, note = selectors.schedule.expected_regular_day(january)
    assert day == datetime.date(2027, 2, 3)  # 05/02/2027 is New Year's Eve
    assert "05/02/2027" in note
