"""Plausible dates: what a date field accepts, whoever types it (forms, services, imports).

Years before 1900 are typing mistakes (0001-01-01 from a cleared date picker, 1066 for 1966),
and so is anything more than a few years ahead; both used to be saved and then break pages
that convert them to local time. The database refuses the worst with check constraints
(``DB_FIRST_DAY``/``DB_LAST_DAY``); forms and services refuse the rest with ``check_plausible``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 1900
YEARS_AHEAD = 5

# Fixed bounds for database check constraints (a constraint cannot say "today").
DB_FIRST_DAY = datetime.date(MIN_YEAR, 1, 1)
DB_LAST_DAY = datetime.date(2199, 12, 31)
DB_FIRST_MOMENT = datetime.datetime(MIN_YEAR, 1, 1, tzinfo=datetime.UTC)
DB_LAST_MOMENT = datetime.datetime(2200, 1, 1, tzinfo=datetime.UTC)

# Upper bounds for integers typed by people (a PositiveIntegerField holds 2147483647).
MAX_DOCUMENT_NUMBER = 9999
MAX_VOTES = 9999


def latest_plausible(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def plausible_date(value: datetime.date | datetime.datetime | None) -> None:
    """Validator: refuse years before 1900 and days more than five years from today."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if day.year < MIN_YEAR:
        raise ValidationError(_("Enter a date from %(year)s on."), code="date_too_early", params={"year": MIN_YEAR})
    last = latest_plausible()
    if day > last:
        raise ValidationError(
            _("Enter a date no later than %(day)s."),
            code="date_too_late",
            params={"day": last.strftime("%d/%m/%Y")},
        )


def check_plausible(**values: datetime.date | datetime.datetime | None) -> None:
    """Raise one ValidationError keyed by field name for every implausible value given."""
    errors = {}
    for name, value in values.items():
        try:
            plausible_date(value)
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)
