"""Who may see and do what: the access primitive, and the rules for organisations and members.

The primitive (used by every app's own access.py):
- ``roles(user)``: the user's roles with their nodes, loaded once per request;
- ``nodes(user, kinds)``: the nodes where the user holds one of these role kinds;
- ``subtree_q(nodes)`` / ``above_q(node)``: rows under any of the nodes / at or above a node;
- ``reaches(user, kinds, node)`` and ``is_under(node, ancestor)``: the same questions for one object.

A role held at a node reaches that node's whole subtree (one indexed ``path LIKE 'X%'``
query on the materialised path). This module is the only code that filters by organisation
path. What each role gives:

- commune staff: read and edit everything under its node;
- branch secretary: read and edit its branch;
- leader: read everything under its node;
- assigned cadre: read the branches it follows;
- member: read its own branch (not the other members' records) and its own record.

Anything outside a user's scope must answer 404, never 403.

The guard (see members.scoping): inside ``scope_for(user)``, entered for every request by
``ScopeMiddleware``, a query started from ``Model.objects`` on branch data is limited to the
branches the user reaches with any role; outside any scope it raises ``ScopeError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from functools import reduce
from operator import or_
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Substr

from . import scoping
from .models import AccessLog, CardConflict, Member, Organization, OrganizationKind, ResidenceLink, Role, RoleKind

ALL_ROLES = frozenset(RoleKind)
# The party's own roles. An officer of a body (UBND, MTTQ, a mass organisation) answers petitions
# (petitions/access.py) and reads none of the party's pages.
PARTY_ROLES = ALL_ROLES - {RoleKind.OFFICER}
EDITORS = frozenset({RoleKind.COMMUNE_STAFF, RoleKind.SECRETARY})
MEMBER_READERS = frozenset({RoleKind.COMMUNE_STAFF, RoleKind.SECRETARY, RoleKind.LEADER, RoleKind.CADRE})
OVERSEERS = frozenset({RoleKind.COMMUNE_STAFF, RoleKind.LEADER})

# Which role kinds read which kind of object here; a role reads nothing its row does not name.
READERS = {
    "organization": PARTY_ROLES,  # the tree, a branch's page, the branch pickers
    "member": MEMBER_READERS,  # the register (a member also reads their own record)
}

T = TypeVar("T")


# --- The primitive -------------------------------------------------------------


def roles(user) -> list[Role]:
    """The user's roles with their organisations, loaded once per request."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_chibo_roles", None)
    if cached is None:
        # With each role, the path of the user's own member record's branch (same query): the
        # filters below leave out "or the user's own record" when that record is inside the subtree
        # anyway, so PostgreSQL can use the path index instead of a join filter over every member.
        # The scope is built from this read, so it cannot run under the scope (reviewed: unscoped).
        own_branch = Organization.unscoped.filter(members__user=OuterRef("user_id")).values("path")[:1]
        cached = list(
            Role.objects.filter(user=user)
            .select_related("organization")
            .annotate(own_branch_path=Subquery(own_branch))
            .order_by("organization__path", "kind")
        )
        user._chibo_roles = cached
    return cached


def _own_row_q(user, held: Iterable[Organization], own_lookup: str) -> Q | None:
    """``Q(<own_lookup>=user)`` when the user's own member record may lie outside the ``held``
    subtrees (so it must be added to what they see), None when it is inside them anyway."""
    if not user.is_authenticated:
        return None
    found = roles(user)
    if found:
        own = found[0].own_branch_path
        if own is None or any(own.startswith(node.path) for node in held):
            return None
    return Q(**{own_lookup: user})


def forget_roles(user) -> None:
    """Drop the cached roles after they changed (a long-lived user object in a task or test)."""
    user.__dict__.pop("_chibo_roles", None)


def on_login(sender, user, **kwargs) -> None:
    """user_logged_in: a login starts from the roles held now, not those cached on the object."""
    forget_roles(user)


def nodes(user, kinds: Iterable[str] = ALL_ROLES) -> list[Organization]:
    """The nodes where the user holds one of these role kinds."""
    kinds = frozenset(kinds)
    return [role.organization for role in roles(user) if role.kind in kinds]


