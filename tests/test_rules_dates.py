"""Plausible dates and bounded integers: refused at the form, the service and (where it matters)
the database, instead of saving and then answering 500."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings import services
from meetings.models import Meeting, MeetingKind, MeetingStatus, Resolution
from members.dates import plausible_date

from .factories import MemberFactory
from .meetings.test_resolution_numbering import passed_resolution

pytestmark = pytest.mark.system_scope

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 11, 26, 9, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day, hour=19, minute=30):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (datetime.date(1, 1, 1), False),
        (datetime.date(1899, 12, 31), False),
        (datetime.date(1900, 1, 1), True),
        (datetime.date(2031, 11, 26), True),  # today + 5 years
        (datetime.date(2031, 11, 27), False),
    ],
)
def test_plausible_date(day, ok):
    if ok:
        plausible_date(day)
    else:
        with pytest.raises(ValidationError):
            plausible_date(day)


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2099-01-01"])
def test_meeting_form_refuses_an_implausible_day(tree, staff, day):
    response = staff.post(
        "/meetings/new/",
        {"branch": tree.branch.pk, "kind": MeetingKind.REGULAR, "day": day, "start_time": "19:30", "end_time": "21:30"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["day"]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("year", [1, 1899, 2040])
def test_meeting_services_refuse_an_implausible_day(tree, year):
    day = datetime.date(year, 3, 5)
    with pytest.raises(ValidationError):
        services.schedule.meeting_create(branch=tree.branch, planned_start=at(day), planned_end=at(day, 21))
    meeting = services.schedule.meeting_create(
        branch=tree.branch, planned_start=at(datetime.date(2026, 12, 5)), planned_end=at(datetime.date(2026, 12, 5), 21)
    )
    with pytest.raises(ValidationError):
        services.schedule.meeting_move(meeting=meeting, new_start=at(day), reason="gõ nhầm", by=None)


def test_the_database_refuses_a_meeting_in_year_one(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            branch=tree.branch,
            month=datetime.date(1, 1, 1),
            planned_start=datetime.datetime(1, 1, 1, 19, tzinfo=datetime.UTC),
            planned_end=datetime.datetime(1, 1, 1, 21, tzinfo=datetime.UTC),
        )


def test_a_meeting_cannot_be_recorded_held_before_it_starts(tree):
    meeting = services.schedule.meeting_create(
        branch=tree.branch,
        planned_start=at(datetime.date(2026, 11, 26), 8),
        planned_end=at(datetime.date(2026, 11, 26), 10),
    )
    with pytest.raises(ValidationError) as error:
        services.schedule.meeting_mark_held(
            meeting=meeting,
            actual_start=at(datetime.date(2026, 11, 26), 10),
            actual_end=at(datetime.date(2026, 11, 26), 11),
            by=None,
        )
    assert error.value.code == "held_before_start"
    # Started at 8:00 and running until 10:00: it may be recorded now, at 9:00.
    services.schedule.meeting_mark_held(
        meeting=meeting,
        actual_start=at(datetime.date(2026, 11, 26), 8),
        actual_end=at(datetime.date(2026, 11, 26), 10),
        by=None,
    )
    with pytest.raises(ValidationError):  # nor logged as held when it is still to come
        services.schedule.meeting_create(
            branch=tree.sibling,
            planned_start=at(datetime.date(2026, 12, 5)),
            planned_end=at(datetime.date(2026, 12, 5), 21),
            held=True,
        )


def test_minutes_cannot_be_adopted_before_the_meeting_was_held(tree):
    chair, taker = MemberFactory.create_batch(2, branch=tree.branch)
    meeting = Meeting.objects.create(
        branch=tree.branch,
        month=datetime.date(2026, 11, 1),
        status=MeetingStatus.HELD,
        planned_start=at(datetime.date(2026, 11, 26), 10),
        planned_end=at(datetime.date(2026, 11, 26), 12),
        actual_start=at(datetime.date(2026, 11, 26), 10),
        actual_end=at(datetime.date(2026, 11, 26), 12),
        chair=chair,
        minute_taker=taker,
    )
    with pytest.raises(ValidationError) as error:
        services.minutes.minutes_adopt(meeting=meeting, by=None)
    assert error.value.code == "adopted_before_held"
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(minutes_adopted_at=at(datetime.date(2026, 11, 25)))


def test_member_form_refuses_a_birth_date_in_year_one(tree, staff):
    member = MemberFactory(branch=tree.branch)
    response = staff.post(
        f"/members/{member.pk}/edit/",
        {"full_name": member.full_name, "branch": tree.branch.pk, "status": "full", "date_of_birth": "0001-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"]


def test_a_resolution_number_over_the_integer_range_is_a_form_error_not_a_500(tree, secretary):
    meeting = services.schedule.meeting_create(
        branch=tree.branch, planned_start=at(datetime.date(2026, 12, 5)), planned_end=at(datetime.date(2026, 12, 5), 21)
    )
    resolution = passed_resolution(meeting)  # numbered: only then is there a number to type
    response = secretary.post(
        f"/meetings/{meeting.pk}/resolution/",
        {"version": resolution.version, "number": "2147483648", "title": resolution.title},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["number"]
    with pytest.raises(ValidationError):
        services.resolution.resolution_save(
            resolution=resolution,
            number=10000,
            title=resolution.title,
            results="",
            implementation="",
            assessment="",
            recipients="",
            expected_version=resolution.version,
            by=None,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.filter(pk=resolution.pk).update(number=2147483647)


def test_a_task_deadline_in_year_one_is_refused(tree, secretary):
    meeting = services.schedule.meeting_create(
        branch=tree.branch, planned_start=at(datetime.date(2026, 12, 5)), planned_end=at(datetime.date(2026, 12, 5), 21)
    )
    resolution = services.resolution.resolution_for(meeting)
    response = secretary.post(
        f"/meetings/{meeting.pk}/resolution/tasks/",
        {"description": "x", "lead": "y", "deadline": "0001-01-01", "report_at": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors["deadline"]
    with pytest.raises(ValidationError):
        services.resolution.task_save(
            resolution=resolution, description="x", lead="y", deadline=datetime.date(1899, 1, 1), by=None
        )
