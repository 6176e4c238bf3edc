"""When a branch's monthly summary goes stale, and how its refresh is queued.

A branch's month is stale when one of its meetings changes, or a meeting's roll, guests, agenda
or minutes (Django's ``post_save`` / ``post_delete``), or a meetings service changes them in
bulk (``meetings.extensions.records_changed``: "everyone else present", the score), or a cadre
assignment of the branch changes. The receivers are connected in ``DashboardConfig.ready``;
meetings knows nothing of the dashboard.

Once the change commits, the month is queued for ``oversight.tasks.refresh_branch_months``,
with the later months of its quarter up to the current month (``thematic_in_quarter`` counts
the quarter so far); a change to a meeting's records queues ``refresh_meeting_months`` by the
meeting's id (the worker finds its branch and month: the tap pays no query for them). A roll
comes as a burst of taps: a month or meeting already waiting for its refresh is not queued
again. The waiting is a cache key that lives exactly as long as the task's countdown, so a change
that found the key committed before the queued task reads the rows.

What no receiver sees (a member made exempt, guidance published, a meeting moved to another
month: the month it left) is caught by the nightly refresh of the last months
(``oversight.tasks.refresh_recent_branch_months``, scheduled in chibo/celery.py).
"""

from __future__ import annotations

import datetime
import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from meetings.extensions import records_changed
from meetings.models import AgendaItem, Attendance, CadreAssignment, Guest, Meeting, Minutes
from meetings.months import add_months, first_of_month
from members.access import system_scope
from members.models import Organization
from oversight import tasks
from oversight.services.summaries import (
    branch_months_refresh,
    branch_months_refresh_for_meeting,
    months_touched,
)

logger = logging.getLogger(__name__)

# How long a change waits for its refresh (the burst of a roll's taps falls in it).
COUNTDOWN_SECONDS = 30
# How far back a changed cadre assignment refreshes months.
ASSIGNMENT_MONTHS = 12


def branch_month_stale(*, branch_id: int, month: datetime.date) -> None:
    """Queue the refresh of the branch's month once the current transaction commits."""
    months = months_touched(month, today=timezone.localdate())
    if months:
        transaction.on_commit(lambda: queue_refresh(branch_id=branch_id, months=months))


def meeting_records_stale(*, meeting_id: int) -> None:
    """Queue the refresh of the months a meeting's records touch once the transaction commits.
    By id: the worker looks the meeting up, so a roll tap pays no query for it."""
    transaction.on_commit(lambda: queue_meeting_refresh(meeting_id=meeting_id))


def _queue(task, kwargs: dict, keys: list[str]) -> bool:
    """Queue ``task`` unless all of ``keys`` are already waiting; False when the broker is down
    (the keys are released)."""
    try:
        task.apply_async(kwargs=kwargs, countdown=COUNTDOWN_SECONDS, retry=False)
    except Exception:
        logger.warning("Broker unavailable; refreshing the dashboard's summaries in the request", exc_info=True)
        cache.delete_many(keys)
        return False
    return True


def queue_refresh(*, branch_id: int, months: list[datetime.date]) -> None:
    """Queue one refresh of the branch's months not already waiting for one. With the broker down
    the refresh runs here instead (a few queries); the nightly run would catch it too."""
    waiting = [month for month in months if cache.add(_key(branch_id, month), 1, timeout=COUNTDOWN_SECONDS)]
    if not waiting:
        return
    kwargs = {"branch_ids": [branch_id], "months": [month.isoformat() for month in waiting]}
    if not _queue(tasks.refresh_branch_months, kwargs, [_key(branch_id, month) for month in waiting]):
        with system_scope():
            branch_months_refresh(branches=Organization.objects.filter(pk=branch_id), months=waiting)


def queue_meeting_refresh(*, meeting_id: int) -> None:
    key = f"dashboard:stale-meeting:{meeting_id}"
    if not cache.add(key, 1, timeout=COUNTDOWN_SECONDS):
        return
    if not _queue(tasks.refresh_meeting_months, {"meeting_id": meeting_id}, [key]):
        with system_scope():
            branch_months_refresh_for_meeting(meeting_id=meeting_id, today=timezone.localdate())


def _key(branch_id: int, month: datetime.date) -> str:
    return f"dashboard:stale:{branch_id}:{month:%Y-%m}"


# --- Receivers ---------------------------------------------------------------------------------


def meeting_changed(sender, instance: Meeting, raw: bool = False, **kwargs) -> None:
    if not raw:
        branch_month_stale(branch_id=instance.branch_id, month=instance.month)


def record_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    """A mark, guest, agenda item or minutes: the months of its meeting."""
    if not raw:
        meeting_records_stale(meeting_id=instance.meeting_id)


def records_changed_in_bulk(sender, meeting: Meeting, **kwargs) -> None:
    meeting_records_stale(meeting_id=meeting.pk)


def assignment_changed(sender, instance: CadreAssignment, raw: bool = False, **kwargs) -> None:
    """The last twelve months: the assignment's dates may have moved either way."""
    if raw:
        return
    today = timezone.localdate()
    current = first_of_month(today)
    months = [add_months(current, -back) for back in range(ASSIGNMENT_MONTHS - 1, -1, -1)]
    branch_id = instance.branch_id
    transaction.on_commit(lambda: queue_refresh(branch_id=branch_id, months=months))


def connect_signals() -> None:
    uid = "dashboard.freshness"
    post_save.connect(meeting_changed, sender=Meeting, dispatch_uid=f"{uid}.meeting_saved")
    post_delete.connect(meeting_changed, sender=Meeting, dispatch_uid=f"{uid}.meeting_deleted")
    for model in (Attendance, Guest, AgendaItem, Minutes):
        post_save.connect(record_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}_saved")
        post_delete.connect(record_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}_deleted")
    post_save.connect(assignment_changed, sender=CadreAssignment, dispatch_uid=f"{uid}.assignment_saved")
    post_delete.connect(assignment_changed, sender=CadreAssignment, dispatch_uid=f"{uid}.assignment_deleted")
    records_changed.connect(records_changed_in_bulk, sender=Meeting, dispatch_uid=f"{uid}.records_changed")
