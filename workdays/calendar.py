"""Working days in Vietnam: Monday to Friday, less public holidays and announced days off,
plus the Saturdays (or Sundays) the government announces as make-up working days.

Public holidays come from the ``holidays`` package, which knows Tết and Giỗ Tổ Hùng Vương by
the lunar calendar and names the make-up working days it knows of (Saturday 22/08/2026, worked
for Monday 31/08); each year's further days off and make-up days are data (``AnnouncedDay``)
that province staff keep, and a national day off on a make-up day the package names overrides
it. A commune (or any node above branches) adds its own days off, which count only for the
branches below it: pass ``organization`` (a branch) to count with them. Deadlines counted "in
working days" use these functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache

import holidays
from django.db.models import Q

from members.access import above_q
from members.models import Organization

from .models import AnnouncedDay, AnnouncedDayKind

ONE_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("VN", years=[year]).keys())


@lru_cache(maxsize=64)
def _package_make_up_days(year: int) -> frozenset[datetime.date]:
    """The weekend days the ``holidays`` data names as worked in exchange for a day off that year.

    The package collects them per populated year and may file one under the neighbouring year
    (05/01/2019 was worked for 31/12/2018): read three years, keep this one's."""
    found = holidays.country_holidays("VN", years=[year - 1, year, year + 1]).weekend_workdays
    return frozenset(day for day in found if day.year == year)


def _announced(
    start: datetime.date, end: datetime.date, organization: Organization | None = None
) -> tuple[set[datetime.date], set[datetime.date]]:
    """(days off, make-up working days) between start and end: the national list, the package's
    make-up days, and the own days off of ``organization`` and the nodes above it. One query.

    A national day off on a make-up day the package names overrides the package (staff know
    better); a local day off overrides any make-up day, for the branches below it only."""
    places = Q(organization__isnull=True)
    if organization is not None:
        places |= above_q(organization, prefix="organization__")
    off: set[datetime.date] = set()
    worked: set[datetime.date] = set()
    local_off: set[datetime.date] = set()
    rows = AnnouncedDay.objects.filter(places, day__range=(start, end)).values_list("day", "kind", "organization_id")
    for day, kind, organization_id in rows:
        if kind != AnnouncedDayKind.DAY_OFF:
            worked.add(day)
        else:
            (off if organization_id is None else local_off).add(day)
    for year in range(start.year, end.year + 1):
        worked |= {day for day in _package_make_up_days(year) if start <= day <= end and day not in off}
    return off | local_off, worked - local_off


def _is_working(day: datetime.date, off: set[datetime.date], worked: set[datetime.date]) -> bool:
    if day in worked:
        return True
    if day in off or day in _public_holidays(day.year):
        return False
    return day.weekday() < 5


def is_working_day(day: datetime.date, *, organization: Organization | None = None) -> bool:
    off, worked = _announced(day, day, organization)
    return _is_working(day, off, worked)


