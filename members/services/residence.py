"""Linking a working member to their residence branch (QĐ 213-QĐ/TW, HD 33-HD/BTCTW).

- The workplace side (the member's branch: its secretary, its commune or agency staff) proposes a
  link; the residence side (the residence branch's secretary or its commune staff) accepts it.
  Commune staff of the residence commune may record a link already accepted, for a member they
  reach. Both sides are told (the outbox).
- A member has at most one open link (proposed or accepted): the database's partial unique
  constraint backs the rule; ending a link keeps it as history.
- A member's residence chooses the residence branch by hamlet or residential group where the tree
  knows it (``residence_branches_for``): branch names are read across communes, as a letter of
  introduction goes to any commune; nothing else of that commune is read.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from members.access import parent_path, role_holders, system_scope
from members.dates import check_plausible
from members.models import (
    LinkCategory,
    LinkStatus,
    Member,
    Organization,
    OrganizationKind,
    ResidenceLink,
    RoleKind,
)
from members.models.people import place_of
from members.text import search_key
from notifications.links import absolute_url
from notifications.services import notification_enqueue

LINK_PROPOSED = "residence.link_proposed"
LINK_ACCEPTED = "residence.link_accepted"

# Words a commune's or branch's name starts with, left out when looking for it in an address.
_PREFIXES = ("dang bo ", "chi bo ")
_PLACE_WORD = re.compile(r"^(xom|thon|to|ap|khom|ban|buon|lang|khu|khoi|phum|soc)\b")


def _bare(name: str) -> str:
    key = search_key(name)
    for prefix in _PREFIXES:
        key = key.removeprefix(prefix)
    return key


def _places(residence: str) -> list[str]:
    """Every hamlet or residential group the address names ("Xóm 2", "thôn Song Khê")."""
    places = []
    for part in (residence or "").split(","):
        place = place_of(part)
        if place and _PLACE_WORD.match(search_key(place)):
            places.append(place)
    return places


def residence_branches_for(residence: str) -> list[Organization]:
    """The branches whose name is one of the residence's hamlets or residential groups ("Tổ dân
    phố số 7", "thôn Song Khê") and whose commune the residence names ("phường Đức Thắng"); several
    where the address does not tell them apart. At most a few rows, whatever the tree's size."""
    places = _places(residence)
    if not places:
        return []
    address = search_key(residence)
    wanted = {search_key(place) for place in places}
    names = Q()
    for place in places:
        names |= Q(name__iendswith=place)
    # Reviewed unscoped read (tests/test_architecture.py): a branch of any commune may be the
    # member's residence; only branch names and their communes are read.
    candidates = list(Organization.unscoped.filter(names, kind=OrganizationKind.BRANCH).order_by("path")[:50])
    parents = {node.path: node for node in Organization.unscoped.filter(path__in={parent_path(c) for c in candidates})}
    found = []
    for branch in candidates:
        if _bare(branch.name) not in wanted:
            continue
        commune = parents.get(parent_path(branch))
        if commune is None or _bare(commune.name) in address:
            found.append(branch)
    return found


def _tell(users, *, kind: str, link: ResidenceLink, context: dict) -> None:
    for user in users:
        notification_enqueue(
            recipient=user,
            kind=kind,
            about=link,
            dedupe_key=f"{kind}:{link.pk}:{user.pk}",
            context=context,
        )


def _context(link: ResidenceLink, page_of: Organization) -> dict:
    """The message's words, and its link: the branch page of the side told (its panel of linked
    working members leads to the residence page)."""
    return {
        "url": absolute_url(reverse("members:organization", args=[page_of.pk])),
        "member": link.member.full_name,
        "workplace": link.member.branch.name,
        "residence": link.residence_branch.name,
        "since": link.since.strftime("%d/%m/%Y"),
        "category": link.get_category_display(),
    }


