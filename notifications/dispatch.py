"""Hand due rows to workers, and send them: claimed atomically, so each is sent once.

A row is claimed with a conditional UPDATE (status pending → sending) that exactly one
caller wins, on SQLite and PostgreSQL alike; running a send twice, two workers, or a
re-delivered message therefore send it once. A worker that dies mid-send leaves its row in
"sending"; after STUCK_AFTER (longer than the send task's hard time limit, so its worker is
surely gone) the dispatch puts it back to pending.
"""

import datetime
import logging
import smtplib
from collections.abc import Callable, Iterable

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .channels import Channel, PermanentError, TransientError, channel_for
from .models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500
MAX_PER_RUN = 200_000
MAX_ATTEMPTS = 5
BACKOFF = datetime.timedelta(minutes=1)  # 1, 2, 4, 8 minutes between the attempts
# A row handed to the broker is not handed again for this long (a lost message is re-sent after it).
REQUEUE_AFTER = datetime.timedelta(minutes=5)
# Longer than SEND_TIME_LIMIT in tasks.py: a row "sending" for this long has lost its worker.
STUCK_AFTER = datetime.timedelta(minutes=15)

PENDING, SENDING, SENT, FAILED = (
    NotificationStatus.PENDING,
    NotificationStatus.SENDING,
    NotificationStatus.SENT,
    NotificationStatus.FAILED,
)


def requeue_stuck(*, now: datetime.datetime) -> int:
    return Notification.objects.filter(status=SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=PENDING, claimed_at=None, queued_at=None
    )


def dispatch_due(*, now: datetime.datetime, enqueue: Callable[[list[int]], object]) -> int:
    """Hand every due pending row to the broker, CHUNK_SIZE ids per message; returns how many.

    Rows are marked queued_at first (on PostgreSQL under FOR UPDATE SKIP LOCKED, so two
    dispatchers never hand out the same rows); if the broker is down the run stops and the
    rows wait for the next run.
    """
    requeue_stuck(now=now)
    handed = 0
    while handed < MAX_PER_RUN:
        with transaction.atomic():
            ids = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(status=PENDING, due_at__lte=now)
                .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
                .order_by("due_at", "pk")
                .values_list("pk", flat=True)[:CHUNK_SIZE]
            )
            if not ids:
                break
            Notification.objects.filter(pk__in=ids).update(queued_at=now)
        try:
            enqueue(ids)
        except Exception:
            logger.warning("Broker refused %d notifications; the next run retries", len(ids), exc_info=True)
            Notification.objects.filter(pk__in=ids, status=PENDING).update(queued_at=None)
            break
        handed += len(ids)
    return handed


def is_permanent(error: Exception) -> bool:
    if isinstance(error, PermanentError | smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, TransientError | smtplib.SMTPException | OSError | SoftTimeLimitExceeded)


def backoff(attempts: int) -> datetime.timedelta:
    return BACKOFF * 2 ** (attempts - 1)


def _record_failure(row: Notification, error: Exception, *, now: datetime.datetime) -> str:
    attempts = row.attempts + 1
    message = f"{type(error).__name__}: {error}"[:2000]
    claimed = Notification.objects.filter(pk=row.pk, status=SENDING)
    if is_permanent(error) or attempts >= MAX_ATTEMPTS:
        claimed.update(status=FAILED, attempts=attempts, last_error=message, claimed_at=None)
        return "failed"
    claimed.update(
        status=PENDING,
        attempts=attempts,
        last_error=message,
        due_at=now + backoff(attempts),
        claimed_at=None,
        queued_at=None,
    )
    return "retry"


def send_row(row: Notification, channel: Channel, *, now: datetime.datetime) -> str:
    """Claim, send and record one row: "sent", "retry", "failed", "held" or "skipped"."""
    held = channel.hold_until(row, now)
    if held is not None:
        moved = Notification.objects.filter(pk=row.pk, status=PENDING).update(due_at=held, queued_at=None)
        return "held" if moved else "skipped"
    claimed = Notification.objects.filter(pk=row.pk, status=PENDING, due_at__lte=now).update(
        status=SENDING, claimed_at=now
    )
    if claimed != 1:
        return "skipped"  # someone else has it, or it was cancelled, sent, or is not due yet
    try:
        channel.send(row)
    except SoftTimeLimitExceeded as error:
        _record_failure(row, error, now=now)
        raise
    except Exception as error:
        outcome = _record_failure(row, error, now=now)
        logger.warning("Notification %s: %s (%s)", row.pk, outcome, error)
        return outcome
    Notification.objects.filter(pk=row.pk, status=SENDING).update(
        status=SENT, sent_at=timezone.now(), address=row.address, attempts=F("attempts") + 1, claimed_at=None
    )
    return "sent"


def send_many(ids: Iterable[int], *, clock: Callable[[], datetime.datetime] = timezone.now) -> dict[str, int]:
    """Send the given rows that are pending and due; returns counts by outcome."""
    rows = (
        Notification.objects.filter(pk__in=list(ids), status=PENDING)
        .select_related("recipient", "recipient__notification_preference")
        .order_by("pk")
    )
    channels: dict[str, Channel] = {}
    outcomes: dict[str, int] = {}
    try:
        for row in rows:
            if row.channel not in channels:
                channels[row.channel] = channel_for(row.channel)
            outcome = send_row(row, channels[row.channel], now=clock())
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        for channel in channels.values():
            channel.close()
    return outcomes
