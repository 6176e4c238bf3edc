"""The meetings app's periodic tasks (their schedule is in chibo/celery.py). Each runs in the
system scope: it acts for nobody in particular, and is safe to run any number of times."""

import datetime
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from meetings import reminders
from meetings.access import system_scope
from meetings.models import Guidance, KeyedWrite
from meetings.services.cadres import cadre_roles_expire
from meetings.services.guidance import guidance_insert as insert_guidance
from meetings.services.schedule import schedule_regular_meetings as schedule_meetings

logger = logging.getLogger(__name__)


@shared_task
def chase_meetings() -> int:
    """Tell secretaries and commune staff what a coming or past meeting still lacks (daily).
    Returns the outbox rows of today's chases, those queued by an earlier run included."""
    with system_scope(), transaction.atomic():
        return len(reminders.chase_meetings(now=timezone.now()))


@shared_task
def schedule_regular_meetings(months_ahead: int = 2) -> int:
    """Create this month's and the next ``months_ahead`` months' regular meetings (1st and 15th)."""
    with system_scope():
        return schedule_meetings(months_ahead=months_ahead, today=timezone.localdate())


def guidance_queue_insert(guidance_id: int) -> None:
    """After the guidance is committed: hand the insert to a worker. With the broker down the
    request still succeeds and the insert runs in it instead (idempotent: a late task adds nothing)."""
    try:
        guidance_insert.apply_async((guidance_id,), retry=False)
    except Exception:
        logger.warning("Broker unavailable; inserting guidance %s in the request", guidance_id, exc_info=True)
        guidance_insert(guidance_id)


@shared_task
def guidance_insert(guidance_id: int) -> int:
    """Put a newly published guidance on the agendas of its month's meetings (queued by
    ``guidance_queue_insert`` when the guidance is committed). Idempotent: a second run adds nothing."""
    with system_scope():
        guidance = Guidance.objects.filter(pk=guidance_id).select_related("organization").first()
        return 0 if guidance is None else insert_guidance(guidance=guidance)


@shared_task
def expire_cadre_roles() -> int:
    """Take away the cadre role of assignments that ran out by their end date (daily)."""
    with system_scope(), transaction.atomic():
        return cadre_roles_expire(today=timezone.localdate())


# How long a write's key and answer are kept: a phone retrying later than this would apply it again,
# but by then the meeting is adopted and a write tapped before adoption is refused anyway.
KEYED_WRITES_KEPT = datetime.timedelta(days=30)


@shared_task
def purge_keyed_writes() -> int:
    """Forget the keys and answers of writes received more than 30 days ago (daily; meetings.offline)."""
    with system_scope():
        count, _ = KeyedWrite.objects.filter(received_at__lt=timezone.now() - KEYED_WRITES_KEPT).delete()
        return count
