"""The notifications API for the domain apps: enqueue, cancel, retry.

The domain decides what to send and when (meetings/reminders.py, petitions/reminders.py) and
calls notification_enqueue inside its own transaction: the rows commit with the event that
causes them, or not at all. No broker call happens here except one nudge after the commit for
the transaction's rows due now, with short timeouts; if the broker is down or hung the nudge is
dropped within about a second and the periodic dispatch sends the rows.
"""

import contextlib
import contextvars
import datetime
import logging
import threading
from collections.abc import Iterable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import dispatch
from .addresses import receivable_channels
from .models import Notification, NotificationChannel, NotificationStatus
from .phones import mobile_or_empty
from .rendering import render_message
from .tasks import enqueue_send

logger = logging.getLogger(__name__)

_recording_history = contextvars.ContextVar("recording_history", default=False)


@contextlib.contextmanager
def recording_history() -> Iterator[None]:
    """Events entered after the fact (the demo seed): their messages reach the inbox, but
    nothing goes out by email or SMS; those rows are kept as cancelled, so the outbox says so."""
    token = _recording_history.set(True)
    try:
        yield
    finally:
        _recording_history.reset(token)


# Ids waiting for their transaction's commit, in this thread, with the transaction's outermost
# block. Every enqueue in a transaction registers an on_commit callback, but the first one to run
# publishes them all: one nudge per transaction, not per recipient. A buffer left by a
# transaction that rolled back is dropped when the next transaction starts adding to it.
_waiting = threading.local()


def _nudge_later(ids: list[int]) -> None:
    outermost = connection.atomic_blocks[0] if connection.in_atomic_block else None
    if getattr(_waiting, "transaction", None) is not outermost:
        _waiting.transaction, _waiting.ids = outermost, []
    _waiting.ids.extend(ids)
    transaction.on_commit(_nudge)


def _nudge() -> None:
    """After commit: ask a worker to send the waiting rows now. Never fails the request, and
    costs it at most about settings.BROKER_TIMEOUT when the broker is dead or hung."""
    ids, _waiting.ids = getattr(_waiting, "ids", None) or [], []
    if not ids:
        return
    try:
        enqueue_send(ids)
    except Exception:
        logger.warning("Broker unavailable; %d notifications wait for the periodic dispatch", len(ids), exc_info=True)
        Notification.objects.filter(pk__in=ids, status=NotificationStatus.PENDING).update(queued_at=None)


