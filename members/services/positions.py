"""Branch positions (bí thư, phó bí thư, chi ủy viên) and the rules their terms follow.

- A secretary and a deputy secretary are single posts: two terms of the same post in one branch
  never overlap. Committee members sit together, but one member holds one committee seat at a
  time.
- Only full members are elected: a probationary member cannot hold any of these positions
  (Điều lệ Đảng: probationary members do not stand for election).

``position_validate`` is the one statement of these rules; ``Position.clean`` (the admin) and
``position_save`` both ask it.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from members.dates import check_plausible
from members.models import Member, MemberStatus, Organization, Position, PositionKind

# Posts one person holds at a time in a branch.
SINGLE_POSTS = (PositionKind.SECRETARY, PositionKind.DEPUTY)


def overlapping_terms(
    *,
    branch: Organization,
    kind: str,
    started_on: datetime.date,
    ended_on: datetime.date | None,
    member: Member | None = None,
    exclude_pk: int | None = None,
):
    """Terms of the same post in the branch that share a day with [started_on, ended_on]."""
    terms = Position.objects.filter(branch=branch, kind=kind).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
    )
    if ended_on is not None:
        terms = terms.filter(started_on__lte=ended_on)
    if kind not in SINGLE_POSTS and member is not None:
        terms = terms.filter(member=member)
    if exclude_pk:
        terms = terms.exclude(pk=exclude_pk)
    return terms


def is_full_member_on(member: Member, day: datetime.date) -> bool:
    return member.status == MemberStatus.FULL and not (member.full_member_on and member.full_member_on > day)


def position_validate(
    *,
    member: Member,
    branch: Organization,
    kind: str,
    started_on: datetime.date,
    ended_on: datetime.date | None,
    exclude_pk: int | None = None,
) -> None:
    """Raise ValidationError (keyed by field) when the term breaks a rule of this module."""
    check_plausible(started_on=started_on, ended_on=ended_on)
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": _("A term cannot end before it starts.")}, code="order")
    if not is_full_member_on(member, started_on):
        raise ValidationError(
            {
                "member": _("%(name)s is a probationary member and cannot hold a committee position.")
                % {"name": member.full_name}
            },
            code="probationary",
        )
    clash = (
        overlapping_terms(
            branch=branch, kind=kind, started_on=started_on, ended_on=ended_on, member=member, exclude_pk=exclude_pk
        )
        .select_related("member")
        .first()
    )
    if clash is not None:
        until = clash.ended_on.strftime("%d/%m/%Y") if clash.ended_on else _("now")
        raise ValidationError(
            {
                "started_on": _(
                    "%(name)s already holds this position from %(start)s to %(until)s; terms cannot overlap."
                )
                % {"name": clash.member.full_name, "start": clash.started_on.strftime("%d/%m/%Y"), "until": until}
            },
            code="overlap",
        )


@transaction.atomic
def position_save(
    *,
    member: Member,
    branch: Organization,
    kind: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    position: Position | None = None,
    by: AbstractBaseUser | None = None,
) -> Position:
    """Create or edit a term; the branch row is locked so two saves cannot both pass the overlap check."""
    Organization.objects.select_for_update().filter(pk=branch.pk).first()
    position_validate(
        member=member,
        branch=branch,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        exclude_pk=position.pk if position else None,
    )
    position = position or Position()
    position.member, position.branch, position.kind = member, branch, kind
    position.started_on, position.ended_on = started_on, ended_on
    position._history_user = by
    position.save()
    return position
