"""Thin tasks: they take ids (or nothing), and call dispatch.

acks_late and reject-on-worker-lost are on for every task (settings.py): a worker that dies
leaves its message to be delivered again, and the claim in dispatch.send_many keeps that from
sending twice.
"""

import logging
from pathlib import Path

from celery import shared_task, signals
from django.conf import settings
from django.utils import timezone

from . import backups, dispatch

logger = logging.getLogger(__name__)

# A batch (NOTIFICATION_BATCH_SIZE rows: file writes, SMTP exchanges within EMAIL_TIMEOUT, gateway
# calls within 10 s) ends well inside its claim's lease: the soft limit stops the loop cleanly and
# the hard limit kills a hung worker, both before a row "sending" counts as stuck.
_STUCK_SECONDS = int(settings.NOTIFICATION_STUCK_AFTER.total_seconds())
SEND_TIME_LIMIT = _STUCK_SECONDS - 10
SEND_SOFT_TIME_LIMIT = _STUCK_SECONDS - 30


@shared_task(
    name="notifications.send_notifications", bind=True, soft_time_limit=SEND_SOFT_TIME_LIMIT, time_limit=SEND_TIME_LIMIT
)
def send_notifications(self, ids: list[int]) -> dict[str, int]:
    return dispatch.send_many(ids, owner=self.request.hostname or "")


@shared_task(name="notifications.send_notification", bind=True, soft_time_limit=60, time_limit=90)
def send_notification(self, notification_id: int) -> dict[str, int]:
    return dispatch.send_many([notification_id], owner=self.request.hostname or "")


def _publish(ids: list[int], connection=None) -> None:
    # No publish retries: with the broker down this fails at once and the rows wait for the next dispatch.
    send_notifications.apply_async((ids,), retry=False, connection=connection)


def enqueue_send(ids: list[int]) -> None:
    """Publish "send these" from a web request: with the broker dead or hung this fails within
    about settings.BROKER_TIMEOUT (connect and read), instead of kombu's retries and redis-py's
    blocking reads."""
    timeout = settings.BROKER_TIMEOUT
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout, "max_retries": 0}
    with send_notifications.app.connection_for_write(connect_timeout=timeout, transport_options=options) as conn:
        _publish(ids, connection=conn)


@shared_task(name="notifications.dispatch_due", soft_time_limit=50, time_limit=60)
def dispatch_due() -> int:
    """Beat's every minute, on a queue of its own (settings.NOTIFICATION_DISPATCH_QUEUE)."""
    with send_notifications.app.connection_for_write() as conn:
        return dispatch.dispatch_due(now=timezone.now(), enqueue=lambda ids: _publish(ids, connection=conn))


@signals.worker_shutting_down.connect
def _stop_batches(**kwargs) -> None:
    """A warm shutdown (SIGTERM, docker compose stop): a batch running in this process stops
    before its next row and puts the rest back."""
    dispatch.request_stop()


@signals.worker_shutdown.connect
def _release_claims(sender=None, **kwargs) -> None:
    """The worker is going: rows it claimed but never started (a pool process stopped mid-batch)
    go back to pending now, not after STUCK_AFTER."""
    owner = getattr(sender, "hostname", "") or ""
    try:
        released = dispatch.release_claimed(owner=owner)
    except Exception:
        logger.exception("Could not release the rows claimed by %s; the dispatch does after STUCK_AFTER", owner)
        return
    if released:
        logger.warning("Released %d notifications claimed by %s", released, owner)


@shared_task(name="notifications.backup_nightly", acks_late=False)
def backup_nightly() -> str:
    """Tonight's archive into BACKUP_DIR, older ones beyond BACKUP_KEEP_DAYS deleted; nothing
    when BACKUP_DIR is empty. (Not re-delivered after a lost worker: the next night runs anyway.)"""
    if not settings.BACKUP_DIR:
        return ""
    written = backups.backup_nightly(
        directory=Path(settings.BACKUP_DIR), keep_days=settings.BACKUP_KEEP_DAYS, today=timezone.localdate()
    )
    logger.info("Nightly backup written to %s", written)
    return str(written)
