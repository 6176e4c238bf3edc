"""Who may see and do what with petitions, built on the primitive in members.access.

- secretary: records and sees the branch's petitions, answers at the meeting, reports outcomes back;
- attending cadre (a cadre role at the branch): sees the branch's petitions, answers at the meeting;
- leader and commune staff: see everything in their subtree; forward, reassign, set and extend
  deadlines, escalate, refuse, mark not within the commune's competence, answer (commune staff
  also record and report outcomes back);
- officer of a body (an officer role at the commune or above): sees and updates the petitions
  they hold and those of their bodies (``Body.officers``), nothing else;
- plain member: sees the petitions of their own branch, without residents' phone numbers.

What each action needs is the ``roles`` column of its row in
``petitions.services.workflow.ACTIONS`` (handed to ``may``); this module decides per user and
petition. Anything a user may not see answers 404.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from members.access import above_any_q, above_q, branches, nodes, reaches, subtree_q
from members.models import Organization, OrganizationKind, RoleKind

from .models import OVERSEERS, Body, Category, Petition, PetitionAttachment, PetitionEvent

# See a branch's petitions (each reaching the branch from where the role is held).
READERS = frozenset({RoleKind.SECRETARY, RoleKind.CADRE, RoleKind.LEADER, RoleKind.COMMUNE_STAFF, RoleKind.MEMBER})
# ... and the residents' names and phone numbers: those who handle petitions, not plain members.
CONTACT_READERS = READERS - {RoleKind.MEMBER}
RECORDERS = frozenset({RoleKind.SECRETARY, RoleKind.COMMUNE_STAFF})
CATALOGUE_KEEPERS = frozenset({RoleKind.COMMUNE_STAFF})
OFFICER_ROLE = frozenset({RoleKind.OFFICER})


# --- The tree ----------------------------------------------------------------------------------


def commune_of(node: Organization) -> Organization | None:
    """The nearest commune at or above a node (a branch may sit under a grassroots committee)."""
    return Organization.objects.filter(above_q(node), kind=OrganizationKind.COMMUNE).order_by("-depth").first()


# --- Who sees the pages ----------------------------------------------------------------------


def sees_petitions(user) -> bool:
    """Anyone with a role that sees some branch's petitions, or an officer of a body."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(nodes(user, READERS | OFFICER_ROLE))


def oversees(user) -> bool:
    """Leaders and commune staff: forward and reassign from the list."""
    return user.is_authenticated and (user.is_superuser or bool(nodes(user, OVERSEERS)))


def holds_officer_role(user) -> bool:
    """An officer of some body (the officer's own pages and queue)."""
    return bool(nodes(user, OFFICER_ROLE))


def keeps_a_catalogue(user) -> bool:
    """Commune staff somewhere: they keep a commune's categories and bodies."""
    return bool(nodes(user, CATALOGUE_KEEPERS))


def can_see_branch(user, branch: Organization) -> bool:
    """The branch's petitions are readable by this user's roles (the meeting page's panel)."""
    return user.is_superuser or reaches(user, READERS, branch)


def communes(user, kinds=None) -> QuerySet[Organization]:
    """The communes at, above or under the nodes where the user holds one of these roles."""
    found = Organization.objects.filter(kind=OrganizationKind.COMMUNE).order_by("path")
    if user.is_superuser:
        return found
    held = nodes(user, kinds if kinds is not None else READERS | OFFICER_ROLE)
    if not held:
        return found.none()
    return found.filter(subtree_q(held) | above_any_q(held))


# --- Officers ----------------------------------------------------------------------------------


def body_ids(user) -> frozenset[int]:
    """The bodies whose queue this user works on, loaded once per user object."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_petition_body_ids", None)
    if cached is None:
        cached = frozenset(Body.objects.filter(officers=user).values_list("pk", flat=True))
        user._petition_body_ids = cached
    return cached


def forget_bodies(user) -> None:
    """Drop the cached bodies after the user joined or left one (a long-lived user object)."""
    user.__dict__.pop("_petition_body_ids", None)


def is_officer_at(user, commune: Organization) -> bool:
    """The user holds the officer role at this commune or above it."""
    return reaches(user, OFFICER_ROLE, commune)


def handles(user, petition: Petition) -> bool:
    """An officer who holds this petition or works on its body's queue (and still holds the role)."""
    if not user.is_authenticated:
        return False
    mine = petition.officer_id == user.pk or (petition.body_id is not None and petition.body_id in body_ids(user))
    return mine and reaches(user, OFFICER_ROLE, petition.branch)


def officers(commune: Organization) -> QuerySet:
    """Users who may be put in charge of a petition of this commune (officer role at it or above)."""
    return (
        get_user_model()
        .objects.filter(above_q(commune, prefix="roles__organization__"), roles__kind=RoleKind.OFFICER)
        .select_related("member")  # their names (members.names.person_name) in the choices
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# --- Seeing ------------------------------------------------------------------------------------


def petitions(user) -> QuerySet[Petition]:
    """The petitions this user may see (the start of every list, page and export)."""
    if user.is_superuser:
        return Petition.objects.all()
    q = subtree_q(nodes(user, READERS), prefix="branch__")
    if user.is_authenticated and nodes(user, OFFICER_ROLE):
        held = Q(officer=user)
        if ids := body_ids(user):
            held |= Q(body_id__in=ids)
        # An officer of xã A who is also in a body list of xã B still sees only xã A's petitions.
        q |= held & subtree_q(nodes(user, OFFICER_ROLE), prefix="branch__")
    return Petition.objects.filter(q)


def can_see(user, petition: Petition) -> bool:
    return user.is_superuser or reaches(user, READERS, petition.branch) or handles(user, petition)


def can_open_meetings(user, petition: Petition) -> bool:
    """The petition's meetings open for this user (an officer sees the petition, not the branch's
    meetings: the page names the meeting without a link). No query."""
    return user.is_superuser or reaches(user, READERS, petition.branch)


def can_see_contact(user, petition: Petition) -> bool:
    """The resident's name and phone: for those who handle the petition, not for plain members."""
    return user.is_superuser or reaches(user, CONTACT_READERS, petition.branch) or handles(user, petition)


def events(user) -> QuerySet[PetitionEvent]:
    return PetitionEvent.objects.filter(petition__in=petitions(user))


def attachments(user) -> QuerySet[PetitionAttachment]:
    return PetitionAttachment.objects.filter(petition__in=petitions(user))


# --- Doing -------------------------------------------------------------------------------------


def may(user, action, petition: Petition) -> bool:
    """The user's roles allow this action (a row of the workflow table) on this petition
    (whatever its status)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    kinds = action.roles
    if reaches(user, kinds - OFFICER_ROLE, petition.branch):
        return True
    return RoleKind.OFFICER in kinds and handles(user, petition)


def can_record(user, branch: Organization) -> bool:
    """Record a petition for a branch: its secretary, or commune staff above it."""
    return branch.is_branch and (user.is_superuser or reaches(user, RECORDERS, branch))


def recordable_branches(user) -> QuerySet[Organization]:
    return branches(user, RECORDERS)


def can_manage_catalogue(user, commune: Organization) -> bool:
    """Edit a commune's categories and bodies (and who works on a body's queue): its staff."""
    return user.is_superuser or reaches(user, CATALOGUE_KEEPERS, commune)


def categories(commune: Organization) -> QuerySet[Category]:
    return Category.objects.filter(commune=commune)


def bodies(commune: Organization) -> QuerySet[Body]:
    return Body.objects.filter(commune=commune)