def subtree_q(nodes: Iterable[Organization], prefix: str = "") -> Q:
    """Rows under any of the nodes (the nodes included); no nodes match nothing.

    ``prefix`` is the lookup path from the rows to their organisation, e.g. ``"branch__"``.
    """
    by_path = {node.path: node for node in nodes}
    outermost = [by_path[path] for path in _outermost(by_path)]
    if not outermost:
        return Q(pk__in=[])
    # A node without children (a branch) is its whole subtree: match its id, which needs no join
    # to the organisation table (a secretary's every query). A stale count can only hide rows.
    leaves = [node.pk for node in outermost if not node.numchild]
    parts = [Q(**{f"{prefix}pk__in": leaves})] if leaves else []
    parts += [Q(**{f"{prefix}path__startswith": node.path}) for node in outermost if node.numchild]
    return reduce(or_, parts)


def branches_q(branches: Iterable[Organization], prefix: str = "branch__") -> Q:
    """Rows of exactly these branches, named by their paths as well as their ids. Under a scope
    that joins the organisations (a province's, by path), PostgreSQL does not carry
    ``branch_id IN (…)`` across the join and hashes every organisation of the scope (30,000 at
    500,000 members, 4-5 ms a query); the paths let it read just these by the path index."""
    branches = list(branches)
    return Q(**{f"{prefix}pk__in": [b.pk for b in branches], f"{prefix}path__in": [b.path for b in branches]})


def ancestor_paths(node: Organization, *, include_self: bool = True) -> list[str]:
    """Materialised paths of the node's ancestors, root first (and the node's own, last)."""
    step = Organization.steplen
    end = len(node.path) + (1 if include_self else 0)
    return [node.path[:i] for i in range(step, end, step)]


def parent_path(node: Organization) -> str:
    """The materialised path of the node's parent ("" for a root), without a query."""
    above = ancestor_paths(node, include_self=False)
    return above[-1] if above else ""


def subtree_key(rows: Iterable[Organization], prefix: str = ""):
    """An expression naming, for each row of a query, the path of the one of ``rows`` whose subtree
    it lies in (to group by it): a prefix of its path when the rows are of one depth, else a CASE
    ("" for rows under none of them)."""
    rows = list(rows)
    lengths = {len(row.path) for row in rows}
    if len(lengths) == 1:
        return Substr(f"{prefix}path", 1, lengths.pop())
    return Case(
        *[When(subtree_q([row], prefix=prefix), then=Value(row.path)) for row in rows],
        default=Value(""),
        output_field=CharField(),
    )


def above_q(node: Organization, prefix: str = "", *, include_self: bool = True) -> Q:
    """Rows at the node's ancestors (and the node itself): one ``path IN (…)`` filter."""
    return Q(**{f"{prefix}path__in": ancestor_paths(node, include_self=include_self)})


def above_any_q(nodes: Iterable[Organization], prefix: str = "") -> Q:
    """Rows at or above any of the nodes."""
    paths = sorted({path for node in nodes for path in ancestor_paths(node)})
    return Q(**{f"{prefix}path__in": paths})


def is_under(node: Organization, ancestor: Organization) -> bool:
    """The node is the ancestor or lies in its subtree."""
    return node.path.startswith(ancestor.path)


def reaches(user, kinds: Iterable[str], node: Organization) -> bool:
    """The user holds one of these role kinds at the node or above it."""
    return any(is_under(node, held) for held in nodes(user, kinds))


def role_holders(
    branches: Iterable[Organization], kinds: Iterable[str], *, held_at: str | None = None
) -> dict[int, list]:
    """Per branch id, the active users holding one of these role kinds at the branch or above it
    (only at nodes of kind ``held_at`` when given: a commune's staff, not the province's). One query.

    For tasks that decide whom to tell (reminders, digests), outside any request."""
    branches = list(branches)
    found: dict[int, list] = {branch.pk: [] for branch in branches}
    if not branches:
        return found
    roles = Role.objects.filter(
        above_any_q(branches, prefix="organization__"), kind__in=list(kinds), user__is_active=True
    )
    if held_at:
        roles = roles.filter(organization__kind=held_at)
    # "user__member": the name the messages greet them by (members.names.person_name).
    for role in roles.select_related("user__member", "organization").order_by("user_id"):
        for branch in branches:
            if is_under(branch, role.organization) and role.user not in found[branch.pk]:
                found[branch.pk].append(role.user)
    return found


