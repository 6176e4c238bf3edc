"""Who keeps which announced days, built on the primitive in members.access (docs/domain.md#calendar).

The national list (days without an organisation) changes every commune's deadlines and meeting
days: province staff and superusers keep it. Commune staff keep their own node's days off,
which count only below it, and see the national list without editing it. Others do not see
the page (404).
"""

from __future__ import annotations

from members.access import nodes, reaches, staff_organizations
from members.models import Organization, OrganizationKind, RoleKind

__all__ = ["can_keep_days_of", "can_keep_national_days", "can_open_days", "local_places"]

STAFF = frozenset({RoleKind.COMMUNE_STAFF})


def can_keep_national_days(user) -> bool:
    """Superusers, and staff holding their role at a province."""
    return user.is_superuser or any(node.kind == OrganizationKind.PROVINCE for node in nodes(user, STAFF))


def local_places(user) -> list[Organization]:
    """The nodes whose own days off the user keeps: where they are staff (not branches)."""
    return staff_organizations(user)


def can_open_days(user) -> bool:
    return can_keep_national_days(user) or bool(local_places(user))


def can_keep_days_of(user, organization: Organization | None) -> bool:
    """The national list (``None``) or one node's own days off."""
    if organization is None:
        return can_keep_national_days(user)
    return not organization.is_branch and (user.is_superuser or reaches(user, STAFF, organization))
