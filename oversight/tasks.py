"""Oversight's tasks (schedules in chibo/celery.py). Thin: the rules are in oversight.digest,
oversight.freshness and oversight.services.summaries."""

from collections import defaultdict

from celery import shared_task
from django.utils import timezone

from members.access import system_scope
from members.models import Organization, OrganizationKind
from oversight import digest
from oversight.freshness import stale_branch_months
from oversight.services.summaries import branch_months_refresh, branch_months_refresh_recent

# The nightly refresh: the current month and the two before it.
NIGHTLY_MONTHS = 3


@shared_task
def weekly_digest() -> int:
    """Queue this week's digest for every leader; returns how many were new (0 on a second run)."""
    with system_scope():
        leaders = digest.leaders()
    return digest.send_digests(leaders, now=timezone.now())


@shared_task
def refresh_changed_branch_months() -> int:
    """Recompute the summaries older than a change to their meetings or cadre assignments
    (oversight.freshness), every minute; returns the rows written (0 when nothing changed)."""
    now = timezone.now()
    with system_scope():
        stale = stale_branch_months(now=now, today=timezone.localdate(now))
        # Branches with the same months in one refresh (its queries are per batch, not per branch).
        by_months: dict[tuple, list[int]] = defaultdict(list)
        for branch_id, months in stale.items():
            by_months[tuple(months)].append(branch_id)
        written = 0
        for months, branch_ids in by_months.items():
            branches = Organization.objects.filter(pk__in=branch_ids, kind=OrganizationKind.BRANCH).order_by("pk")
            written += branch_months_refresh(branches=branches, months=list(months), now=now)
        return written


@shared_task
def refresh_recent_branch_months(months: int = NIGHTLY_MONTHS) -> int:
    """Every branch's summaries of the last months, in batches; returns the rows written."""
    with system_scope():
        return branch_months_refresh_recent(today=timezone.localdate(), count=months)