def nearest_above(node: Organization, rows: Iterable[T], node_of: Callable[[T], Organization]) -> T | None:
    """Of rows kept at several nodes, the one at the deepest node at or above ``node``."""
    best = None
    for row in rows:
        held = node_of(row)
        if is_under(node, held) and (best is None or held.depth > node_of(best).depth):
            best = row
    return best


def _outermost(paths: Iterable[str]) -> list[str]:
    """Drop paths inside another one: a role at a commune already covers its branches."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


# --- Organisations and members -------------------------------------------------


def organizations(user) -> QuerySet[Organization]:
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(subtree_q(nodes(user, READERS["organization"])))


def can_open_organization(user, organization: Organization) -> bool:
    """The organisation is in ``organizations(user)`` (no query): pages link to it only then."""
    return user.is_superuser or reaches(user, READERS["organization"], organization)


def top_nodes(user) -> list[Organization]:
    """Where the user's tree starts: the outermost nodes of their roles (the roots for superusers)."""
    if user.is_superuser:
        return list(Organization.get_root_nodes())
    held = nodes(user, READERS["organization"])
    outermost = set(_outermost(node.path for node in held))
    found = {node.path: node for node in held if node.path in outermost}
    return [found[path] for path in sorted(found)]


def reaches_beyond_commune(user) -> bool:
    """The user reaches more than one commune's branches (a province, a former district, a superuser):
    their branch filters use a searchable picker instead of listing every branch."""
    if user.is_superuser:
        return True
    return any(node.kind in (OrganizationKind.PROVINCE, OrganizationKind.DISTRICT) for node in nodes(user))


def branches(user, kinds: Iterable[str] = READERS["organization"]) -> QuerySet[Organization]:
    """Branches the user reaches with one of these role kinds."""
    found = Organization.objects.filter(kind=OrganizationKind.BRANCH)
    if user.is_superuser:
        return found
    return found.filter(subtree_q(nodes(user, kinds)))


def members(user) -> QuerySet[Member]:
    if user.is_superuser:
        return Member.objects.all()
    held = nodes(user, MEMBER_READERS)
    q = subtree_q(held, prefix="branch__")
    if (own := _own_row_q(user, held, "user")) is not None:
        q |= own
    return Member.objects.filter(q)


def editable_branches(user) -> QuerySet[Organization]:
    """Branches whose members this user may add, edit and import."""
    return branches(user, EDITORS)


def can_edit_organization(user, organization: Organization) -> bool:
    return user.is_superuser or reaches(user, EDITORS, organization)


def can_rename_organization(user, organization: Organization) -> bool:
    """Names and codes are the commune's register: a secretary edits only the branch's practicalities."""
    return user.is_superuser or reaches(user, {RoleKind.COMMUNE_STAFF}, organization)


def can_keep_positions(user, organization: Organization) -> bool:
    """Office holders are the commune's register: commune staff (and administrators) record a
    branch's elections and appointments and end terms; a secretary does not appoint their successor."""
    return organization.is_branch and (user.is_superuser or reaches(user, {RoleKind.COMMUNE_STAFF}, organization))


def can_read_members_of(user, organization: Organization) -> bool:
    return user.is_superuser or reaches(user, MEMBER_READERS, organization)


def can_edit_member(user, member: Member) -> bool:
    """Editing a member also shows its change history (classified data)."""
    return can_edit_organization(user, member.branch)


def staff_organizations(user) -> list[Organization]:
    """Nodes above branches where the user is commune staff: they keep templates and rules there."""
    if user.is_superuser:
        return list(Organization.objects.exclude(kind=OrganizationKind.BRANCH).order_by("path"))
    return [node for node in nodes(user, {RoleKind.COMMUNE_STAFF}) if not node.is_branch]


def can_see_outbox(user) -> bool:
    """Commune staff (and administrators) follow the messages sent to the people of their subtree."""
    return user.is_authenticated and (user.is_superuser or bool(nodes(user, {RoleKind.COMMUNE_STAFF})))


