"""Keeping the announced days: the list everyone's deadlines are counted with."""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from members.dates import check_plausible

from .models import AnnouncedDay


@transaction.atomic
def announced_day_add(*, day: datetime.date, kind: str, note: str, by: AbstractBaseUser | None) -> AnnouncedDay:
    check_plausible(day=day)
    return AnnouncedDay.objects.create(day=day, kind=kind, note=note.strip(), created_by=by)


@transaction.atomic
def announced_day_remove(*, announced: AnnouncedDay) -> None:
    announced.delete()
