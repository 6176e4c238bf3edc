"""Reads of the agenda: the template a branch starts from, a meeting's items with their files, last month's agenda."""

from __future__ import annotations

from django.db.models import Case, Exists, OuterRef, QuerySet, When

from meetings.models import (
    DEFAULT_AGENDA,
    REGULAR_KINDS,
    AgendaItem,
    AgendaTemplate,
    Meeting,
    MeetingStatus,
)
from members import access
from members.models import Organization


def agenda_template_items(organization: Organization) -> list[dict]:
    """The running order new meetings start from: nearest template up the tree, else the default."""
    template = (
        AgendaTemplate.objects.filter(access.above_q(organization, prefix="organization__"))
        .order_by("-organization__depth")
        .first()
    )
    if template is not None and template.items:
        return [dict(item) for item in template.items]
    return [dict(item) for item in DEFAULT_AGENDA]


def agenda_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The agenda in order with every attachment, in three queries whatever its size."""
    return (
        meeting.agenda_items.select_related("guidance")
        .prefetch_related("attachments", "guidance__attachments")
        .order_by("position", "pk")
    )


def last_meeting_before(meeting: Meeting) -> Meeting | None:
    """The branch's latest earlier meeting that has an agenda, regular ones first within a month."""
    return (
        Meeting.objects.filter(branch_id=meeting.branch_id, month__lt=meeting.month)
        .filter(Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"))))
        .exclude(status=MeetingStatus.CANCELLED)
        .annotate(is_regular=Case(When(kind__in=REGULAR_KINDS, then=1), default=0))
        .order_by("-month", "-is_regular", "-planned_start")
        .first()
    )
