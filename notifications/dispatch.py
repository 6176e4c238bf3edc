"""Hand due rows to workers, and send them: claimed atomically, so each is sent once.

A row is claimed (status pending → sending) by exactly one caller: a batch in one transaction
(claim(): FOR UPDATE SKIP LOCKED on PostgreSQL, serialised on SQLite), a single row with a
conditional UPDATE (send_row); running a send twice, two workers, or a re-delivered message
therefore send it once. Each row is marked sent as soon as it is sent. A worker that dies mid-send leaves its row in
"sending"; after STUCK_AFTER (longer than the send task's hard time limit, so its worker is
surely gone) the dispatch puts it back to pending.
"""

import datetime
import logging
import smtplib
from collections.abc import Callable, Iterable

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.db.models import Min, Q, QuerySet
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

_table = Notification._meta.db_table
# The same as .filter(pk=…, status=SENDING).update(status=SENT, sent_at=…, address=…,
# attempts=F("attempts") + 1, claimed_at=None).
# The table name is the model's; every value is a parameter.
MARK_SENT_SQL = (
    f"UPDATE {_table} SET status = %s, sent_at = %s, address = %s, attempts = attempts + 1, "  # noqa: S608
    "claimed_at = NULL WHERE id = %s AND status = %s"
)

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


def dispatch_due(
    *, now: datetime.datetime, enqueue: Callable[[list[int]], object], rows: QuerySet | None = None
) -> int:
    """Hand every due pending row to the broker, CHUNK_SIZE ids per message; returns how many.

    rows narrows the outbox (the benchmark dispatches only its own rows).

    Rows are marked queued_at first (on PostgreSQL under FOR UPDATE SKIP LOCKED, so two
    dispatchers never hand out the same rows); if the broker is down the run stops and the
    rows wait for the next run.
    """
    requeue_stuck(now=now)
    due = (Notification.objects.all() if rows is None else rows).filter(status=PENDING, due_at__lte=now)
    # Oldest first, by id, one pass: each chunk starts after the last one (a keyset) instead of
    # skipping again over every row already handed out, which made a large backlog quadratic.
    after = (due.aggregate(first=Min("pk"))["first"] or 1) - 1
    handed = 0
    while handed < MAX_PER_RUN:
        with transaction.atomic():
            ids = list(
                due.select_for_update(skip_locked=True)
                .filter(pk__gt=after)
                .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
                .order_by("pk")
                .values_list("pk", flat=True)[:CHUNK_SIZE]
            )
            if not ids:
                break
            Notification.objects.filter(pk__in=ids).update(queued_at=now)
        after = ids[-1]
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


def _deliver(row: Notification, channel: Channel, *, now: datetime.datetime) -> str:
    """Send one row this caller has claimed (status "sending") and record the outcome."""
    try:
        channel.send(row)
    except SoftTimeLimitExceeded as error:
        _record_failure(row, error, now=now)
        raise
    except Exception as error:
        outcome = _record_failure(row, error, now=now)
        logger.warning("Notification %s: %s (%s)", row.pk, outcome, error)
        return outcome
    # Recorded at once, row by row: a worker killed now re-sends at most the row in hand. Plain
    # SQL: this statement runs once per message, and the ORM's compiling of it cost as much as
    # running it.
    with connection.cursor() as cursor:
        sent_at = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(MARK_SENT_SQL, [SENT, sent_at, row.address, row.pk, SENDING])
    return "sent"


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
    return _deliver(row, channel, now=now)


def claim(ids: list[int], *, now: datetime.datetime) -> set[int]:
    """Claim the rows among ids that are pending and due, in one transaction; returns the claimed ids.

    On PostgreSQL, FOR UPDATE SKIP LOCKED leaves rows another worker is claiming to it, and a row
    it has claimed is no longer pending; SQLite serialises the transaction (IMMEDIATE). Either
    way each row is claimed by one caller only.
    """
    if not ids:
        return set()
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, status=PENDING, due_at__lte=now)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=claimed).update(status=SENDING, claimed_at=now)
    return set(claimed)


def send_many(ids: Iterable[int], *, clock: Callable[[], datetime.datetime] = timezone.now) -> dict[str, int]:
    """Send the given rows that are pending and due; returns counts by outcome.

    Claimed together (one transaction for the batch), sent and recorded one by one. Claimed rows
    this call does not get to (a time limit) go back to pending at once.
    """
    rows = list(
        Notification.objects.filter(pk__in=list(ids), status=PENDING)
        .select_related("recipient", "recipient__notification_preference")
        .order_by("pk")
    )
    if not rows:
        return {}
    channels: dict[str, Channel] = {}
    outcomes: dict[str, int] = {}

    def count(outcome: str, times: int = 1) -> None:
        if times:
            outcomes[outcome] = outcomes.get(outcome, 0) + times

    now = clock()
    held: dict[datetime.datetime, list[int]] = {}
    to_claim = []
    for row in rows:
        if row.channel not in channels:
            channels[row.channel] = channel_for(row.channel)
        until = channels[row.channel].hold_until(row, now)
        if until is None:
            to_claim.append(row)
        else:
            held.setdefault(until, []).append(row.pk)
    for until, held_ids in held.items():
        moved = Notification.objects.filter(pk__in=held_ids, status=PENDING).update(due_at=until, queued_at=None)
        count("held", moved)
        count("skipped", len(held_ids) - moved)

    remaining: set[int] = set()
    try:
        remaining = claim([row.pk for row in to_claim], now=now)
        count("skipped", len(to_claim) - len(remaining))
        for row in to_claim:
            if row.pk in remaining:
                remaining.discard(row.pk)
                count(_deliver(row, channels[row.channel], now=clock()))
    finally:
        if remaining:
            Notification.objects.filter(pk__in=remaining, status=SENDING).update(
                status=PENDING, claimed_at=None, queued_at=None
            )
        for channel in channels.values():
            channel.close()
    return outcomes
