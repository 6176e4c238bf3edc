"""Who may see and do what. Every view builds its querysets from here.

A role held at a node of the organisation tree reaches that node's whole
subtree (one indexed ``path LIKE 'X%'`` query). What each role gives:

- commune staff: read and edit everything under its node;
- branch secretary: read and edit its branch;
- leader: read everything under its node;
- assigned cadre: read the branches it follows;
- member: read its own branch (not the other members' records) and its own record.

Anything outside a user's scope must answer 404, never 403.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from .models import Member, Organization, Role, RoleKind

EDITORS = frozenset({RoleKind.COMMUNE_STAFF, RoleKind.SECRETARY})
MEMBER_READERS = frozenset({RoleKind.COMMUNE_STAFF, RoleKind.SECRETARY, RoleKind.LEADER, RoleKind.CADRE})


def roles(user) -> list[Role]:
    """The user's roles with their organisations, loaded once per request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_chibo_roles", None)
    if cached is None:
        cached = list(Role.objects.filter(user=user).select_related("organization").order_by("organization__path"))
        user._chibo_roles = cached
    return cached


def _paths(user, kinds) -> list[str]:
    return [role.organization.path for role in roles(user) if role.kind in kinds]


def _under(paths: list[str], prefix: str = "") -> Q:
    """Rows under any of the given nodes; an empty list matches nothing."""
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{prefix}path__startswith": path}) for path in paths))


def _reaches(paths: list[str], node: Organization) -> bool:
    return any(node.path.startswith(path) for path in paths)


# --- Which objects may this user see? ---------------------------------------


def organizations(user) -> QuerySet[Organization]:
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(_under(_paths(user, set(RoleKind))))


def members(user) -> QuerySet[Member]:
    if user.is_superuser:
        return Member.objects.all()
    q = _under(_paths(user, MEMBER_READERS), prefix="branch__")
    if user.is_authenticated:
        q |= Q(user=user)
    return Member.objects.filter(q)


def editable_branches(user) -> QuerySet[Organization]:
    """Branches whose members this user may add, edit and import."""
    branches = Organization.objects.filter(kind="branch")
    if user.is_superuser:
        return branches
    return branches.filter(_under(_paths(user, EDITORS)))


# --- May this user do this to this object? ----------------------------------


def can_edit_organization(user, organization: Organization) -> bool:
    return user.is_superuser or _reaches(_paths(user, EDITORS), organization)


def can_rename_organization(user, organization: Organization) -> bool:
    """Names and codes are the commune's register: a secretary edits only the branch's practicalities."""
    return user.is_superuser or _reaches(_paths(user, {RoleKind.COMMUNE_STAFF}), organization)


def can_read_members_of(user, organization: Organization) -> bool:
    return user.is_superuser or _reaches(_paths(user, MEMBER_READERS), organization)


def can_edit_member(user, member: Member) -> bool:
    """Editing a member also shows its change history (classified data)."""
    return can_edit_organization(user, member.branch)


# --- Meetings ----------------------------------------------------------------
# Meetings are seen by whoever sees their branch; the actions below decide the rest.


def meetings(user):
    from meetings.models import Meeting

    if user.is_superuser:
        return Meeting.objects.all()
    return Meeting.objects.filter(_under(_paths(user, set(RoleKind)), prefix="branch__"))


def can_manage_meeting(user, meeting) -> bool:
    """Secretary of the branch or commune staff above it: prepare, roll call, minutes.

    Once the minutes are adopted the record is locked; only commune staff may correct it.
    """
    if meeting.is_locked:
        return can_correct_meeting(user, meeting)
    return can_edit_organization(user, meeting.branch)


def can_correct_meeting(user, meeting) -> bool:
    return user.is_superuser or _reaches(_paths(user, {RoleKind.COMMUNE_STAFF}), meeting.branch)


def can_log_meeting(user, branch: Organization) -> bool:
    """Create a meeting for a branch (secretary) or log one a branch reported (commune staff)."""
    return can_edit_organization(user, branch)


def is_assigned_cadre(user, meeting) -> bool:
    """A cadre following the meeting's branch: records own attendance, confirms the score."""
    return _reaches(_paths(user, {RoleKind.CADRE}), meeting.branch)


def commune_staff_branches(user) -> QuerySet[Organization]:
    """Branches whose meeting flags this user follows (commune staff and leaders)."""
    branches = Organization.objects.filter(kind="branch")
    if user.is_superuser:
        return branches
    return branches.filter(_under(_paths(user, {RoleKind.COMMUNE_STAFF, RoleKind.LEADER})))


def can_see_absence_reasons(user, meeting) -> bool:
    """Why a member was absent (illness, family) is for those who keep or oversee the branch."""
    readers = {RoleKind.COMMUNE_STAFF, RoleKind.SECRETARY, RoleKind.LEADER}
    return user.is_superuser or _reaches(_paths(user, readers), meeting.branch)