def add_working_days(day: datetime.date, days: int, *, organization: Organization | None = None) -> datetime.date:
    """The date ``days`` working days after ``day`` (``day`` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    window = datetime.timedelta(days=2 * days + 60)  # Tết can take nine days in a row
    end = day + window
    off, worked = _announced(day, end, organization)
    current, left = day, days
    while left:
        current += ONE_DAY
        if current > end:
            end = current + window
            off, worked = _announced(current, end, organization)
        if _is_working(current, off, worked):
            left -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date, *, organization: Organization | None = None) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
    if end < start:
        return -working_days_between(end, start, organization=organization)
    off, worked = _announced(start, end, organization)
    return sum(_is_working(start + offset * ONE_DAY, off, worked) for offset in range(1, (end - start).days + 1))


def working_days_until(
    days: Iterable[datetime.date], end: datetime.date, *, organization: Organization | None = None
) -> dict[datetime.date, int]:
    """``working_days_between(day, end)`` for many days at once (a list's "days overdue"): one query."""
    days = set(days)
    if not days:
        return {}
    start = min(min(days), end)
    off, worked = _announced(start, max(max(days), end), organization)
    # Working days after ``start`` up to each date, then differences: W(day, end) = C(end) - C(day).
    counted, running, current = {start: 0}, 0, start
    last = max(max(days), end)
    while current < last:
        current += ONE_DAY
        running += _is_working(current, off, worked)
        counted[current] = running
    return {day: counted[end] - counted[day] for day in days}


@lru_cache(maxsize=64)
def _holiday_names(year: int, language: str) -> dict[datetime.date, str]:
    return dict(holidays.country_holidays("VN", years=[year], language=language).items())


def holiday_name(day: datetime.date, language: str = "vi") -> str:
    """The public holiday's name on the day ("Giao thừa Tết Nguyên Đán"), or ""."""
    return _holiday_names(day.year, "vi" if language.startswith("vi") else "en_US").get(day, "")


# How far a holiday break can reach from a day (Tết with its weekends and bridges: about ten days).
BREAK_REACH = datetime.timedelta(days=16)


def is_tet(day: datetime.date) -> bool:
    """One of Tết's public holidays (the lunar New Year's days off, its eve and the day before)."""
    return "Lunar New Year" in _holiday_names(day.year, "en_US").get(day, "")


def holiday_break(day: datetime.date, *, organization: Organization | None = None) -> list[datetime.date]:
    """The days off around ``day`` when no branch meets on it, else [].

    A public holiday or an announced day off: the run of consecutive days off it falls in
    (weekends included). A weekend day is an ordinary meeting day, except inside the Tết break:
    the run of days off that holds Tết's holidays (Tết 2027 is Thursday 4 to Wednesday 10
    February, so a Saturday meeting on the 6th falls in it). One query."""
    off, worked = _announced(day - BREAK_REACH, day + BREAK_REACH, organization)
    if _is_working(day, off, worked):
        return []
    start = end = day
    while start - ONE_DAY >= day - BREAK_REACH and not _is_working(start - ONE_DAY, off, worked):
        start -= ONE_DAY
    while end + ONE_DAY <= day + BREAK_REACH and not _is_working(end + ONE_DAY, off, worked):
        end += ONE_DAY
    run = [start + offset * ONE_DAY for offset in range((end - start).days + 1)]
    if day in off or day in _public_holidays(day.year) or any(is_tet(d) for d in run):
        return run
    return []


def nearest_working_day(
    day: datetime.date, *, earlier: bool, organization: Organization | None = None
) -> datetime.date:
    """The nearest working day before (``earlier``) or after ``day`` itself excluded. One query."""
    step = -ONE_DAY if earlier else ONE_DAY
    window = BREAK_REACH * 2
    first, last = (day - window, day) if earlier else (day, day + window)
    off, worked = _announced(first, last, organization)
    current = day + step
    while not _is_working(current, off, worked):
        current += step
        if not first <= current <= last:  # far beyond any break: fetch the next window
            first, last = (current - window, current) if earlier else (current, current + window)
            off, worked = _announced(first, last, organization)
    return current


def move_off_break(
    day: datetime.date, *, earlier: bool, organization: Organization | None = None
) -> tuple[datetime.date, list[datetime.date]]:
    """Where a meeting on ``day`` goes when ``day`` is in a holiday break (``holiday_break``), and
    the break; ``(day, [])`` when it is not in one. One query.

    The nearest working day before the break (``earlier``) or after it, but never outside
    ``day``'s month: a monthly meeting moved to 29/04 or 31/12 would be April's or last year's.
    When the preferred side leaves the month, the other side is taken (1 May 2026, a Friday
    after 30/04, moves to Monday 4 May); only if both leave it (no working day in the month
    beyond the break) does the preferred side win."""
    first = day.replace(day=1) - BREAK_REACH * 2
    last = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) + BREAK_REACH * 2
    off, worked = _announced(first, last, organization)
    if _is_working(day, off, worked):
        return day, []
    start = end = day
    while start - ONE_DAY >= first and not _is_working(start - ONE_DAY, off, worked):
        start -= ONE_DAY
    while end + ONE_DAY <= last and not _is_working(end + ONE_DAY, off, worked):
        end += ONE_DAY
    run = [start + offset * ONE_DAY for offset in range((end - start).days + 1)]
    if not (day in off or day in _public_holidays(day.year) or any(is_tet(d) for d in run)):
        return day, []  # an ordinary weekend: branches may meet on it
    before, after = start - ONE_DAY, end + ONE_DAY  # working days (no break spans a month)
    sides = [before, after] if earlier else [after, before]
    in_month = [side for side in sides if (side.year, side.month) == (day.year, day.month)]
    return (in_month or sides)[0], run


def package_make_up_days(*years: int) -> list[datetime.date]:
    """The make-up working days the ``holidays`` data names in these years (for the staff's page)."""
    return sorted(day for year in years for day in _package_make_up_days(year))