def notification_enqueue(
    *,
    recipient,
    kind: str,
    about=None,
    due_at: datetime.datetime | None = None,
    dedupe_key: str,
    context: dict,
    channels: Iterable[str] | None = None,
    now: datetime.datetime | None = None,
) -> list[Notification]:
    """One outbox row per channel the recipient receives; the same dedupe_key again creates nothing.

    channels narrows the recipient's own choice (the inbox is always among them); it never adds
    a channel they turned off or have no valid address for. Row keys are f"{dedupe_key}:{channel}".
    Returns the rows for this key, new or existing (also cancelled or sent ones), by channel.
    """
    now = now or timezone.now()
    due = due_at or now
    wanted = receivable_channels(recipient)
    if channels is not None:
        asked = set(channels)
        unknown = asked - set(NotificationChannel.values)
        if unknown:
            raise ValueError(f"Unknown notification channels: {sorted(unknown)}")
        wanted = [channel for channel in wanted if channel in asked]
    keys = {channel: f"{dedupe_key}:{channel}" for channel in wanted}

    with transaction.atomic():
        existing = set(Notification.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key", flat=True))
        missing = [channel for channel, key in keys.items() if key not in existing]
        if missing:
            message = render_message(kind, context, recipient)
            about_fields = (
                {"about_type": ContentType.objects.get_for_model(about), "about_id": about.pk}
                if about is not None
                else {}
            )
            due_now = due <= now
            history = _recording_history.get()
            rows = []
            for channel in missing:
                # The inbox needs no worker: a row due now is delivered by being written.
                delivered = channel == NotificationChannel.INBOX and due_now
                held_back = history and channel != NotificationChannel.INBOX
                rows.append(
                    Notification(
                        recipient=recipient,
                        channel=channel,
                        kind=kind,
                        subject=message.subject,
                        body=message.sms if channel == NotificationChannel.SMS else message.body,
                        body_html=message.body_html if channel == NotificationChannel.EMAIL else "",
                        link=message.link,
                        due_at=due,
                        dedupe_key=keys[channel],
                        status=NotificationStatus.SENT
                        if delivered
                        else NotificationStatus.CANCELLED
                        if held_back
                        else NotificationStatus.PENDING,
                        sent_at=now if delivered else None,
                        queued_at=now if due_now and not (delivered or held_back) else None,
                        **about_fields,
                    )
                )
            # A concurrent transaction may insert the same key: the unique index makes one win and
            # this insert skip it (ON CONFLICT DO NOTHING / INSERT OR IGNORE); then read what is there.
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
        result = list(Notification.objects.filter(dedupe_key__in=keys.values()).order_by("channel"))

    created_now = [
        row.pk for row in result if row.dedupe_key not in existing and row.status == "pending" and row.due_at <= now
    ]
    if created_now:
        _nudge_later(created_now)
    return result


def notification_enqueue_sms(
    *,
    phone: str,
    name: str = "",
    kind: str,
    about=None,
    due_at: datetime.datetime | None = None,
    dedupe_key: str,
    context: dict,
    now: datetime.datetime | None = None,
) -> list[Notification]:
    """One SMS row to a phone number alone, for someone with no user account (a member on the
    register without a login); the same dedupe_key again creates nothing. The row's key is
    f"{dedupe_key}:sms", its ``address`` the number (normalised); a number that is not a
    Vietnamese mobile number creates nothing (returns []). Returns the row, new or existing.

    Like every SMS it waits out the quiet hours (notifications/channels.py); recorded history
    (``recording_history``) keeps it cancelled.
    """
    number = mobile_or_empty(phone or "")
    if not number:
        return []
    now = now or timezone.now()
    due = due_at or now
    key = f"{dedupe_key}:{NotificationChannel.SMS}"
    with transaction.atomic():
        existing = Notification.objects.filter(dedupe_key=key).first()
        if existing is None:
            message = render_message(kind, {**context, "recipient_name": name}, None)
            held_back = _recording_history.get()
            about_fields = (
                {"about_type": ContentType.objects.get_for_model(about), "about_id": about.pk}
                if about is not None
                else {}
            )
            Notification.objects.bulk_create(
                [
                    Notification(
                        recipient=None,
                        recipient_name=name[:200],
                        address=number,
                        channel=NotificationChannel.SMS,
                        kind=kind,
                        subject=message.subject,
                        body=message.sms,
                        link=message.link,
                        due_at=due,
                        dedupe_key=key,
                        status=NotificationStatus.CANCELLED if held_back else NotificationStatus.PENDING,
                        queued_at=now if due <= now and not held_back else None,
                        **about_fields,
                    )
                ],
                ignore_conflicts=True,
            )
        result = list(Notification.objects.filter(dedupe_key=key))
    if existing is None and result and result[0].status == NotificationStatus.PENDING and result[0].due_at <= now:
        _nudge_later([result[0].pk])
    return result


def notifications_cancel(*, about, kinds: Iterable[str] | None = None, dedupe_prefix: str | None = None) -> int:
    """Pending rows about this object (of these kinds, with this key prefix) → cancelled; returns how many.

    A cancelled row keeps its key: enqueue the replacement under a new key (e.g. with the new date).
    """
    rows = Notification.objects.filter(
        about_type=ContentType.objects.get_for_model(about), about_id=about.pk, status=NotificationStatus.PENDING
    )
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    if dedupe_prefix:
        rows = rows.filter(dedupe_key__startswith=dedupe_prefix)
    return rows.update(status=NotificationStatus.CANCELLED, queued_at=None)


def notification_retry(*, notification: Notification, now: datetime.datetime | None = None) -> Notification:
    """A failed row → pending, due now, with a fresh window of attempts (staff's retry button)."""
    now = now or timezone.now()
    retried = dispatch.retry_failed(Notification.objects.filter(pk=notification.pk), now=now)
    notification.refresh_from_db()
    if retried:
        _nudge_later(retried)
    return notification


def retry_failed(*, rows: QuerySet, now: datetime.datetime | None = None) -> int:
    """Every failed row among rows (e.g. the outbox page's filter) → pending, due now, with a
    fresh window of attempts; one nudge for them all. Returns how many."""
    retried = dispatch.retry_failed(rows, now=now or timezone.now())
    if retried:
        _nudge_later(retried)
    return len(retried)


def inbox_mark_read(*, user, notification_id: int | None = None, now: datetime.datetime | None = None) -> int:
    """Mark one of the user's inbox messages read (or all of them when no id); returns how many."""
    rows = Notification.objects.filter(recipient=user, channel=NotificationChannel.INBOX, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=now or timezone.now())
