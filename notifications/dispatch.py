"""Hand due rows to workers, and send them: claimed atomically, each attempt recorded first.

A row is claimed (status pending → sending) by exactly one caller: a batch in one transaction
(claim(): FOR UPDATE SKIP LOCKED on PostgreSQL, serialised on SQLite), a single row with a
conditional UPDATE (send_row); running a send twice, two workers, or a re-delivered message
therefore send it once.

Around each send, two commits of their own (autocommit, one UPDATE each):

- "attempt started" just before the send: attempts + 1, attempted_at, and the row's lease
  (claimed_at) renewed;
- "sent" (or the failure) just after it.

A worker that dies between the two, or loses the database for longer than the reconnects
below, leaves its row "sending" with its attempt started. After STUCK_AFTER the dispatch puts
it back as a *crashed send* (crashes + 1, said in last_error) and it is sent again, with the
same Message-ID: at least once, at most one repeat per crashed send, never silently. A row that
crashed its sender NOTIFICATION_MAX_CRASHES times is failed instead of looping. Rows claimed but
never attempted go back to pending without a mark (nothing can have been sent).
"""

import datetime
import logging
import smtplib
import threading
import time
from collections.abc import Callable, Iterable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Min, Q, QuerySet
from django.utils import timezone

from .channels import Channel, PermanentError, TransientError, channel_for
from .models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

MAX_PER_RUN = 200_000
BACKOFF = datetime.timedelta(minutes=1)  # 1, 2, 4, 8 … minutes, at most settings.NOTIFICATION_BACKOFF_MAX
# Pauses before each reconnect after a lost database connection (then the error stands).
RECONNECT_DELAYS = (0.0, 1.0, 2.0)
CRASHED = "Crashed the sender"

_table = Notification._meta.db_table
# Plain SQL for the two per-row marks: they run once per message each, and the ORM's compiling
# of them cost as much as running them. The table name is the model's; every value is a parameter.
# "Attempt started", only while this caller's lease (claimed_at) holds.
START_ATTEMPT_SQL = (
    f"UPDATE {_table} SET attempts = attempts + 1, attempted_at = %s, claimed_at = %s, "  # noqa: S608
    "first_attempted_at = COALESCE(first_attempted_at, %s) WHERE id = %s AND status = %s AND claimed_at = %s"
)
MARK_SENT_SQL = (
    f"UPDATE {_table} SET status = %s, sent_at = %s, address = %s, claimed_at = NULL, "  # noqa: S608
    "claimed_by = '' WHERE id = %s AND status = %s"
)

PENDING, SENDING, SENT, FAILED = (
    NotificationStatus.PENDING,
    NotificationStatus.SENDING,
    NotificationStatus.SENT,
    NotificationStatus.FAILED,
)

# Set when the worker is asked to stop (tasks.py, worker_shutting_down): a batch stops before
# its next row and puts the rest back.
_stopping = threading.Event()


def request_stop() -> None:
    _stopping.set()


def batch_size() -> int:
    return settings.NOTIFICATION_BATCH_SIZE


def requeue_after() -> datetime.timedelta:
    return settings.NOTIFICATION_REQUEUE_AFTER


def stuck_after() -> datetime.timedelta:
    return settings.NOTIFICATION_STUCK_AFTER


def reconnecting(operation: Callable[[], object], what: str):
    """Run a database write; after a lost connection, reconnect and run it again (a few times).

    Outside a transaction only: inside one, the transaction is gone with its connection.
    """
    for delay in (*RECONNECT_DELAYS, None):
        try:
            return operation()
        except (OperationalError, InterfaceError):
            if delay is None or connection.in_atomic_block:
                raise
            logger.warning("Database connection lost while %s; reconnecting", what, exc_info=True)
            try:
                connection.close()
            except Exception:
                logger.debug("Closing the broken connection failed", exc_info=True)
                connection.connection = None
            time.sleep(delay)
    return None  # not reached


def _attempt_not_started() -> Q:
    """A row "sending" whose current claim has not started its attempt: nothing was sent."""
    return Q(attempted_at__isnull=True) | Q(attempted_at__lt=F("claimed_at"))


def requeue_stuck(*, now: datetime.datetime) -> int:
    """Put back rows "sending" longer than STUCK_AFTER (their worker is gone); returns how many.

    A row whose attempt had started may have been sent: it is counted as a crashed send and said
    so on the row; the NOTIFICATION_MAX_CRASHES-th crash fails it.
    """
    stuck = Notification.objects.filter(status=SENDING, claimed_at__lt=now - stuck_after())
    released = stuck.filter(_attempt_not_started()).update(
        status=PENDING, claimed_at=None, claimed_by="", queued_at=None
    )
    crashed = stuck.filter(attempted_at__gte=F("claimed_at"))
    failed = crashed.filter(crashes__gte=settings.NOTIFICATION_MAX_CRASHES - 1).update(
        status=FAILED,
        crashes=F("crashes") + 1,
        last_error=f"{CRASHED} {settings.NOTIFICATION_MAX_CRASHES} times; not tried again.",
        claimed_at=None,
        claimed_by="",
    )
    retried = crashed.update(
        status=PENDING,
        crashes=F("crashes") + 1,
        last_error=f"{CRASHED} during its attempt: it may have been sent; sent again with the same Message-ID.",
        claimed_at=None,
        claimed_by="",
        queued_at=None,
    )
    if failed or retried:
        logger.warning(
            "%d crashed sends retried, %d failed after %d crashes", retried, failed, settings.NOTIFICATION_MAX_CRASHES
        )
    return released + failed + retried


