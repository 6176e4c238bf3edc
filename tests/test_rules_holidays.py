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

pytestmark = pytest.mark.system_scope

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
        (D(2026, 9, 2), D(2026, 9, 3)),  # Quốc khánh: 31/8 (bridge), 1/9, 2/9 off; 28/8 is August
        (D(2027, 4, 30), D(2027, 4, 29)),  # 30/4 Friday
        (D(2027, 1, 1), D(2027, 1, 4)),  # New Year's Day, a Friday: 31/12 would be last year's
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


# --- A meeting moved off a holiday stays in its month (issue 20) -----------------------------


def branch_meeting_on(tree, day_of_month, name="Chi bộ ngày đầu tháng"):
    return make_org(name, OrganizationKind.BRANCH, tree.commune, branch_type="village", meeting_day=day_of_month)


def test_a_may_meeting_on_1_may_moves_later_not_into_april(tree):
    """30/04 (Thursday) and 01/05 (Friday) 2026 are holidays: the working day before is 29/04,
    April's; May's meeting goes to Monday 4 May."""
    branch = branch_meeting_on(tree, 1)
    services.schedule.schedule_regular_meetings(months_ahead=0, today=D(2026, 5, 1))
    day, note = planned(branch, D(2026, 5, 1))
    assert day == D(2026, 5, 4)
    assert "01/05/2026" in note and "04/05/2026" in note


@pytest.mark.parametrize(
    ("day", "shift", "moved"),
    [
        (D(2026, 5, 1), HolidayShift.BEFORE, D(2026, 5, 4)),
        (D(2027, 5, 1), HolidayShift.BEFORE, D(2027, 5, 4)),  # Saturday; 03/05 observed
        (D(2026, 4, 30), HolidayShift.BEFORE, D(2026, 4, 29)),  # earlier stays in April
        (D(2026, 4, 30), HolidayShift.AFTER, D(2026, 4, 29)),  # later would be May: earlier
        (D(2027, 1, 1), HolidayShift.AFTER, D(2027, 1, 4)),
        (D(2027, 2, 5), HolidayShift.BEFORE, D(2027, 2, 3)),  # Tết: earlier stays in February
    ],
)
def test_the_moved_day_never_leaves_the_month(tree, day, shift, moved):
    assert selectors.schedule.avoid_holidays(day, MeetingRules(holiday_shift=shift))[0] == moved


def test_a_january_meeting_on_new_years_day_stays_in_january(tree):
    branch = branch_meeting_on(tree, 1)
    services.schedule.schedule_regular_meetings(months_ahead=0, today=D(2027, 1, 1))
    day, note = planned(branch, D(2027, 1, 1))
    assert day == D(2027, 1, 4)  # not Thursday 31/12/2026
    assert "01/01/2027" in note


def test_the_expected_next_meeting_stays_in_its_month(tree):
    """The resolution's "next meeting" for a branch without a rule: the same day next month."""
    branch = make_org("Chi bộ không có lịch", OrganizationKind.BRANCH, tree.commune, branch_type="village")
    april = Meeting.objects.create(
        branch=branch,
        kind="regular",
        month=D(2026, 4, 1),
        planned_start=datetime.datetime(2026, 4, 1, 19, 30, tzinfo=TZ),
        planned_end=datetime.datetime(2026, 4, 1, 21, 30, tzinfo=TZ),
    )
    assert selectors.schedule.expected_regular_day(april)[0] == D(2026, 5, 4)


def test_a_communes_own_day_off_moves_only_its_branches_meetings(tree):
    """Tam Hưng's village festival on Saturday 05/12/2026: Song Khê (on the 5th) moves to Friday
    04/12; a branch of phường Đức Thắng meeting on the 5th does not."""
    AnnouncedDay.objects.create(
        day=D(2026, 12, 5), kind=AnnouncedDayKind.DAY_OFF, organization=tree.commune, note="Lễ hội làng"
    )
    tree.other_branch.meeting_day = 5
    tree.other_branch.save()
    services.schedule.schedule_regular_meetings(months_ahead=0, today=D(2026, 12, 1))
    day, note = planned(tree.branch, D(2026, 12, 1))
    assert day == D(2026, 12, 4) and "05/12/2026" in note
    assert planned(tree.other_branch, D(2026, 12, 1)) == (D(2026, 12, 5), "")


def test_a_make_up_saturday_is_a_working_day_for_the_scheduler(tree):
    """A branch meeting on the 22nd stays on Saturday 22/08/2026, a make-up working day; the
    deadline counting sees it too."""
    assert selectors.schedule.avoid_holidays(D(2026, 8, 22), MeetingRules(), tree.branch) == (D(2026, 8, 22), "")
    assert calendar.is_working_day(D(2026, 8, 22), organization=tree.branch)
