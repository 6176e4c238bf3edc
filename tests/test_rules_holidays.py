"""The scheduler never plans a regular meeting on a public holiday or in the Tết break."""

import datetime
import zoneinfo

import pytest
import time_machine

from meetings import selectors, services, tasks
from meetings.models import HolidayShift, Meeting, MeetingRules
from members.models import OrganizationKind, Weekday, WeekOfMonth
from workdays import calendar
from workdays.models import AnnouncedDay, AnnouncedDayKind

from .factories import make_org

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


def planned(branch, month):
    meeting = Meeting.objects.get(branch=branch, month=month)
    return timezone_day(meeting), meeting.schedule_note


def timezone_day(meeting):
    return meeting.planned_start.astimezone(TZ).date()


def test_new_years_eve_2027_moves_to_the_working_day_before(tree):
    # Song Khê meets on the 5th: 05/02/2027 is Lunar New Year's Eve (giao thừa).
    services.schedule.schedule_regular_meetings(months_ahead=0, today=D(2027, 2, 1))
    day, note = planned(tree.branch, D(2027, 2, 1))
    assert day == D(2027, 2, 3)  # the Tết break runs Thursday 4 to Wednesday 10 February
    assert "05/02/2027" in note and "03/02/2027" in note
    assert "Tết" in note or "Lunar New Year" in note


def test_the_commune_may_prefer_the_working_day_after(tree):
    MeetingRules.objects.create(organization=tree.commune, holiday_shift=HolidayShift.AFTER)
    services.schedule.schedule_regular_meetings(months_ahead=0, today=D(2027, 2, 1))
    day, _note = planned(tree.branch, D(2027, 2, 1))
    assert day == D(2027, 2, 11)


def test_a_saturday_inside_the_tet_break_moves_too(tree):
    branch = make_org(
        "Chi bộ thứ bảy",
        OrganizationKind.BRANCH,
        tree.commune,
        branch_type="village",
        meeting_weekday=Weekday.SATURDAY,
        meeting_week=WeekOfMonth.FIRST,
    )
    services.schedule.schedule_regular_meetings(months_ahead=0, today=D(2027, 2, 1))
    day, note = planned(branch, D(2027, 2, 1))  # first Saturday: 06/02/2027, Tết's first day
    assert day == D(2027, 2, 3) and note


def test_an_ordinary_weekend_and_a_working_day_stay(tree):
    services.schedule.schedule_regular_meetings(months_ahead=0, today=D(2026, 12, 1))
    day, note = planned(tree.branch, D(2026, 12, 1))
    assert (day, note) == (D(2026, 12, 5), "")  # a Saturday, no holiday near


@pytest.mark.parametrize(
    ("day", "moved"),
    [
        (D(2026, 9, 2), D(2026, 8, 28)),  # Quốc khánh: 31/8 (bridge), 1/9 and 2/9 off
        (D(2027, 4, 30), D(2027, 4, 29)),  # 30/4 Friday
        (D(2027, 1, 1), D(2026, 12, 31)),  # New Year's Day
    ],
)
def test_public_holidays_move(tree, day, moved):
    assert selectors.schedule.avoid_holidays(day, MeetingRules())[0] == moved


def test_an_announced_day_off_moves_the_meeting(tree):
    AnnouncedDay.objects.create(day=D(2026, 12, 7), kind=AnnouncedDayKind.DAY_OFF, note="Nghỉ bù")
    assert calendar.holiday_break(D(2026, 12, 7)) == [D(2026, 12, 5), D(2026, 12, 6), D(2026, 12, 7)]
    assert selectors.schedule.avoid_holidays(D(2026, 12, 7), MeetingRules())[0] == D(2026, 12, 4)


def test_tet_days_off_as_the_calendar_counts_them():
    assert [d for d in (D(2027, 2, 3) + datetime.timedelta(days=n) for n in range(9)) if calendar.is_tet(d)] == [
        D(2027, 2, 4),
        D(2027, 2, 5),
        D(2027, 2, 6),
        D(2027, 2, 7),
        D(2027, 2, 8),
        D(2027, 2, 9),
        D(2027, 2, 10),
    ]


def test_the_periodic_task_plans_around_tet(tree):
    with time_machine.travel(datetime.datetime(2027, 1, 15, 1, tzinfo=TZ), tick=False):
        tasks.schedule_regular_meetings(months_ahead=1)
    day, note = planned(tree.branch, D(2027, 2, 1))
    assert day == D(2027, 2, 3) and "05/02/2027" in note
    meeting = Meeting.objects.get(branch=tree.branch, month=D(2027, 2, 1))
    assert meeting.planned_start.astimezone(TZ).time() == datetime.time(19, 30)


def test_the_meeting_page_says_why_it_moved(tree, staff):
    services.schedule.schedule_regular_meetings(months_ahead=0, today=D(2027, 2, 1))
    meeting = Meeting.objects.get(branch=tree.branch, month=D(2027, 2, 1))
    page = staff.get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert 'id="schedule-note"' in page.content.decode()
