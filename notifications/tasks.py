"""Thin tasks: they take ids (or nothing), and call dispatch.

acks_late and reject-on-worker-lost are on for every task (settings.py): a worker that dies
leaves its message to be delivered again, and the claim in dispatch.send_row keeps that from
sending twice.
"""

from celery import shared_task
from django.utils import timezone

from . import dispatch

# A chunk of 500 sends: each is a file write, an SMTP exchange (EMAIL_TIMEOUT) or a gateway call
# (10 s timeout). The soft limit stops the loop cleanly; the hard limit kills a hung worker.
SEND_SOFT_TIME_LIMIT = 240
SEND_TIME_LIMIT = 300


@shared_task(name="notifications.send_notifications", soft_time_limit=SEND_SOFT_TIME_LIMIT, time_limit=SEND_TIME_LIMIT)
def send_notifications(ids: list[int]) -> dict[str, int]:
    return dispatch.send_many(ids)


@shared_task(name="notifications.send_notification", soft_time_limit=60, time_limit=90)
def send_notification(notification_id: int) -> dict[str, int]:
    return dispatch.send_many([notification_id])


def enqueue_send(ids: list[int]) -> None:
    # No publish retries: with the broker down this fails at once and the rows wait for the next dispatch.
    send_notifications.apply_async((ids,), retry=False)


@shared_task(name="notifications.dispatch_due", soft_time_limit=50, time_limit=60)
def dispatch_due() -> int:
    return dispatch.dispatch_due(now=timezone.now(), enqueue=enqueue_send)
