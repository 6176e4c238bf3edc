import datetime

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from members.access import system_scope
from members.models import Organization, Position, PositionKind
from members.services.imports import purge_stale_batches
from members.services.positions import secretary_role_sync


@shared_task
def purge_import_batches() -> int:
    return purge_stale_batches(now=timezone.now())


@shared_task
def follow_secretary_posts() -> int:
    """The secretary's role follows the post on the day: branches where a secretary's term starts
    today or ended yesterday (recorded ahead of the day) get their roles set. Returns how many."""
    today = timezone.localdate()
    with system_scope():
        changed = Position.objects.filter(kind=PositionKind.SECRETARY).filter(
            Q(started_on=today) | Q(ended_on=today - datetime.timedelta(days=1))
        )
        branches = Organization.objects.filter(pk__in=changed.values("branch_id"))
        count = 0
        for branch in branches:
            secretary_role_sync(branch=branch, on=today)
            count += 1
    return count
