"""Who may see and do what with meetings, built on the primitive in members.access.

Meetings are seen by whoever reaches their branch with any role; the actions below decide
the rest. Views, selectors, calendar feeds and documents ask this module and nothing else.
The member and organisation rules that meeting pages need are re-exported from members.access,
so a meetings view has one place to ask.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from members.access import (
    OVERSEERS,
    PARTY_ROLES,
    above_any_q,
    branches,
    can_edit_member,
    can_edit_organization,
    can_read_members_of,
    editable_branches,
    forget_roles,
    is_under,
    members,
    nodes,
    organizations,
    reaches,
    roles,
    scope_for,
    staff_organizations,
    subtree_q,
    system_scope,
)
from members.models import Member, Organization, Position, RoleKind

from .models import Attachment, CadreAssignment, Guest, Guidance, Meeting, MeetingStatus

__all__ = [
    "branches",
    "can_edit_member",
    "can_edit_organization",
    "can_read_members_of",
    "editable_branches",
    "forget_roles",
    "members",
    "organizations",
    "roles",
    "scope_for",
    "staff_organizations",
    "system_scope",
]

# How far back the calendar feed reaches.
FEED_PAST_DAYS = 180


# --- Meetings ----------------------------------------------------------------------------


# Officers of commune bodies answer petitions; they do not follow the branches' meetings.
MEETING_ROLES = PARTY_ROLES

# Which role kinds read which kind of object here; a role reads nothing its row does not name.
READERS = {
    "meeting": MEETING_ROLES,  # and with it its agenda, roll, minutes, resolution, papers
    "guidance": MEETING_ROLES,  # the commune committee's monthly guidance and its files
}


def meetings(user) -> QuerySet[Meeting]:
    if user.is_superuser:
        return Meeting.objects.all()
    return Meeting.objects.filter(subtree_q(nodes(user, READERS["meeting"]), prefix="branch__"))


def can_manage_meeting(user, meeting: Meeting) -> bool:
    """Secretary of the branch or commune staff above it: prepare, roll call, minutes.

    Once the minutes are adopted the record is locked; only commune staff may correct it.
    """
    if meeting.is_locked:
        return can_correct_meeting(user, meeting)
    return can_edit_organization(user, meeting.branch)


def can_keep_offline(user, meeting: Meeting) -> bool:
    """The meeting's pages may be stored on this user's phone for use offline: the branch's
    secretary, the meeting's chair or minute-taker, until the minutes are adopted
    (docs/decisions/0017-offline.md). Commune staff and everyone else: never."""
    if meeting.is_locked or meeting.status == MeetingStatus.CANCELLED or not user.is_authenticated:
        return False
    if reaches(user, {RoleKind.SECRETARY}, meeting.branch):
        return True
    people = {meeting.chair_id, meeting.minute_taker_id} - {None}
    return bool(people) and Member.objects.filter(pk__in=people, user=user).exists()


def can_correct_meeting(user, meeting: Meeting) -> bool:
    return user.is_superuser or reaches(user, {RoleKind.COMMUNE_STAFF}, meeting.branch)


def can_log_meeting(user, branch: Organization) -> bool:
    """Create a meeting for a branch (secretary) or log one a branch reported (commune staff)."""
    return can_edit_organization(user, branch)


def can_log_reported(user, branch: Organization) -> bool:
    """Commune staff above a branch may log a meeting the branch reported as held."""
    return user.is_superuser or reaches(user, {RoleKind.COMMUNE_STAFF}, branch)


def is_assigned_cadre(user, meeting: Meeting) -> bool:
    """A cadre following the meeting's branch: records own attendance, confirms the score."""
    return reaches(user, {RoleKind.CADRE}, meeting.branch)


def can_confirm_score(user, meeting: Meeting) -> bool:
    """Who confirms a meeting's score, which then counts for the year (docs/domain.md#quality-score):
    the assigned cadre following the branch; where no cadre is assigned on the meeting's day,
    commune staff above the branch."""
    if is_assigned_cadre(user, meeting):
        return True
    if not (user.is_superuser or reaches(user, {RoleKind.COMMUNE_STAFF}, meeting.branch)):
        return False
    return not CadreAssignment.objects.filter(branch_id=meeting.branch_id).covering(meeting.day).exists()


def can_see_absence_reasons(user, meeting: Meeting) -> bool:
    """Why a member was absent (illness, family: sensitive data) is for those who keep or oversee
    the branch: its secretary and committee (chi ủy) on the meeting's day, commune staff and
    leaders. Every page and document that lists absentees asks this; members and cadres read
    "vắng có lý do" without the reason."""
    readers = {RoleKind.COMMUNE_STAFF, RoleKind.SECRETARY, RoleKind.LEADER}
    if user.is_superuser or reaches(user, readers, meeting.branch):
        return True
    return (
        user.is_authenticated
        and Position.objects.filter(member__user=user, branch_id=meeting.branch_id).held_on(meeting.day).exists()
    )


def can_read_records(user, meeting: Meeting) -> bool:
    """Editors read drafts; everyone else who sees the meeting reads (and downloads) the
    minutes and resolution once they are adopted."""
    return meeting.is_locked or can_manage_meeting(user, meeting)


# --- Flags and oversight -------------------------------------------------------------------


def can_see_flags(user) -> bool:
    """Commune staff and leaders (and administrators): the people who chase branches."""
    return user.is_authenticated and (user.is_superuser or bool(nodes(user, OVERSEERS)))


def overseen_branches(user) -> QuerySet[Organization]:
    """Branches whose meeting flags and cadres this user follows (commune staff and leaders)."""
    return branches(user, OVERSEERS)