def release_claimed(*, owner: str) -> int:
    """A stopping worker's claimed rows whose attempt has not started → pending at once."""
    if not owner:
        return 0
    return reconnecting(
        lambda: (
            Notification.objects.filter(status=SENDING, claimed_by=owner)
            .filter(_attempt_not_started())
            .update(status=PENDING, claimed_at=None, claimed_by="", queued_at=None)
        ),
        "releasing claimed rows",
    )


def dispatch_due(
    *, now: datetime.datetime, enqueue: Callable[[list[int]], object], rows: QuerySet | None = None
) -> int:
    """Hand every due pending row to the broker, batch_size() ids per message; returns how many.

    rows narrows the outbox (the benchmark dispatches only its own rows).

    Rows are marked queued_at first (on PostgreSQL under FOR UPDATE SKIP LOCKED, so two
    dispatchers never hand out the same rows); if the broker is down the run stops and the
    rows wait for the next run.
    """
    requeue_stuck(now=now)
    size = batch_size()
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
                .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - requeue_after()))
                .order_by("pk")
                .values_list("pk", flat=True)[:size]
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


# --- Failures --------------------------------------------------------------------------------


def smtp_code(error: Exception) -> int | None:
    """The SMTP reply code of a refusal at any stage (connect, HELO, MAIL, RCPT, DATA), if any.

    A refusal of every recipient carries one code per recipient: the lowest counts (one 4xx is
    worth trying again).
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [answer[0] for answer in error.recipients.values() if answer and isinstance(answer[0], int)]
        return min(codes) if codes else None
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    return None


def is_permanent(error: Exception) -> bool:
    """Trying again cannot help: our PermanentError, an SMTP 5xx, or an error we do not know.

    Transient: an SMTP 4xx at any stage (421, 450, 451, 452: busy, greylisting, …), a dropped
    or timed-out connection, other SMTP errors without a code, TransientError (gateway 5xx, 408,
    425, 429, unreachable) and the task's soft time limit.
    """
    if isinstance(error, PermanentError):
        return True
    code = smtp_code(error)
    if code is not None:
        return code >= 500
    return not isinstance(error, TransientError | smtplib.SMTPException | OSError | SoftTimeLimitExceeded)


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the attempts-th failed attempt: 1, 2, 4 … minutes, at most BACKOFF_MAX."""
    return min(BACKOFF * 2 ** min(attempts - 1, 20), settings.NOTIFICATION_BACKOFF_MAX)


def _record_failure(row: Notification, error: Exception, *, now: datetime.datetime) -> str:
    """After a failed attempt (already counted): retry later, or fail for good."""
    message = f"{type(error).__name__}: {error}"[:2000]
    retry_at = now + backoff(row.attempts)
    first = row.first_attempted_at or now
    claimed = Notification.objects.filter(pk=row.pk, status=SENDING)
    if is_permanent(error) or retry_at > first + settings.NOTIFICATION_RETRY_WINDOW:
        reconnecting(
            lambda: claimed.update(status=FAILED, last_error=message, claimed_at=None, claimed_by=""), "failing a row"
        )
        return "failed"
    reconnecting(
        lambda: claimed.update(
            status=PENDING, last_error=message, due_at=retry_at, claimed_at=None, claimed_by="", queued_at=None
        ),
        "recording a retry",
    )
    return "retry"


# --- Sending ---------------------------------------------------------------------------------


def _start_attempt(row: Notification, *, lease: datetime.datetime, now: datetime.datetime) -> bool:
    """Record "attempt started" in a commit of its own; False when this caller lost its claim."""
    ops = connection.ops

    def mark() -> int:
        with connection.cursor() as cursor:
            at = ops.adapt_datetimefield_value(now)
            cursor.execute(START_ATTEMPT_SQL, [at, at, at, row.pk, SENDING, ops.adapt_datetimefield_value(lease)])
            return cursor.rowcount

    if reconnecting(mark, "starting an attempt") != 1:
        return False
    row.attempts += 1
    row.attempted_at = row.claimed_at = now
    row.first_attempted_at = row.first_attempted_at or now
    return True


