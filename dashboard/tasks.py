"""The Monday digest (its schedule is in chibo/celery.py). Thin: the rules are in dashboard.digest."""

from celery import shared_task
from django.utils import timezone

from dashboard import digest
from members.access import system_scope


@shared_task
def weekly_digest() -> int:
    """Queue this week's digest for every leader; returns how many were new (0 on a second run)."""
    with system_scope():
        leaders = digest.leaders()
    return digest.send_digests(leaders, now=timezone.now())
