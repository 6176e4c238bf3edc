"""The petitions app's periodic task (its schedule is in chibo/celery.py): the deadline chases,
in the system scope, safe to run any number of times."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from members.access import system_scope
from petitions import reminders


@shared_task
def chase_petitions() -> int:
    """Remind officers of deadlines near and past, and leaders of petitions long overdue (daily).
    Returns the outbox rows of today's chases, those queued by an earlier run included."""
    with system_scope(), transaction.atomic():
        return len(reminders.chase_petitions(now=timezone.now()))
