"""Reads for planning meetings: the branch's usual day in a month, moved off holidays."""

from __future__ import annotations

import calendar as month_calendar
import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from meetings.models import HolidayShift, Meeting, MeetingRules
from meetings.months import add_months
from members.models import Organization
from workdays import calendar


def regular_meeting_day(branch: Organization, month: datetime.date) -> datetime.date | None:
    """The branch's regular meeting day in a month (day 5, first Saturday, …)."""
    return branch.meeting_date(month.year, month.month)


def avoid_holidays(
    day: datetime.date, rules: MeetingRules, branch: Organization | None = None
) -> tuple[datetime.date, str]:
    """The day a regular meeting is planned for instead of ``day``, and why ("" when it stays).

    Branches do not meet on a public holiday or in a holiday break such as Tết (weekends inside
    the break included), nor on a day off of their commune (``branch``): the meeting moves to
    the nearest working day before the break, or after it, as the commune prefers
    (``MeetingRules.holiday_shift``), but never out of its month: the other side is taken when
    the preferred one would leave it (``workdays.calendar.move_off_break``). One query."""
    earlier = rules.holiday_shift != HolidayShift.AFTER
    moved, run = calendar.move_off_break(day, earlier=earlier, organization=branch)
    if not run:
        return day, ""
    language = translation.get_language() or "vi"
    # The day's own holiday, else the break's (a weekend inside Tết has no name of its own).
    names = [name for d in [day, *run] if (name := calendar.holiday_name(d, language))]
    note = _("Moved from %(day)s (%(holiday)s) to %(moved)s: branches do not meet on holidays.") % {
        "day": day.strftime("%d/%m/%Y"),
        "holiday": names[0] if names else _("holiday break"),
        "moved": moved.strftime("%d/%m/%Y"),
    }
    return moved, note


def planned_regular_day(
    branch: Organization, month: datetime.date, rules: MeetingRules
) -> tuple[datetime.date | None, str]:
    """The day the scheduler plans the branch's regular meeting of the month, and the note saying
    why it is not the usual day (``avoid_holidays``); (None, "") when the branch has no rule."""
    day = regular_meeting_day(branch, month)
    if day is None:
        return None, ""
    return avoid_holidays(day, rules, branch)


def expected_regular_day(meeting: Meeting) -> tuple[datetime.date, str]:
    """The day the branch's regular meeting of the month after ``meeting`` is expected: the
    branch's rule (``planned_regular_day``), else the same day of the next month; moved off
    holidays either way. Two queries (the rules, the announced days)."""
    month = add_months(meeting.month, 1)
    rules = MeetingRules.objects.for_branch(meeting.branch)
    day, note = planned_regular_day(meeting.branch, month, rules)
    if day is None:
        last = month_calendar.monthrange(month.year, month.month)[1]
        day, note = avoid_holidays(month.replace(day=min(meeting.day.day, last)), rules, meeting.branch)
    return day, note
