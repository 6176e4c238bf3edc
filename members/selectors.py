"""Reads that take more than one filter. Each runs a fixed number of queries."""

import datetime
import re

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from accounts.selectors import locked_until, two_factor_user_ids
from members.access import subtree_key, subtree_q
from members.models import BRANCH_MINIMUM, Member, MemberStatus, Organization, OrganizationKind, Position, PositionKind
from members.names import person_name


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


def signer_on(branch: Organization, day: datetime.date) -> tuple[Member | None, str]:
    """Who signs for the branch on the day, and as what: the secretary; with the secretary's post
    vacant, the deputy secretary in charge (docs/domain.md#minutes-and-resolution); else (None,
    SECRETARY): the post is vacant and the line is left for a name. One query."""
    held = {
        position.kind: position.member
        for position in Position.objects.filter(branch=branch, kind__in=(PositionKind.SECRETARY, PositionKind.DEPUTY))
        .held_on(day)
        .select_related("member")
        .order_by("started_on")
    }
    if PositionKind.SECRETARY in held:
        return held[PositionKind.SECRETARY], PositionKind.SECRETARY
    if PositionKind.DEPUTY in held:
        return held[PositionKind.DEPUTY], PositionKind.DEPUTY
    return None, PositionKind.SECRETARY


def has_committee(branch: Organization, day: datetime.date) -> bool:
    """Whether the branch had an elected committee (chi ủy) on the day: someone held a
    committee-member position then. A secretary, with or without a deputy, is not a committee
    (a branch under nine full members elects only those), whatever the member count."""
    return Position.objects.filter(branch=branch, kind=PositionKind.COMMITTEE).held_on(day).exists()


def position_history(branch: Organization) -> QuerySet[Position]:
    """Every term recorded in the branch, the latest first (the office holders' history)."""
    return Position.objects.filter(branch=branch).select_related("member").order_by("-started_on", "kind", "-pk")


def small_branches(branches: QuerySet[Organization], on: datetime.date | None = None) -> QuerySet[Organization]:
    """The branches among ``branches`` with fewer than 3 full members on the day (today), each with
    its count as ``full_count``, in tree order: one query. A branch has at least 3 full members
    (Điều lệ Đảng); the commune sees these among its flags."""
    on = on or timezone.localdate()
    full = (
        Q(members__status=MemberStatus.FULL, members__temporarily_attached=False)
        & (Q(members__left_on__isnull=True) | Q(members__left_on__gt=on))
        & (Q(members__joined_branch_on__isnull=True) | Q(members__joined_branch_on__lte=on))
        & (Q(members__full_member_on__isnull=True) | Q(members__full_member_on__lte=on))
    )
    return (
        branches.filter(kind=OrganizationKind.BRANCH)
        .annotate(full_count=Count("members", filter=full))
        .filter(full_count__lt=BRANCH_MINIMUM)
        .order_by("path")
    )


def subtree_with_counts(organizations: QuerySet[Organization]) -> QuerySet[Organization]:
    """Organisations in tree order, branches with their current member count."""
    return organizations.order_by("path").annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True)),
    )


def organization_summaries(organizations: list[Organization]) -> list[dict[str, int]]:
    """Branches and current members under each node, in two queries for any number of nodes."""
    if not organizations:
        return []
    # Only rows under these nodes are counted (not every branch and member of the database).
    branches = Organization.objects.filter(subtree_q(organizations), kind=OrganizationKind.BRANCH).aggregate(
        **{f"n{i}": Count("pk", filter=subtree_q([org])) for i, org in enumerate(organizations)}
    )
    members = (
        Member.objects.active()
        .filter(subtree_q(organizations, prefix="branch__"))
        .aggregate(
            # branch_id (never null) rather than the id: the partial index of current members by
            # branch answers alone (an index-only scan), without reading the member rows.
            **{
                f"n{i}": Count("branch_id", filter=subtree_q([org], prefix="branch__"))
                for i, org in enumerate(organizations)
            }
        )
    )
    return [{"branches": branches[f"n{i}"], "members": members[f"n{i}"]} for i in range(len(organizations))]


def organization_summary(organization: Organization) -> dict[str, int]:
    """Branches and current members under one node."""
    return organization_summaries([organization])[0]


_LOCAL_UNIT = re.compile(r"^(?:đảng bộ\s+)?(xã|phường|thị trấn|đặc khu)\b", re.IGNORECASE)
_PARTY_BODY = re.compile(r"^đảng bộ\s+", re.IGNORECASE)


def superior_committee(branch: Organization) -> str:
    """The committee of the level above a branch, as "Nơi nhận" names it: "Đảng ủy xã",
    "Đảng ủy phường" (by the commune's name), "Đảng ủy <name>" for a grassroots or partial
    committee in between. One query."""
    parent = branch.get_parent()
    if parent is None:
        return "Đảng ủy cấp trên"
    name = parent.name.strip()
    unit = _LOCAL_UNIT.match(name)
    if unit:
        return f"Đảng ủy {unit.group(1).lower()}"
    rest = _PARTY_BODY.sub("", name)
    return f"Đảng ủy {rest}" if rest != name else f"Đảng ủy {name}"


# --- Accounts (commune staff's accounts page) ------------------------------------------


def account_rows(users: list) -> list[dict]:
    """For each user: the member's name, whether two-factor is on, and until when it is locked out.
    Three queries whatever the number of users."""
    ids = [user.pk for user in users]
    # The member records, for the names (members.names.person_name): one query for the list.
    prefetch_related_objects(users, Prefetch("member", queryset=Member.objects.only("pk", "user_id", "full_name")))
    with_device = two_factor_user_ids(ids)
    locks = locked_until([user.get_username() for user in users])
    return [
        {
            "user": user,
            "name": person_name(user),
            "two_factor": user.pk in with_device,
            "locked_until": locks.get(user.get_username()),
        }
        for user in users
    ]


CHILDREN_PER_PAGE = 100


def children_with_counts(node: Organization, visible: QuerySet[Organization], page=None) -> Page:
    """One page of the node's children among ``visible`` (``CHILDREN_PER_PAGE``, in tree order),
    each with ``branch_count`` and ``member_count`` (current members) under it. Four queries,
    whatever the subtree's size: counts cover only the page's children, grouped by their path
    prefix, so the tree opens one level, and one page of a level, at a time (a province may
    have a thousand communes)."""
    listed = Paginator(visible.filter(subtree_q([node]), depth=node.depth + 1).order_by("path"), CHILDREN_PER_PAGE)
    children_page = listed.get_page(page)
    children = list(children_page.object_list)
    children_page.object_list = children
    if not children:
        return children_page
    # Under the page's children; when one page holds them all, under the node (one path prefix
    # instead of a hundred).
    under = children if children_page.has_other_pages() else [node]
    branches = dict(
        Organization.objects.filter(subtree_q(under), kind=OrganizationKind.BRANCH, depth__gt=node.depth)
        .annotate(prefix=subtree_key(children))
        .order_by()
        .values("prefix")
        .annotate(n=Count("pk"))
        .values_list("prefix", "n")
    )
    members = dict(
        Member.objects.active()
        .filter(subtree_q(under, prefix="branch__"))
        .annotate(prefix=subtree_key(children, prefix="branch__"))
        .order_by()
        .values("prefix")
        .annotate(n=Count("branch_id"))  # not the id: the partial index of current members answers alone
        .values_list("prefix", "n")
    )
    for child in children:
        child.branch_count = branches.get(child.path, 0)
        child.member_count = members.get(child.path, 0)
    return children_page
