"""A commune's petition categories and answering bodies: the defaults, and their staff's edits."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import Organization, OrganizationKind
from members.names import person_names
from members.text import clean_name
from petitions import access
from petitions.models import DEFAULT_BODIES, DEFAULT_CATEGORIES, VILLAGE_BODIES, Body, Category

# "Đảng bộ xã Tam Hưng" → "xã Tam Hưng": the bodies are named after the place.
PARTY_PREFIX = "Đảng bộ "


def place_name(commune: Organization) -> str:
    return commune.name.removeprefix(PARTY_PREFIX).strip()


def catalogue_defaults(commune: Organization) -> tuple[list[Category], list[Body]]:
    """The default categories and bodies a commune starts with, unsaved (no query): what its
    pages show, read-only, until a write creates them (``catalogue_ensure``)."""
    place = place_name(commune)
    categories = [
        Category(commune=commune, name=name, default_days=days, position=position)
        for position, (name, days) in enumerate(DEFAULT_CATEGORIES, start=1)
    ]
    bodies = [
        Body(commune=commune, name=f"{name} {place}".strip(), kind=kind, position=position)
        for position, (name, kind) in enumerate(DEFAULT_BODIES, start=1)
    ] + [
        Body(commune=commune, name=name, kind=kind, position=position)
        for position, (name, kind) in enumerate(VILLAGE_BODIES, start=len(DEFAULT_BODIES) + 1)
    ]
    return categories, bodies


@transaction.atomic
def catalogue_ensure(*, commune: Organization) -> None:
    """Give a commune the default categories and bodies: when it is created (portal.services),
    or on the first write that needs them. Never on a GET: a page only shows the defaults.

    Runs any number of times: a commune that already has categories (or bodies) keeps them as
    its staff left them, even if they renamed or removed a default.
    """
    if commune.kind != OrganizationKind.COMMUNE:
        raise ValueError("Categories and bodies belong to a commune.")
    categories, bodies = catalogue_defaults(commune)
    if not Category.objects.filter(commune=commune).exists():
        Category.objects.bulk_create(categories, ignore_conflicts=True)
    if not Body.objects.filter(commune=commune).exists():
        Body.objects.bulk_create(bodies, ignore_conflicts=True)


def _check_keeper(by: AbstractBaseUser, commune: Organization) -> None:
    if not access.can_manage_catalogue(by, commune):
        raise PermissionDenied(_("Only the commune's staff may change its petition categories and bodies."))


def _clean_name(name: str) -> str:
    name = clean_name(name)
    if not name:
        raise ValidationError(_("Give it a name."), code="name")
    return name


def _check_unique(model, commune: Organization, name: str, exclude_pk: int | None = None) -> None:
    clash = model.objects.filter(commune=commune, name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(_("%(name)s already exists in this commune."), params={"name": name}, code="unique")


def _check_days(default_days: int) -> None:
    if not 1 <= default_days <= 365:
        raise ValidationError(_("The default deadline is between 1 and 365 working days."), code="days")


@transaction.atomic
def category_create(
    *, commune: Organization, name: str, default_days: int, position: int | None = None, by: AbstractBaseUser
) -> Category:
    _check_keeper(by, commune)
    name = _clean_name(name)
    _check_days(default_days)
    _check_unique(Category, commune, name)
    if position is None:
        position = Category.objects.filter(commune=commune).count() + 1
    category = Category(commune=commune, name=name, default_days=default_days, position=position)
    category._history_user = by
    category.save()
    return category


@transaction.atomic
def category_update(
    *, category: Category, name: str, default_days: int, position: int | None = None, by: AbstractBaseUser
) -> Category:
    """Rename or re-time a category; petitions already forwarded keep their deadlines."""
    _check_keeper(by, category.commune)
    name = _clean_name(name)
    _check_days(default_days)
    _check_unique(Category, category.commune, name, exclude_pk=category.pk)
    category.name, category.default_days = name, default_days
    if position is not None:
        category.position = position
    category._history_user = by
    category.save()
    return category


@transaction.atomic
def body_create(
    *, commune: Organization, name: str, kind: str = "", position: int | None = None, by: AbstractBaseUser
) -> Body:
    _check_keeper(by, commune)
    name = _clean_name(name)
    _check_unique(Body, commune, name)
    if position is None:
        position = Body.objects.filter(commune=commune).count() + 1
    body = Body(commune=commune, name=name, kind=kind, position=position)
    body._history_user = by
    body.save()
    return body


@transaction.atomic
def body_update(*, body: Body, name: str, kind: str = "", position: int | None = None, by: AbstractBaseUser) -> Body:
    _check_keeper(by, body.commune)
    name = _clean_name(name)
    _check_unique(Body, body.commune, name, exclude_pk=body.pk)
    body.name, body.kind = name, kind
    if position is not None:
        body.position = position
    body._history_user = by
    body.save()
    return body


@transaction.atomic
def body_set_officers(*, body: Body, officers: Iterable[AbstractBaseUser], by: AbstractBaseUser) -> Body:
    """Who works on the body's queue: users holding the officer role at its commune (or above)."""
    _check_keeper(by, body.commune)
    officers = list(officers)
    strangers = [user for user in officers if not access.is_officer_at(user, body.commune)]
    if strangers:
        raise ValidationError(
            _("%(names)s is not an officer of this commune."),
            params={"names": person_names(strangers)},
            code="officer",
        )
    body.officers.set(officers)
    for user in officers:
        access.forget_bodies(user)
    return body
