"""Branch positions (bí thư, phó bí thư, chi ủy viên), the rules their terms follow, and the
secretary's role that goes with the post.

- A secretary and a deputy secretary are single posts: two terms of the same post in one branch
  never overlap. Committee members sit together, but one member holds one committee seat at a
  time.
- Office holders are full members of that branch (Điều lệ Đảng: probationary members do not stand
  for election), neither exempt from meetings nor suspended from party activity when the term
  starts.
- A chi ủy is elected only where the branch has 9 or more full members: with fewer, a committee
  seat other than the secretary and the deputy is refused (``COMMITTEE_MINIMUM``).
- The secretary's role follows the post: the day a secretary's term starts (recorded that day or
  before), their account gets the branch's secretary role and a former secretary's account loses
  it (``secretary_role_sync``; ``members.tasks`` runs it each morning for terms recorded ahead).

``position_validate`` is the one statement of these rules; ``Position.clean`` (the admin) and
``position_save`` both ask it.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.dates import check_plausible
from members.models import COMMITTEE_MINIMUM, Member, MemberStatus, Organization, Position, PositionKind, Role, RoleKind

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


def full_members_on(branch: Organization, day: datetime.date):
    """The branch's full members on the day: on its register (joined, not left), full by then, not
    temporarily attached from elsewhere. The exempt and the suspended are still full members."""
    return (
        Member.objects.filter(branch=branch, status=MemberStatus.FULL, temporarily_attached=False)
        .active(day)
        .filter(Q(joined_branch_on__isnull=True) | Q(joined_branch_on__lte=day))
        .filter(Q(full_member_on__isnull=True) | Q(full_member_on__lte=day))
    )


def _refuse(field: str, message: str, code: str):
    raise ValidationError({field: ValidationError(message, code=code)})


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
        _refuse("ended_on", _("A term cannot end before it starts."), "order")
    name = {"name": member.full_name}
    if member.branch_id != branch.pk or member.temporarily_attached:
        _refuse("member", _("%(name)s is not a member of this branch and cannot hold office in it.") % name, "branch")
    if member.left_on is not None and member.left_on <= started_on:
        _refuse("member", _("%(name)s has left the branch by this day.") % name, "left")
    if not is_full_member_on(member, started_on):
        _refuse(
            "member",
            _("%(name)s is a probationary member and cannot hold a committee position.") % name,
            "probationary",
        )
    if member.exempt_since is not None and member.exempt_since <= started_on:
        _refuse("member", _("%(name)s is exempt from meetings and cannot hold office.") % name, "exempt")
    if member.suspended_on(started_on):
        _refuse("member", _("%(name)s is suspended from party activity and cannot hold office.") % name, "suspended")
    if kind == PositionKind.COMMITTEE:
        full = full_members_on(branch, started_on).count()
        if full < COMMITTEE_MINIMUM:
            _refuse(
                "kind",
                _(
                    "A branch committee (chi ủy) is elected only where the branch has %(minimum)s or more full "
                    "members; this branch has %(count)s: record only a secretary and a deputy secretary."
                )
                % {"minimum": COMMITTEE_MINIMUM, "count": full},
                "no_committee",
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
        _refuse(
            "started_on",
            _("%(name)s already holds this position from %(start)s to %(until)s; terms cannot overlap.")
            % {"name": clash.member.full_name, "start": clash.started_on.strftime("%d/%m/%Y"), "until": until},
            "overlap",
        )


@transaction.atomic
def position_save(
    *,
    member: Member,
    branch: Organization,
    kind: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    decision_number: str = "",
    position: Position | None = None,
    by: AbstractBaseUser | None = None,
) -> Position:
    """Create or edit a term; the branch row is locked so two saves cannot both pass the overlap check.
    The secretary's role follows (``secretary_role_sync``)."""
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
    position.decision_number = decision_number.strip()
    position._history_user = by
    position.save()
    secretary_role_sync(branch=branch, by=by)
    return position


@transaction.atomic
def position_elect(
    *,
    member: Member,
    branch: Organization,
    kind: str,
    started_on: datetime.date,
    decision_number: str = "",
    by: AbstractBaseUser | None = None,
) -> Position:
    """Record an election or appointment from ``started_on`` (open-ended): what commune staff do on
    the branch page. A secretary or deputy already in the post since an earlier day hands it over:
    their term ends the day before (so the new secretary has the role the day the term starts and
    the former one no longer does)."""
    Organization.objects.select_for_update().filter(pk=branch.pk).first()
    if kind in SINGLE_POSTS:
        before = started_on - datetime.timedelta(days=1)
        for current in Position.objects.filter(branch=branch, kind=kind, ended_on__isnull=True, started_on__lte=before):
            if current.member_id == member.pk:
                continue  # re-elected: the overlap check says so
            current.ended_on = before
            current._history_user = by
            current.save(update_fields=["ended_on"])
    return position_save(
        member=member, branch=branch, kind=kind, started_on=started_on, decision_number=decision_number, by=by
    )


@transaction.atomic
def position_end(*, position: Position, last_day: datetime.date, by: AbstractBaseUser | None = None) -> Position:
    """End a term on ``last_day`` (its last day in office). The secretary's role follows."""
    check_plausible(ended_on=last_day)
    if position.ended_on is not None and position.ended_on < last_day:
        _refuse(
            "ended_on",
            _("This term already ended on %(day)s.") % {"day": position.ended_on.strftime("%d/%m/%Y")},
            "ended",
        )
    if last_day < position.started_on:
        _refuse("ended_on", _("A term cannot end before it starts."), "order")
    position.ended_on = last_day
    position._history_user = by
    position.save(update_fields=["ended_on"])
    secretary_role_sync(branch=position.branch, by=by)
    return position


def secretary_role_sync(*, branch: Organization, on: datetime.date | None = None, by: AbstractBaseUser | None = None):
    """Give the branch's secretary role to the account of the secretary in office on ``on`` (today),
    and take it from the accounts of the branch's other secretaries, past or future: they keep
    (or get) the member role. Roles given by hand to someone never recorded as secretary stay."""
    on = on or timezone.localdate()
    terms = list(Position.objects.filter(branch=branch, kind=PositionKind.SECRETARY).select_related("member"))
    holder = next(
        (t.member for t in terms if t.started_on <= on and (t.ended_on is None or t.ended_on >= on)),
        None,
    )
    holder_user = holder.user_id if holder else None
    if holder_user:
        _give(holder_user, RoleKind.SECRETARY, branch, by)
    others = {t.member.user_id: t.member for t in terms if t.member.user_id and t.member.user_id != holder_user}
    for user_id, member in others.items():
        removed = False
        for role in Role.objects.filter(user_id=user_id, organization=branch, kind=RoleKind.SECRETARY):
            role._history_user = by
            role.delete()
            removed = True
        if removed and member.branch_id == branch.pk and member.left_on is None:
            _give(user_id, RoleKind.MEMBER, branch, by)


def _give(user_id: int, kind: str, branch: Organization, by) -> None:
    if not Role.objects.filter(user_id=user_id, organization=branch, kind=kind).exists():
        role = Role(user_id=user_id, organization=branch, kind=kind)
        role._history_user = by
        role.save()