def _deliver(row: Notification, channel: Channel, *, now: datetime.datetime) -> str:
    """Send one row whose attempt has started, and record the outcome."""
    try:
        channel.send(row)
    except SoftTimeLimitExceeded as error:
        _record_failure(row, error, now=now)
        raise
    except Exception as error:
        outcome = _record_failure(row, error, now=now)
        logger.warning("Notification %s: %s (%s)", row.pk, outcome, error)
        return outcome

    # Recorded at once, row by row: a worker killed now re-sends at most the row in hand. After a
    # lost connection the mark is made again on a new one; only if the database stays away does
    # the row stay "sending", to be sent again later as a crashed send.
    def mark() -> None:
        with connection.cursor() as cursor:
            sent_at = connection.ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(MARK_SENT_SQL, [SENT, sent_at, row.address, row.pk, SENDING])

    reconnecting(mark, "marking a row sent")
    return "sent"


def send_row(row: Notification, channel: Channel, *, now: datetime.datetime, owner: str = "") -> str:
    """Claim, send and record one row: "sent", "retry", "failed", "held" or "skipped"."""
    held = channel.hold_until(row, now)
    if held is not None:
        moved = Notification.objects.filter(pk=row.pk, status=PENDING).update(due_at=held, queued_at=None)
        return "held" if moved else "skipped"
    claimed = Notification.objects.filter(pk=row.pk, status=PENDING, due_at__lte=now).update(
        status=SENDING, claimed_at=now, claimed_by=owner
    )
    if claimed != 1 or not _start_attempt(row, lease=now, now=now):
        return "skipped"  # someone else has it, or it was cancelled, sent, or is not due yet
    return _deliver(row, channel, now=now)


def claim(ids: list[int], *, now: datetime.datetime, owner: str = "") -> set[int]:
    """Claim the rows among ids that are pending and due, in one transaction; returns the claimed ids.

    On PostgreSQL, FOR UPDATE SKIP LOCKED leaves rows another worker is claiming to it, and a row
    it has claimed is no longer pending; SQLite serialises the transaction (IMMEDIATE). Either
    way each row is claimed by one caller only. now is the claim's lease.
    """
    if not ids:
        return set()

    def take() -> list[int]:
        with transaction.atomic():
            claimed = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(pk__in=ids, status=PENDING, due_at__lte=now)
                .values_list("pk", flat=True)
            )
            Notification.objects.filter(pk__in=claimed).update(status=SENDING, claimed_at=now, claimed_by=owner)
        return claimed

    return set(reconnecting(take, "claiming rows"))


def _put_back(ids: set[int]) -> None:
    try:
        reconnecting(
            lambda: (
                Notification.objects.filter(pk__in=ids, status=SENDING)
                .filter(_attempt_not_started())
                .update(status=PENDING, claimed_at=None, claimed_by="", queued_at=None)
            ),
            "putting rows back",
        )
    except (OperationalError, InterfaceError):
        logger.exception("%d claimed rows could not be put back; the dispatch does after STUCK_AFTER", len(ids))


def send_many(
    ids: Iterable[int], *, clock: Callable[[], datetime.datetime] = timezone.now, owner: str = ""
) -> dict[str, int]:
    """Send the given rows that are pending and due; returns counts by outcome.

    Claimed together (one transaction for the batch), then each attempt started, sent and
    recorded one by one. Claimed rows this call does not get to (a time limit, the worker
    stopping, half the lease gone) go back to pending at once.
    """
    ids = list(ids)
    rows = reconnecting(
        lambda: list(
            Notification.objects.filter(pk__in=ids, status=PENDING)
            .select_related("recipient", "recipient__notification_preference")
            .order_by("pk")
        ),
        "loading rows",
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
    # Rows not attempted yet keep the claim's lease: start none after half of it has gone, so
    # none is put back by requeue_stuck while this worker still holds it.
    last_start = now + stuck_after() / 2
    try:
        remaining = claim([row.pk for row in to_claim], now=now, owner=owner)
        count("skipped", len(to_claim) - len(remaining))
        for row in to_claim:
            if row.pk not in remaining:
                continue
            at = clock()
            if _stopping.is_set() or at > last_start:
                break
            started = _start_attempt(row, lease=now, now=at)
            remaining.discard(row.pk)
            if not started:
                count("skipped")
                continue
            count(_deliver(row, channels[row.channel], now=at))
    finally:
        if remaining:
            _put_back(remaining)
        for channel in channels.values():
            channel.close()
    return outcomes


def retry_failed(rows: QuerySet, *, now: datetime.datetime) -> list[int]:
    """Failed rows among rows → pending, due now, with a fresh window; returns their ids."""
    with transaction.atomic():
        ids = list(rows.filter(status=FAILED).select_for_update(of=("self",)).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(
            status=PENDING,
            due_at=now,
            attempts=0,
            crashes=0,
            first_attempted_at=None,
            queued_at=now,
            claimed_at=None,
            claimed_by="",
        )
    return ids