def _people(branch: Organization) -> list:
    """The branch's secretary and its commune's staff: who acts for a side."""
    with system_scope():
        secretaries = role_holders([branch], {RoleKind.SECRETARY}, held_at=OrganizationKind.BRANCH)[branch.pk]
        staff = role_holders([branch], {RoleKind.COMMUNE_STAFF}, held_at=OrganizationKind.COMMUNE)[branch.pk]
    return list({user.pk: user for user in [*secretaries, *staff]}.values())


@transaction.atomic
def link_record(
    *,
    member: Member,
    residence_branch: Organization,
    since: datetime.date,
    by: AbstractBaseUser | None,
    accepted: bool = False,
    category: str = LinkCategory.EXPECTED,
    exempt_reason: str = "",
    letter_number: str = "",
    letter_date: datetime.date | None = None,
    letter_issuer: str = "",
) -> ResidenceLink:
    """Propose a link (the workplace side), or record it accepted (the residence side)."""
    if not residence_branch.is_branch:
        raise ValidationError(_("Choose a party branch as the residence branch."), code="kind")
    if residence_branch.pk == member.branch_id:
        raise ValidationError(
            _("The member's own branch is not a residence branch: they attend it as a member."), code="own"
        )
    if member.has_left:
        raise ValidationError(_("This member has left the party register."), code="left")
    if category == LinkCategory.EXEMPT and not exempt_reason.strip():
        raise ValidationError(_("Give the reason for the exemption (HD 33)."), code="reason")
    check_plausible(day=since)
    link = ResidenceLink(
        member=member,
        residence_branch=residence_branch,
        since=since,
        category=category,
        exempt_reason=exempt_reason.strip(),
        letter_number=letter_number.strip(),
        letter_date=letter_date,
        letter_issuer=letter_issuer.strip(),
        status=LinkStatus.ACCEPTED if accepted else LinkStatus.PROPOSED,
        proposed_by=by,
        accepted_by=by if accepted else None,
    )
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as error:
        raise ValidationError(_("This member already has a residence link: end it first."), code="open") from error
    if accepted:
        _tell(_people(member.branch), kind=LINK_ACCEPTED, link=link, context=_context(link, member.branch))
    else:
        _tell(_people(residence_branch), kind=LINK_PROPOSED, link=link, context=_context(link, residence_branch))
    return link


@transaction.atomic
def link_accept(*, link: ResidenceLink, by: AbstractBaseUser | None) -> ResidenceLink:
    """The residence side accepts a proposed link; accepting twice changes nothing."""
    link = ResidenceLink.objects.select_for_update().get(pk=link.pk)
    if link.status == LinkStatus.ACCEPTED:
        return link
    if link.status != LinkStatus.PROPOSED:
        raise ValidationError(_("An ended link cannot be accepted."), code="status")
    link.status, link.accepted_by = LinkStatus.ACCEPTED, by
    link.save(update_fields=["status", "accepted_by"])
    _tell(_people(link.member.branch), kind=LINK_ACCEPTED, link=link, context=_context(link, link.member.branch))
    return link


@transaction.atomic
def link_end(*, link: ResidenceLink, until: datetime.date, by: AbstractBaseUser | None) -> ResidenceLink:
    """End a link (moved house, changed job, refused proposal): it stays as history."""
    link = ResidenceLink.objects.select_for_update().get(pk=link.pk)
    if link.status == LinkStatus.ENDED:
        return link
    check_plausible(day=until)
    link.until = max(until, link.since)
    link.status = LinkStatus.ENDED
    link.save(update_fields=["until", "status"])
    return link


def residence_branch_by_code(code: str) -> Organization | None:
    """A branch named by its short code, in any commune (a letter of introduction may go anywhere)."""
    code = (code or "").strip()
    if not code:
        return None
    # Reviewed unscoped read (tests/test_architecture.py): only the branch itself is read.
    return Organization.unscoped.filter(kind=OrganizationKind.BRANCH, code=code).first()
