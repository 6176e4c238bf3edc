"""The dashboard's tasks (schedules in chibo/celery.py). Thin: the rules are in dashboard.digest and
oversight.services.summaries."""

import datetime

from celery import shared_task
from django.utils import timezone

from members.access import system_scope
from members.models import Organization, OrganizationKind
from oversight import digest
from oversight.services.summaries import (
    branch_months_refresh,
    branch_months_refresh_for_meeting,
    branch_months_refresh_recent,
)

# The nightly refresh: the current month and the two before it.
NIGHTLY_MONTHS = 3


@shared_task
def weekly_digest() -> int:
    """Queue this week's digest for every leader; returns how many were new (0 on a second run)."""
    with system_scope():
        leaders = digest.leaders()
    return digest.send_digests(leaders, now=timezone.now())


@shared_task
def refresh_branch_months(branch_ids: list[int], months: list[str]) -> int:
    """Recompute these branches' summaries for these months (ISO dates); returns the rows written."""
    with system_scope():
        branches = Organization.objects.filter(pk__in=branch_ids, kind=OrganizationKind.BRANCH).order_by("pk")
        return branch_months_refresh(branches=branches, months=[datetime.date.fromisoformat(month) for month in months])


@shared_task
def refresh_meeting_months(meeting_id: int) -> int:
    """Recompute the summaries a change to this meeting's roll, guests, agenda or minutes touches."""
    with system_scope():
        return branch_months_refresh_for_meeting(meeting_id=meeting_id, today=timezone.localdate())


@shared_task
def refresh_recent_branch_months(months: int = NIGHTLY_MONTHS) -> int:
    """Every branch's summaries of the last months, in batches; returns the rows written."""
    with system_scope():
        return branch_months_refresh_recent(today=timezone.localdate(), count=months)
