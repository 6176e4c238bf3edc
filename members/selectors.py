"""Reads that take more than one filter. Each runs a fixed number of queries."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from members.access import subtree_q
from members.models import Member, MemberStatus, Organization, OrganizationKind, Position


def branch_counts(branch: Organization) -> dict[str, int]:
    """Current members of a branch by status, in one query."""
    return (
        Member.objects.filter(branch=branch)
        .active()
        .aggregate(
            total=Count("pk"),
            full=Count("pk", filter=Q(status=MemberStatus.FULL)),
            probationary=Count("pk", filter=Q(status=MemberStatus.PROBATIONARY)),
            exempt=Count("pk", filter=Q(exempt_since__isnull=False)),
            attached=Count("pk", filter=Q(temporarily_attached=True)),
        )
    )


def current_positions(branch: Organization, on: datetime.date | None = None) -> QuerySet[Position]:
    on = on or timezone.localdate()
    return Position.objects.filter(branch=branch).held_on(on).select_related("member").order_by("kind", "started_on")


def secretary_on(branch: Organization, day: datetime.date) -> Member | None:
    """Who was the branch secretary on a given day."""
    position = Position.objects.filter(branch=branch, kind="secretary").held_on(day).select_related("member").first()
    return position.member if position else None


def subtree_with_counts(organizations: QuerySet[Organization]) -> QuerySet[Organization]:
    """Organisations in tree order, branches with their current member count."""
    return organizations.order_by("path").annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True)),
    )


def organization_summaries(organizations: list[Organization]) -> list[dict[str, int]]:
    """Branches and current members under each node, in two queries for any number of nodes."""
    if not organizations:
        return []
    branches = Organization.objects.filter(kind=OrganizationKind.BRANCH).aggregate(
        **{f"n{i}": Count("pk", filter=subtree_q([org])) for i, org in enumerate(organizations)}
    )
    members = Member.objects.active().aggregate(
        **{f"n{i}": Count("pk", filter=subtree_q([org], prefix="branch__")) for i, org in enumerate(organizations)}
    )
    return [{"branches": branches[f"n{i}"], "members": members[f"n{i}"]} for i in range(len(organizations))]


def organization_summary(organization: Organization) -> dict[str, int]:
    """Branches and current members under one node."""
    return organization_summaries([organization])[0]
