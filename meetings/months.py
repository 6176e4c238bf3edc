"""Month arithmetic for meetings: months are dates on their first day, in local time."""

from __future__ import annotations

import datetime

from django.utils import timezone


def quarter_start(month: datetime.date) -> datetime.date:
    return datetime.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def previous_month(month: datetime.date) -> datetime.date:
    return add_months(first_of_month(month), -1)


def local_datetime(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def month_of(moment: datetime.datetime) -> datetime.date:
    return first_of_month(timezone.localtime(moment).date())
