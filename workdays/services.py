"""Keeping the announced days: the lists deadlines and meeting days are counted with."""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from members.dates import check_plausible
from members.models import Organization

from .models import AnnouncedDay


@transaction.atomic
def announced_day_add(
    *,
    day: datetime.date,
    kind: str,
    note: str,
    by: AbstractBaseUser | None,
    organization: Organization | None = None,
) -> AnnouncedDay:
    """A national day (no organisation) or the organisation's own day off; the caller checked
    who may (``workdays.access.can_keep_days_of``)."""
    check_plausible(day=day)
    return AnnouncedDay.objects.create(day=day, kind=kind, note=note.strip(), organization=organization, created_by=by)


@transaction.atomic
def announced_day_remove(*, announced: AnnouncedDay) -> None:
    announced.delete()