def users_in_scope(user, kinds: Iterable[str] = frozenset({RoleKind.COMMUNE_STAFF})) -> QuerySet:
    """Users under the nodes where ``user`` holds one of these role kinds (commune staff by default):
    those holding a role at a node of that subtree, and those whose member record is in one of
    its branches. One query (two subqueries); nobody when the user holds no such role."""
    users = get_user_model().objects.all()
    if user.is_superuser:
        return users
    held = nodes(user, kinds)
    if not held:
        return users.none()
    with_role = Role.objects.filter(subtree_q(held, prefix="organization__")).values("user_id")
    with_member = Member.objects.filter(subtree_q(held, prefix="branch__"), user__isnull=False).values("user_id")
    return users.filter(Q(pk__in=with_role) | Q(pk__in=with_member))


def requires_two_factor(user) -> bool:
    """Who reads whole communes' member data (commune staff, leaders), superusers and admin-site
    accounts (``is_staff``) must log in with a second factor (when settings.CHIBO_2FA_REQUIRED is
    on; settings.CHIBO_2FA_REQUIRED_FOR names this function for accounts.signin). Asked on every
    request: a role given later puts the user's open sessions under it at once."""
    return user.is_authenticated and (user.is_superuser or user.is_staff or bool(nodes(user, OVERSEERS)))


def can_manage_accounts(user) -> bool:
    """Commune staff (and administrators) unlock the accounts of their people and issue reset codes."""
    return user.is_authenticated and (user.is_superuser or bool(nodes(user, {RoleKind.COMMUNE_STAFF})))


def _strictly_below_q(held: Iterable[Organization], prefix: str = "") -> Q:
    """Roles strictly below the reach of commune staff at these nodes: at a node under one of them,
    or at one of them with a kind that reads less than the whole node (an officer, a cadre, a
    member). Commune staff and leaders of the same node are the staff member's peers."""
    parts = [
        (Q(**{f"{prefix}organization__path__startswith": node.path}) & ~Q(**{f"{prefix}organization__path": node.path}))
        | (Q(**{f"{prefix}organization__path": node.path}) & ~Q(**{f"{prefix}kind__in": list(OVERSEERS)}))
        for node in held
    ]
    return reduce(or_, parts) if parts else Q(pk__in=[])


def manageable_users(user) -> QuerySet:
    """Accounts whose lockout and password ``user`` may reset: no takeover from within. Every role
    of the account lies strictly below the staff member's reach (``_strictly_below_q``: a
    commune's staff reset its secretaries, members, cadres and officers, not its leaders or other
    staff; the province's staff do, or a superuser), its member record (if any) lies in the staff
    member's subtrees, and it is not a superuser or admin-site account nor the staff member's own.
    Superusers manage every account but their own. One query."""
    users = users_in_scope(user).exclude(pk=user.pk)
    if user.is_superuser:
        return users
    held = nodes(user, {RoleKind.COMMUNE_STAFF})
    not_below = Role.objects.exclude(_strictly_below_q(held)).values("user_id")
    # Unscoped: a record outside the staff member's subtrees is what this looks for.
    member_outside = Member.unscoped.filter(user__isnull=False).exclude(subtree_q(held, prefix="branch__"))
    return (
        users.filter(is_superuser=False, is_staff=False)
        .exclude(pk__in=not_below)
        .exclude(pk__in=member_outside.values("user_id"))
    )


def may_manage_account(by, user) -> bool:
    """Whether ``by`` may unlock ``user`` or issue them a reset code (``manageable_users``).
    settings.CHIBO_ACCOUNT_MANAGER_RULE names this function for accounts.services, which asks
    it before every unlock and reset code."""
    return can_manage_accounts(by) and manageable_users(by).filter(pk=user.pk).exists()


# --- Working members and their residence branch (QĐ 213, HD 33) ------------------------------
# A link is seen from two sides: the member's workplace branch (``member.branch``) and the residence
# branch. Each side reads the link, the residence attendance and the comment, never the other
# side's members or meetings (their pages read only what the link names).


def residence_links(user) -> QuerySet[ResidenceLink]:
    """Links whose workplace branch or residence branch the user reads members of."""
    if user.is_superuser:
        return ResidenceLink.objects.all()
    held = nodes(user, MEMBER_READERS)
    if not held:
        return ResidenceLink.objects.none()
    return ResidenceLink.objects.filter(
        subtree_q(held, prefix="member__branch__") | subtree_q(held, prefix="residence_branch__")
    )


