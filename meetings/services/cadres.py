"""Higher-level cadres and other guests: assignments to branches and their rows at each meeting."""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import access
from meetings.counting import NOT_HELD
from meetings.models import (
    CadreAssignment,
    Guest,
    Meeting,
    MeetingStatus,
)
from meetings.services.roll import RollRefused
from members.models import Member, Organization, Role, RoleKind


def _ensure_guest(meeting: Meeting, assignment: CadreAssignment) -> Guest | None:
    """The expected-cadre row for one assignment; None if it already existed as expected."""
    existing = Guest.objects.filter(meeting=meeting, cadre_id=assignment.cadre_id).first()
    if existing is not None:
        if not existing.expected:
            existing.expected = True
            existing.save(update_fields=["expected"])
            return existing
        return None
    try:
        with transaction.atomic():
            return Guest.objects.create(
                meeting=meeting,
                cadre_id=assignment.cadre_id,
                name=assignment.cadre.full_name,
                title=assignment.title,
                expected=True,
            )
    except IntegrityError:  # created meanwhile by another request
        return None


def add_expected_cadres(meeting: Meeting) -> list[Guest]:
    """Add a guest row (expected) for every cadre whose assignment covers the meeting day.

    Safe to run any number of times; returns the rows added.
    """
    day = meeting.day
    assignments = (
        CadreAssignment.objects.filter(branch_id=meeting.branch_id)
        .covering(day)
        .select_related("cadre")
        .order_by("started_on", "pk")
    )
    added = []
    for assignment in assignments:
        if guest := _ensure_guest(meeting, assignment):
            added.append(guest)
    return added


@transaction.atomic
def cadre_record(
    *, guest: Guest, attended: bool | None, remarks: str, promises: str, by: AbstractBaseUser | None
) -> Guest:
    """Whether a cadre (or other guest) came, what they said and what they promised to take back."""
    if not access.can_record_guest(by, guest):
        raise RollRefused(_("You may not change this guest's record."))
    guest.attended = attended
    guest.remarks = remarks.strip()
    guest.promises = promises.strip()
    guest._history_user = by
    guest.save()
    return guest


@transaction.atomic
def guest_add(*, meeting: Meeting, name: str, title: str = "", by: AbstractBaseUser | None) -> Guest:
    """Another guest (not an assigned cadre)."""
    if not access.can_manage_meeting(by, meeting):
        raise RollRefused(_("You may not change this meeting."))
    guest = Guest(meeting=meeting, name=name.strip(), title=title.strip(), expected=False)
    guest._history_user = by
    guest.save()
    return guest


@transaction.atomic
def guest_remove(*, guest: Guest, by: AbstractBaseUser | None) -> None:
    """Remove a guest added by hand; expected cadres stay (record that they did not come instead)."""
    if not access.can_manage_meeting(by, guest.meeting):
        raise RollRefused(_("You may not change this meeting."))
    if guest.expected:
        raise ValidationError(_("An assigned cadre cannot be removed; record that they did not come instead."))
    guest._history_user = by
    guest.delete()


def _meetings_covered(assignment: CadreAssignment) -> list[Meeting]:
    """The branch's meetings on days the assignment covers that may still be changed."""
    start = datetime.datetime.combine(assignment.started_on - datetime.timedelta(days=1), datetime.time())
    meetings = Meeting.objects.filter(
        branch_id=assignment.branch_id, planned_start__gte=timezone.make_aware(start)
    ).exclude(status__in=(*NOT_HELD, MeetingStatus.ADOPTED))
    return [m for m in meetings if assignment.covers(m.day)]


@transaction.atomic
def assignment_create(
    *,
    cadre: Member,
    title: str,
    branch: Organization,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    by: AbstractBaseUser | None,
) -> CadreAssignment:
    """Assign a cadre to follow a branch. The cadre's user account (if any) gets the cadre role at
    the branch, and the branch's meetings in the period (not yet adopted) expect the cadre."""
    if not access.can_assign_cadres(by, branch):
        raise RollRefused(_("You may not assign cadres to this branch."))
    assignment = CadreAssignment(
        cadre=cadre, title=title.strip(), branch=branch, started_on=started_on, ended_on=ended_on
    )
    assignment._history_user = by
    assignment.save()
    if (
        cadre.user_id
        # An assignment entered after it ended (for the record) gives no access.
        and (ended_on is None or ended_on >= timezone.localdate())
        and not Role.objects.filter(user_id=cadre.user_id, kind=RoleKind.CADRE, organization=branch).exists()
    ):
        role = Role(user_id=cadre.user_id, kind=RoleKind.CADRE, organization=branch)
        role._history_user = by
        role.save()
    for meeting in _meetings_covered(assignment):
        _ensure_guest(meeting, assignment)
    return assignment


def _active_assignments(assignment: CadreAssignment, today: datetime.date) -> QuerySet[CadreAssignment]:
    """Other assignments of the same cadre to the same branch still running today."""
    return (
        CadreAssignment.objects.filter(cadre_id=assignment.cadre_id, branch_id=assignment.branch_id)
        .exclude(pk=assignment.pk)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    )


@transaction.atomic
def assignment_end(
    *, assignment: CadreAssignment, ended_on: datetime.date, by: AbstractBaseUser | None
) -> CadreAssignment:
    """End an assignment. The cadre role at the branch goes unless another running assignment
    covers the branch; later meetings no longer expect the cadre unless something was recorded."""
    if not access.can_assign_cadres(by, assignment.branch):
        raise RollRefused(_("You may not assign cadres to this branch."))
    if ended_on < assignment.started_on:
        raise ValidationError(_("An assignment cannot end before it starts."))
    assignment.ended_on = ended_on
    assignment._history_user = by
    assignment.save(update_fields=["ended_on", "changed_at"])
    others = list(
        CadreAssignment.objects.filter(cadre_id=assignment.cadre_id, branch_id=assignment.branch_id).exclude(
            pk=assignment.pk
        )
    )
    untouched = Guest.objects.filter(
        meeting__branch_id=assignment.branch_id,
        cadre_id=assignment.cadre_id,
        expected=True,
        attended__isnull=True,
        remarks="",
        promises="",
    ).exclude(meeting__status=MeetingStatus.ADOPTED)
    for guest in untouched.select_related("meeting"):
        day = guest.meeting.day
        if day > ended_on and not any(other.covers(day) for other in others):
            guest._history_user = by
            guest.delete()
    cadre_user_id = Member.objects.filter(pk=assignment.cadre_id).values_list("user_id", flat=True).first()
    if cadre_user_id and not _active_assignments(assignment, timezone.localdate()).exists():
        for role in Role.objects.filter(user_id=cadre_user_id, kind=RoleKind.CADRE, organization=assignment.branch):
            role._history_user = by
            role.delete()
    return assignment


def cadre_roles_expire(*, today: datetime.date) -> int:
    """Remove the cadre roles whose assignments to that branch have all ended before ``today``: an
    assignment entered with its end date gives access until then, and no longer (what a cadre sees
    ends with the assignment). A cadre role given without any assignment (by an administrator) is
    left alone. Idempotent; returns the number of roles removed."""
    same = {"cadre__user_id": OuterRef("user_id"), "branch_id": OuterRef("organization_id")}
    lapsed = Role.objects.filter(kind=RoleKind.CADRE).filter(
        Exists(CadreAssignment.objects.filter(**same)),
        ~Exists(CadreAssignment.objects.filter(**same).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))),
    )
    removed = 0
    for role in lapsed:
        role._history_user = None
        role.delete()
        removed += 1
    return removed
