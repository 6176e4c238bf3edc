"""What each role has to do next, for the home page (meetings/home.py shows it).

Each function runs a fixed number of queries whatever the number of branches, meetings or
members (the user's roles are cached per request by members.access and not counted):

- ``secretary_next_meetings``: 1 query (the open meetings of the user's branches, with what
  each has so far);
- ``cadre_work``: 2 queries (meetings to attend; scores to confirm);
- ``member_next_meeting``: 3 queries (the member, the next meeting, its materials).

The overseers' most urgent flags are oversight's (``oversight.selectors.urgent``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meetings import access
from meetings.models import AgendaItem, Attachment, Attendance, Meeting, MeetingStatus, Minutes
from members.models import Member, Organization, RoleKind

# Meetings whose work is not finished: everything but adopted and cancelled.
OPEN_STATUSES = (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT, MeetingStatus.POSTPONED, MeetingStatus.HELD)
# Meetings still to come (or going on): what a member or a cadre attends.
COMING_STATUSES = (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT, MeetingStatus.POSTPONED)
# A meeting stays "next" until a few hours after its planned end (it may run late).
GRACE = datetime.timedelta(hours=3)
SHOWN = 5


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    url: str


@dataclass
class NextMeeting:
    """A branch's meeting in preparation or waiting for its minutes, and the steps to finish it."""

    meeting: Meeting
    steps: list[Step]

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)

    @property
    def missing(self) -> list[Step]:
        return [step for step in self.steps if not step.done]


@dataclass
class BranchWithoutMeeting:
    """A branch the secretary keeps that has no meeting in preparation: create one."""

    branch: Organization


def _steps(meeting: Meeting) -> list[Step]:
    detail = reverse("meetings:detail", args=[meeting.pk])
    held = meeting.status == MeetingStatus.HELD
    return [
        Step("agenda", _("Agenda"), meeting.has_agenda, f"{detail}#agenda"),
        Step("materials", _("Materials"), meeting.has_materials, f"{detail}#agenda"),
        Step(
            "notice",
            _("Notice"),
            meeting.notice_sent_at is not None or held,
            reverse("meetings:send_notice", args=[meeting.pk]),
        ),
        Step("roll", _("Roll call"), meeting.has_roll, reverse("meetings:roll", args=[meeting.pk])),
        Step("minutes", _("Minutes"), meeting.has_minutes, reverse("meetings:minutes", args=[meeting.pk])),
        Step("adoption", _("Adoption of the minutes"), False, reverse("meetings:minutes_adopt", args=[meeting.pk])),
    ]


def _with_progress(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.annotate(
        has_agenda=Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"))),
        has_materials=Exists(Attachment.objects.filter(agenda_item__meeting=OuterRef("pk"))),
        has_roll=Exists(Attendance.objects.filter(meeting=OuterRef("pk"))),
        has_minutes=Exists(Minutes.objects.filter(meeting=OuterRef("pk"))),
    )


def secretary_next_meetings(user) -> list[NextMeeting | BranchWithoutMeeting]:
    """For each branch the user is secretary of: the earliest meeting not yet finished (a held
    meeting waiting for its minutes comes before next month's), with its steps; or the branch
    itself when it has none. One query."""
    branches = [node for node in access.nodes(user, {RoleKind.SECRETARY}) if node.is_branch]
    if not branches:
        return []
    meetings = _with_progress(
        access.meetings(user)
        .filter(branch__in=branches, status__in=OPEN_STATUSES)
        .select_related("branch")
        .order_by("planned_start", "pk")
    )
    first: dict[int, Meeting] = {}
    for meeting in meetings:
        first.setdefault(meeting.branch_id, meeting)
    return [
        NextMeeting(meeting=first[branch.pk], steps=_steps(first[branch.pk]))
        if branch.pk in first
        else BranchWithoutMeeting(branch=branch)
        for branch in sorted(branches, key=lambda node: node.path)
    ]


@dataclass
class CadreWork:
    to_attend: list[Meeting]
    to_confirm: list[Minutes]


def cadre_work(user, *, now: datetime.datetime) -> CadreWork | None:
    """The meetings of the branches the user follows as a cadre, still to come, and the scores
    proposed there that the cadre has not confirmed yet. Two queries."""
    followed = access.nodes(user, {RoleKind.CADRE})
    if not followed:
        return None
    branch_meetings = access.meetings(user).filter(access.subtree_q(followed, prefix="branch__"))
    to_attend = list(
        branch_meetings.filter(status__in=COMING_STATUSES, planned_end__gte=now - GRACE)
        .select_related("branch")
        .order_by("planned_start", "pk")[:SHOWN]
    )
    to_confirm = list(
        Minutes.objects.filter(meeting__in=branch_meetings, score_total__isnull=False, score_confirmed_at__isnull=True)
        .select_related("meeting__branch")
        .order_by("meeting__planned_start", "pk")[:SHOWN]
    )
    return CadreWork(to_attend=to_attend, to_confirm=to_confirm)


@dataclass
class MemberMeeting:
    member: Member
    meeting: Meeting | None
    materials: list[Attachment]


def member_next_meeting(user, *, now: datetime.datetime) -> MemberMeeting | None:
    """The user's own branch's next meeting, with its place, time and materials. Three queries."""
    member = Member.objects.filter(user=user, left_on__isnull=True).select_related("branch").first()
    if member is None:
        return None
    meeting = (
        access.meetings(user)
        .filter(branch_id=member.branch_id, status__in=COMING_STATUSES, planned_end__gte=now - GRACE)
        .order_by("planned_start", "pk")
        .first()
    )
    materials = []
    if meeting is not None:
        materials = list(
            Attachment.objects.filter(agenda_item__meeting=meeting)
            .select_related("agenda_item")
            .order_by("agenda_item__position", "pk")
        )
    return MemberMeeting(member=member, meeting=meeting, materials=materials)