# --- Agenda templates, rules and guidance ------------------------------------------------------


def can_keep_template(user, organization: Organization) -> bool:
    """Commune staff edit the agenda template and meeting rules of their node or a node under it."""
    return user.is_superuser or any(is_under(organization, node) for node in staff_organizations(user))


def can_manage_guidance(user, guidance: Guidance) -> bool:
    return can_keep_template(user, guidance.organization)


def visible_guidance(user) -> QuerySet[Guidance]:
    """Guidance published in the user's subtree or above any node the user belongs to."""
    if user.is_superuser:
        return Guidance.objects.all()
    held = nodes(user, READERS["guidance"])
    return Guidance.objects.filter(
        subtree_q(held, prefix="organization__") | above_any_q(held, prefix="organization__")
    )


def visible_attachments(user) -> QuerySet[Attachment]:
    """Attachments of meetings in scope, or of guidance the user may read."""
    return Attachment.objects.filter(
        Q(agenda_item__meeting__in=meetings(user)) | Q(guidance__in=visible_guidance(user))
    )


# --- Guests and cadres -------------------------------------------------------------------------


def own_member(user) -> Member | None:
    """The user's own member record, if any."""
    return Member.objects.filter(user=user).first() if user.is_authenticated else None


def can_record_guest(user, guest: Guest) -> bool:
    """Those who manage the meeting record any guest; an assigned cadre records their own row."""
    meeting = guest.meeting
    if can_manage_meeting(user, meeting):
        return True
    return (
        not meeting.is_locked
        and guest.cadre_id is not None
        and user.is_authenticated
        and Member.objects.filter(pk=guest.cadre_id, user=user).exists()
        and is_assigned_cadre(user, meeting)
    )


def recordable_guest_ids(user, meeting: Meeting, guests: list[Guest]) -> set[int]:
    """The guests on this list whose record this user may fill in (see can_record_guest). One query at most."""
    if can_manage_meeting(user, meeting):
        return {g.pk for g in guests}
    if meeting.is_locked or not is_assigned_cadre(user, meeting):
        return set()
    own = set(Member.objects.filter(user=user).values_list("pk", flat=True))
    return {g.pk for g in guests if g.cadre_id in own}


def cadre_assignable_branches(user) -> QuerySet[Organization]:
    """Branches for which this user assigns cadres: commune staff (or superusers) above them."""
    return branches(user, {RoleKind.COMMUNE_STAFF})


def can_assign_cadres(user, branch: Organization) -> bool:
    return user.is_superuser or reaches(user, {RoleKind.COMMUNE_STAFF}, branch)


def cadre_report_scope(user, member_pk: int | None = None) -> tuple[QuerySet[Organization], list[Member] | None]:
    """The branches (and cadres) a cadre report may show this user.

    Commune staff and leaders see the cadres following their branches; a cadre sees their own
    line, for the branches they follow now. Returns ``(branches, None)`` for overseers,
    ``(branches, [own member])`` for a cadre, and an empty queryset when the user may see no report.
    """
    overseen = overseen_branches(user)
    if member_pk is not None:
        overseen = overseen.filter(cadre_assignments__cadre_id=member_pk).distinct()
    if overseen.exists():
        return overseen, None
    own = own_member(user)
    if own is None or (member_pk is not None and own.pk != member_pk):
        return Organization.objects.none(), None
    # What a cadre sees ends with the assignment: branches followed under an assignment not yet
    # ended, and still reached with the cadre role (the same rule as the meeting pages).
    today = timezone.localdate()
    followed = (
        Organization.objects.filter(
            Q(cadre_assignments__ended_on__isnull=True) | Q(cadre_assignments__ended_on__gte=today),
            cadre_assignments__cadre=own,
        )
        .filter(subtree_q(nodes(user, {RoleKind.CADRE})))
        .distinct()
    )
    return followed, [own]


# --- The calendar feed ---------------------------------------------------------------------------


def expected_meetings(user, *, now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings in the user's scope that they are expected at, from ``FEED_PAST_DAYS`` ago on.

    - every meeting of the branch where the user's member is a current member;
    - meetings where that member is a guest cadre, and meetings of branches the member is
      assigned to follow as a cadre, within the assignment's dates;
    - meetings of branches where the user holds a secretary role.

    It starts from ``meetings(user)``, so a feed ends with the user's scope.
    """
    now = now or timezone.now()
    since = now - datetime.timedelta(days=FEED_PAST_DAYS)
    wanted = Q(pk__in=[])
    member = Member.objects.filter(user=user).only("pk", "branch_id", "left_on").first()
    if member is not None:
        if member.left_on is None:
            wanted |= Q(branch_id=member.branch_id)
        # Ids, not a subquery: inside the OR a subquery is a filter run on every meeting, while a
        # list of ids is one more index scan beside the branches' (a province has ~40,000 a year).
        guest_at = Guest.objects.filter(cadre=member, meeting__planned_start__gte=since).values_list(
            "meeting_id", flat=True
        )
        wanted |= Q(pk__in=list(guest_at))
        for assignment in CadreAssignment.objects.filter(cadre=member):
            covered = Q(branch_id=assignment.branch_id, planned_start__date__gte=assignment.started_on)
            if assignment.ended_on:
                covered &= Q(planned_start__date__lte=assignment.ended_on)
            wanted |= covered
    secretary_of = [node.pk for node in nodes(user, {RoleKind.SECRETARY})]
    if secretary_of:
        wanted |= Q(branch_id__in=secretary_of)
    return meetings(user).filter(wanted, planned_start__gte=since)
