"""Who sees the dashboard and over which branches, built on the primitive in members.access.

Commune staff and leaders (and administrators) see it, over the branches under the nodes where
they hold one of those roles: the same people and branches as the flags page. Anyone else, and
any node outside those subtrees, gets 404.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import Q, QuerySet

from members.access import OVERSEERS, is_under, nodes, reaches, subtree_q
from members.models import Organization, RoleKind
from oversight.models import BranchMonth


def can_see_dashboard(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(nodes(user, OVERSEERS)))


def roots(user) -> list[Organization]:
    """The outermost nodes the user oversees (an administrator: the top of the tree), by path."""
    if user.is_superuser:
        return list(Organization.objects.get_root_nodes())
    kept: list[Organization] = []
    for node in sorted(nodes(user, OVERSEERS), key=lambda node: node.path):
        if not any(is_under(node, outer) for outer in kept):
            kept.append(node)
    return kept


def can_see_node(user, node: Organization) -> bool:
    return user.is_superuser or reaches(user, OVERSEERS, node)


def under_q(nodes: list[Organization], prefix: str = "branch__") -> Q:
    """Rows whose branch lies under any of these nodes."""
    return subtree_q(nodes, prefix=prefix)


def summaries(user) -> QuerySet[BranchMonth]:
    """The monthly summaries of the branches the user oversees."""
    if user.is_superuser:
        return BranchMonth.objects.all()
    return BranchMonth.objects.filter(subtree_q(nodes(user, OVERSEERS), prefix="branch__"))


# --- The removal list (docs/domain.md#removal-from-the-register) ---------------------------------


def can_see_removal_list(user) -> bool:
    """Commune staff and leaders (and administrators): the people who see the flags."""
    return can_see_dashboard(user)


def can_decide_removal(user, branch: Organization) -> bool:
    """Commune staff above the member's branch record what was decided; leaders only read.
    ``branch``: the member's branch (anything with its ``path``)."""
    return user.is_superuser or reaches(user, {RoleKind.COMMUNE_STAFF}, branch)


def removal_deciders(user, cases) -> set[int]:
    """The members of the removal list (``oversight.selectors.removal.RemovalCase``) whose case
    this user may record a decision on. The primitive reads the roles once: no query per member."""
    return {case.member_id for case in cases if can_decide_removal(user, SimpleNamespace(path=case.branch_path))}
