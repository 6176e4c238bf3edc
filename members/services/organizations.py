"""Use cases that change the organisation tree's records."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from members.models import Organization


@transaction.atomic
def organization_save(*, organization: Organization, by: AbstractBaseUser) -> Organization:
    """Save an organisation's edited details (validated by its form); history records ``by``."""
    organization._history_user = by
    organization.save()
    return organization
