"""Use cases that change the organisation tree's records."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from members.codes import validate_code
from members.models import Organization
from members.models.organizations import parent_refusal


def organization_check_parent(*, kind: str, parent: Organization | None) -> None:
    """Refuse a node that would sit where the tree does not allow it (a commune or a branch under
    a branch, a branch at the root)."""
    refusal = parent_refusal(kind, parent.kind if parent else None)
    if refusal:
        raise ValidationError({"kind": refusal}, code="parent_kind")


@transaction.atomic
def organization_add(*, parent: Organization | None, fields: dict, by: AbstractBaseUser | None = None) -> Organization:
    """A new node of the tree under ``parent`` (a root when None), refused where the tree forbids it
    or when its code is not one (members.codes: "Tam Hưng" is refused, "tam-hung" offered)."""
    kind = fields.get("kind")
    organization_check_parent(kind=kind, parent=parent)
    try:
        validate_code(fields.get("code") or "")
    except ValidationError as error:
        raise ValidationError({"code": error.messages}, code="code") from None
    if parent is None:
        return Organization.objects.add_root(create_kwargs=fields)
    parent = Organization.objects.get(pk=parent.pk)  # treebeard needs the stored numchild
    return Organization.objects.add_child(parent, create_kwargs=fields)


@transaction.atomic
def organization_save(*, organization: Organization, by: AbstractBaseUser) -> Organization:
    """Save an organisation's edited details (validated by its form); history records ``by``."""
    if organization.pk and not organization.is_root():
        organization_check_parent(kind=organization.kind, parent=Organization.objects.get_parent(organization))
    organization._history_user = by
    organization.save()
    return organization
