"""Use cases that change members, and the rules a member record follows.

Views call these with cleaned form data. ``member_validate`` is the one statement of the
rules that tie a member's fields together; the member form and the importer both ask it, so
a record the form refuses cannot come in through a file either.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members.dates import check_plausible
from members.models import AccessLog, LeaveReason, Member, MemberStatus, Organization, Position, Role, RoleKind

# Roles that exist only because the user belongs to the branch; they end when the member leaves.
BRANCH_ROLES = (RoleKind.MEMBER, RoleKind.SECRETARY)

# Each rule: its code (kept by the importer, which words it per row), the field it is about,
# and the message the form shows on that field.
MEMBER_RULES: dict[str, tuple[str, Promise]] = {
    "full_before_admitted": (
        "full_member_on",
        _("The date made full member cannot be before the date admitted."),
    ),
    "full_date_missing": (
        "full_member_on",
        _("Enter the date this member was made a full member."),
    ),
    # A member becomes full by a decision already taken: a later day is a typing slip (3000 for 2000).
    "full_in_future": (
        "full_member_on",
        _("The date made full member cannot be in the future."),
    ),
    "exempt_date_missing": (
        "exempt_since",
        _("Enter the date the exemption started."),
    ),
}

# The rules of a temporary transfer: the member form and ``member_transfer_temporarily`` (the
# importer does not read transfers, so they have no row wording).
TRANSFER_RULES: dict[str, tuple[str, Promise]] = {
    "away_date_missing": (
        "away_from",
        _("Enter the day the temporary transfer starts."),
    ),
    "away_before_start": (
        "away_until",
        _("A temporary transfer cannot end before it starts."),
    ),
    "away_to_own_branch": (
        "away_branch",
        _("A member is temporarily transferred to another branch than their own."),
    ),
}

# The rules of a suspension from party activity (đình chỉ sinh hoạt đảng): the member form and
# ``member_suspend``.
SUSPENSION_RULES: dict[str, tuple[str, Promise]] = {
    "suspension_date_missing": (
        "suspended_from",
        _("Enter the day the suspension from party activity starts."),
    ),
    "suspension_before_start": (
        "suspended_until",
        _("A suspension cannot end before it starts."),
    ),
    "suspension_decision_missing": (
        "suspension_decision",
        _("Enter the number of the suspension decision."),
    ),
}


def member_validate(
    *,
    status: str | None,
    admitted_on: datetime.date | None,
    full_member_on: datetime.date | None,
    exempt_since: datetime.date | None = None,
    exempt_reason: str = "",
    branch_id: int | None = None,
    away_from: datetime.date | None = None,
    away_until: datetime.date | None = None,
    away_branch_id: int | None = None,
    suspended_from: datetime.date | None = None,
    suspended_until: datetime.date | None = None,
    suspension_decision: str = "",
) -> None:
    """Raise ValidationError keyed by field name when the values break a rule of MEMBER_RULES,
    TRANSFER_RULES or SUSPENSION_RULES."""
    broken = []
    if (suspended_until or suspension_decision) and not suspended_from:
        broken.append("suspension_date_missing")
    if suspended_from and not suspension_decision.strip():
        broken.append("suspension_decision_missing")
    if suspended_from and suspended_until and suspended_until < suspended_from:
        broken.append("suspension_before_start")
    if (away_until or away_branch_id) and not away_from:
        broken.append("away_date_missing")
    if away_from and away_until and away_until < away_from:
        broken.append("away_before_start")
    if away_branch_id is not None and away_branch_id == branch_id:
        broken.append("away_to_own_branch")
    if admitted_on and full_member_on and full_member_on < admitted_on:
        broken.append("full_before_admitted")
    if full_member_on and full_member_on > timezone.localdate():
        broken.append("full_in_future")
    # A full member admitted on a known day also has a known day of becoming full.
    if status == MemberStatus.FULL and admitted_on and not full_member_on:
        broken.append("full_date_missing")
    if exempt_reason and not exempt_since:
        broken.append("exempt_date_missing")
    if broken:
        errors: dict[str, list[ValidationError]] = {}
        for code in broken:
            field, message = MEMBER_RULES.get(code) or TRANSFER_RULES.get(code) or SUSPENSION_RULES[code]
            errors.setdefault(field, []).append(ValidationError(message, code=code))
        raise ValidationError(errors)


@transaction.atomic
def member_save(
    *,
    member: Member,
    by: AbstractBaseUser | None,
    sms_opt_out: bool | None = None,
    now: datetime.datetime | None = None,
) -> Member:
    """Create or update a member (validated by the member form); history records ``by`` as the author.

    ``sms_opt_out`` (the form's "Does not want SMS"; None leaves it): a refusal is recorded with
    when and by whom the first time, and cleared when unticked.

    A change of branch is a move (see ``member_move``): every path that changes a member's branch
    (the member form, the importer, the admin) saves through here, so the ties to the old branch
    end whichever way the record was changed.
    """
    before = None
    if member.pk is not None:
        # The row as stored, locked: two saves moving the same member end the old ties once.
        before = (
            Member.objects.select_for_update(of=("self",))
            .filter(pk=member.pk)
            .values("branch_id", "joined_branch_on")
            .first()
        )
    moved = before is not None and before["branch_id"] != member.branch_id
    if moved and (member.joined_branch_on is None or member.joined_branch_on == before["joined_branch_on"]):
        # The editor did not say when the member joined the new branch: today.
        member.joined_branch_on = timezone.localdate()
    if sms_opt_out is not None and sms_opt_out != (member.sms_opted_out_at is not None):
        member.sms_opted_out_at = (now or timezone.now()) if sms_opt_out else None
        member.sms_opted_out_by = by if sms_opt_out and by is not None and by.is_authenticated else None
    member._history_user = by
    member.save()
    if moved:
        member_move(member=member, from_branch_id=before["branch_id"], on=member.joined_branch_on, by=by)
    return member


def member_move(*, member: Member, from_branch_id: int, on: datetime.date, by: AbstractBaseUser | None) -> None:
    """The member (already saved in the new branch) moved from ``from_branch_id`` on ``on``.

    As when leaving, the positions held in the old branch end (the day before the move) and the
    linked user loses the roles the old branch gave them, so a secretary moved away no longer
    sees or edits it. A user who was a member (or secretary) there becomes a member of the new
    branch; any position there is given separately.
    """
    had_role = _end_branch_ties(member=member, branch_id=from_branch_id, until=on - datetime.timedelta(days=1), by=by)
    if (
        had_role
        and not Role.objects.filter(
            user_id=member.user_id, organization_id=member.branch_id, kind=RoleKind.MEMBER
        ).exists()
    ):
        role = Role(user_id=member.user_id, organization_id=member.branch_id, kind=RoleKind.MEMBER)
        role._history_user = by
        role.save()


def _end_branch_ties(
    *, member: Member, branch_id: int, until: datetime.date, by: AbstractBaseUser | None, every_position: bool = False
) -> bool:
    """End the member's positions in the branch (``every_position``: anywhere) on ``until`` (not
    before each began) and remove the roles the branch gave the linked user. Returns whether the
    user had such a role."""
    open_positions = Position.objects.filter(member=member).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=until))
    if not every_position:
        open_positions = open_positions.filter(branch_id=branch_id)
    for position in open_positions:
        position.ended_on = max(until, position.started_on)
        position._history_user = by
        position.save(update_fields=["ended_on"])
    had_role = False
    if member.user_id:
        for role in Role.objects.filter(user_id=member.user_id, organization_id=branch_id, kind__in=BRANCH_ROLES):
            role._history_user = by
            role.delete()
            had_role = True
    return had_role


@transaction.atomic
def member_transfer_temporarily(
    *,
    member: Member,
    away_from: datetime.date,
    away_until: datetime.date | None,
    away_branch: Organization | None,
    by: AbstractBaseUser | None,
) -> Member:
    """Record a temporary transfer (chuyển sinh hoạt tạm thời: study, work away, treatment).

    Not leaving: the member stays on this branch's register, is not expected at its meetings
    from ``away_from`` to ``away_until`` (open-ended when None), and is on the roll of
    ``away_branch`` (None: a branch outside the system) as a temporarily attached member.
    """
    check_plausible(away_from=away_from, away_until=away_until)
    member_validate(
        status=None,
        admitted_on=None,
        full_member_on=None,
        branch_id=member.branch_id,
        away_from=away_from,
        away_until=away_until,
        away_branch_id=away_branch.pk if away_branch else None,
    )
    if member.left_on is not None:
        raise ValidationError(_("A member who has left cannot be transferred temporarily."), code="left")
    member.away_from, member.away_until, member.away_branch = away_from, away_until, away_branch
    member._history_user = by
    member.save(update_fields=["away_from", "away_until", "away_branch"])
    return member


@transaction.atomic
def member_suspend(
    *,
    member: Member,
    suspended_from: datetime.date,
    suspended_until: datetime.date | None,
    decision: str,
    by: AbstractBaseUser | None,
) -> Member:
    """Record a suspension from party activity (đình chỉ sinh hoạt đảng) by a decision.

    From ``suspended_from`` to ``suspended_until`` (open-ended when None) the member is listed on
    the roll as suspended, is not expected, cannot be marked absent and is not in the voting base
    (Quy định 24-QĐ/TW §9.3.2).
    """
    decision = decision.strip()
    check_plausible(suspended_from=suspended_from, suspended_until=suspended_until)
    member_validate(
        status=None,
        admitted_on=None,
        full_member_on=None,
        suspended_from=suspended_from,
        suspended_until=suspended_until,
        suspension_decision=decision,
    )
    if member.left_on is not None:
        raise ValidationError(_("A member who has left cannot be suspended."), code="left")
    member.suspended_from, member.suspended_until, member.suspension_decision = (
        suspended_from,
        suspended_until,
        decision,
    )
    member._history_user = by
    member.save(update_fields=["suspended_from", "suspended_until", "suspension_decision"])
    return member


@transaction.atomic
def member_transfer_end(*, member: Member, on: datetime.date, by: AbstractBaseUser | None) -> Member:
    """The member is back from a temporary transfer: their last day away is the day before ``on``.
    A transfer that had not started yet is removed."""
    if member.away_from is None:
        raise ValidationError(_("This member is not temporarily transferred."), code="not_away")
    last_day = on - datetime.timedelta(days=1)
    if last_day < member.away_from:
        member.away_from = member.away_until = member.away_branch = None
    else:
        member.away_until = last_day if member.away_until is None else min(member.away_until, last_day)
    member._history_user = by
    member.save(update_fields=["away_from", "away_until", "away_branch"])
    return member


@transaction.atomic
def member_leave(
    *,
    member: Member,
    left_on: datetime.date,
    reason: LeaveReason | str,
    note: str = "",
    by: AbstractBaseUser,
) -> Member:
    """Record that a member left the branch. The record stays, with its history.

    Their open positions end that day, and the linked user loses the roles the
    branch gave them, so someone who left no longer sees the branch.
    """
    member.left_on = left_on
    member.leave_reason = reason
    member.leave_note = note
    member._history_user = by
    member.save(update_fields=["left_on", "leave_reason", "leave_note"])
    _end_branch_ties(member=member, branch_id=member.branch_id, until=left_on, by=by, every_position=True)
    return member


def access_log_write(*, user: AbstractBaseUser, entries: Iterable[dict]) -> None:
    """Write who read or exported classified data: one row per entry (its action and ids only),
    in one INSERT. Pages do not call this: they note reads with ``members.audit.access_log_note``."""
    AccessLog.objects.bulk_create([AccessLog(user=user, **entry) for entry in entries])
