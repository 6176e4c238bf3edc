"""What the petitions views share: the petition in the user's scope, who sees the pages, communes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from members.models import Organization, OrganizationKind
from members.names import person_name
from petitions import access
from petitions.models import OVERSEERS, Body, Category, Petition

# Rows per page of the review list.
PAGE_SIZE = 25
DETAIL_RELATED = (
    "branch",
    "meeting",
    "category__commune",
    "body",
    "officer__member",
    "raised_by_member",
    "answered_by__member",
    "answered_at_meeting",
    "reported_back_at_meeting",
    "outcome_reported_at_meeting",
)


def require_petitions(user) -> None:
    if not access.sees_petitions(user):
        raise Http404


def petition_or_404(request, pk) -> Petition:
    return get_object_or_404(access.petitions(request.user).select_related(*DETAIL_RELATED), pk=pk)


def scope_categories(user) -> QuerySet[Category]:
    return Category.objects.filter(commune__in=access.communes(user)).order_by("commune__path", "position", "name")


def scope_bodies(user, kinds=None) -> QuerySet[Body]:
    return Body.objects.filter(commune__in=access.communes(user, kinds)).order_by("commune__path", "position", "name")


def scope_officers(user) -> QuerySet:
    """Officers who hold a petition the user sees (the list's filter)."""
    return (
        get_user_model()
        .objects.filter(petitions_held__in=access.petitions(user))
        .select_related("member")
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def assignable_officers(user) -> QuerySet:
    """Officers of the communes the user oversees (the bulk form)."""
    places = list(access.communes(user, OVERSEERS))
    if not places:
        return get_user_model().objects.none()
    found = access.officers(places[0])
    for commune in places[1:]:
        found = found | access.officers(commune)
    return found.select_related("member").distinct().order_by("last_name", "first_name", "username")


def scope_branches(user) -> QuerySet[Organization]:
    """The branches whose petitions the user sees some of (the list's filter)."""
    return Organization.objects.filter(
        kind=OrganizationKind.BRANCH, pk__in=access.petitions(user).values("branch_id")
    ).order_by("path")


def officer_name(user) -> str:
    return person_name(user)
