"""What the petitions views share: the petition in the user's scope, who sees the pages, communes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from members.access import above_any_q, nodes, subtree_q
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


def sees_petitions(user) -> bool:
    """Anyone with a role that sees some branch's petitions, or an officer of a body."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(nodes(user, access.READERS | access.OFFICER_ROLE))


def require_petitions(user) -> None:
    if not sees_petitions(user):
        raise Http404


def oversees(user) -> bool:
    """Leaders and commune staff: forward and reassign from the list."""
    return user.is_authenticated and (user.is_superuser or bool(nodes(user, OVERSEERS)))


def petition_or_404(request, pk) -> Petition:
    return get_object_or_404(access.petitions(request.user).select_related(*DETAIL_RELATED), pk=pk)


def communes(user, kinds=None) -> QuerySet[Organization]:
    """The communes at, above or under the nodes where the user holds one of these roles."""
    found = Organization.objects.filter(kind=OrganizationKind.COMMUNE).order_by("path")
    if user.is_superuser:
        return found
    held = nodes(user, kinds if kinds is not None else access.READERS | access.OFFICER_ROLE)
    if not held:
        return found.none()
    return found.filter(subtree_q(held) | above_any_q(held))


def scope_categories(user) -> QuerySet[Category]:
    return Category.objects.filter(commune__in=communes(user)).order_by("commune__path", "position", "name")


def scope_bodies(user, kinds=None) -> QuerySet[Body]:
    return Body.objects.filter(commune__in=communes(user, kinds)).order_by("commune__path", "position", "name")


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
    places = list(communes(user, OVERSEERS))
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
