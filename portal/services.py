"""Use cases that span apps: a new commune starts with what every app gives a commune."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from members.models import Organization, OrganizationKind
from members.services.organizations import organization_add
from petitions.services.catalogue import catalogue_ensure


def organization_started(*, organization: Organization) -> None:
    """What a node of the tree gets when it is created (or becomes a commune): a commune gets its
    default petition categories and bodies, so that no page has to create them on a GET."""
    if organization.kind == OrganizationKind.COMMUNE:
        catalogue_ensure(commune=organization)


@transaction.atomic
def organization_create(
    *, parent: Organization | None, fields: dict, by: AbstractBaseUser | None = None
) -> Organization:
    """A new node of the tree (members' ``organization_add``), with what each app gives it."""
    organization = organization_add(parent=parent, fields=fields, by=by)
    organization_started(organization=organization)
    return organization