def can_read_links_of(user, branch: Organization) -> bool:
    """The branch's page of linked working members (both sides: those who live here, those who work here)."""
    return branch.is_branch and (user.is_superuser or reaches(user, MEMBER_READERS, branch))


def can_act_for_residence(user, link: ResidenceLink) -> bool:
    """The residence side: accept the link, invite and mark the member, write and send the comment."""
    return user.is_superuser or reaches(user, EDITORS, link.residence_branch)


def can_act_for_workplace(user, link: ResidenceLink) -> bool:
    """The workplace side: propose and end the link, record that the comment was used."""
    return user.is_superuser or reaches(user, EDITORS, link.member.branch)


def can_record_links_for(user, branch: Organization) -> bool:
    """Record a link on a branch's page: its secretary or staff propose links for its members
    (the workplace side); the residence commune's staff record links to it directly."""
    return branch.is_branch and (user.is_superuser or reaches(user, EDITORS, branch))


def can_record_residence_links(user, branch: Organization) -> bool:
    """Commune staff of the residence branch's commune record a link to it for a member they reach."""
    return branch.is_branch and (user.is_superuser or reaches(user, {RoleKind.COMMUNE_STAFF}, branch))


# --- Privacy records: the access log and party card conflicts --------------------------------


def can_read_access_log(user) -> bool:
    """Commune staff read their subtree's access log; superusers all of it."""
    return user.is_authenticated and (user.is_superuser or bool(nodes(user, {RoleKind.COMMUNE_STAFF})))


def access_log(user) -> QuerySet[AccessLog]:
    """Entries about the data under the nodes where the user is commune staff: reads of its branches
    (and, for older entries without a branch, of its members), and member lists read by its users."""
    if user.is_superuser:
        return AccessLog.objects.all()
    held = nodes(user, {RoleKind.COMMUNE_STAFF})
    if not held:
        return AccessLog.objects.none()
    inside = Organization.objects.filter(subtree_q(held)).values("pk")
    their_members = Member.objects.filter(subtree_q(held, prefix="branch__")).values("pk")
    return AccessLog.objects.filter(
        Q(organization_id__in=inside)
        | Q(organization_id__isnull=True, member_id__in=their_members)
        | Q(organization_id__isnull=True, member_id__isnull=True, user__in=users_in_scope(user))
    )


def card_conflicts(user) -> QuerySet[CardConflict]:
    """Card conflicts whose two records (the branch it was entered for, and the holder's branch)
    both lie under nodes where the user is commune staff: those who may see both resolve it."""
    if user.is_superuser:
        return CardConflict.objects.all()
    held = nodes(user, {RoleKind.COMMUNE_STAFF})
    return CardConflict.objects.filter(subtree_q(held, prefix="branch__")).filter(
        subtree_q(held, prefix="member_branch__")
    )


# --- The guard (members.scoping) -----------------------------------------------------


def _reach_filter(user) -> Callable[[str, str | None], Q]:
    """How a scoped manager limits rows for this user: branches the user reaches with any role,
    plus the user's own rows (a member's own record)."""

    def rows_for(branch_lookup: str, own_lookup: str | None) -> Q:
        if user.is_superuser:
            return Q()
        held = nodes(user)
        if not branch_lookup:  # organisations: the subtrees reached and the nodes above them
            return subtree_q(held) | above_any_q(held) if held else Q(pk__in=[])
        q = subtree_q(held, prefix=f"{branch_lookup}__")
        if own_lookup and (own := _own_row_q(user, held, own_lookup)) is not None:
            q |= own
        return q

    return rows_for


def scope_for(user) -> AbstractContextManager[None]:
    """Queries on branch data see at most what ``user`` reaches (a request, a reminder to one person)."""
    return scoping.entered(_reach_filter(user))


system_scope = scoping.system_scope
ScopeError = scoping.ScopeError


class ScopeMiddleware:
    """Every request runs in its user's scope (an anonymous user reaches no branch)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with scope_for(getattr(request, "user", None) or AnonymousUser()):
            return self.get_response(request)
