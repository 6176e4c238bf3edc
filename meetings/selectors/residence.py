"""What the residence pages read: a branch's linked working members from both sides, their
attendance at residence meetings and the year's comments. Each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from meetings.models import CommentStatus, LinkedAttendance, LinkedMark, Meeting, ResidenceComment
from members.models import Organization, ResidenceLink


@dataclass
class LinkRow:
    link: ResidenceLink
    invited: int
    came: int
    comment: ResidenceComment | None
    marks: list[LinkedAttendance]


def _rows(links: list[ResidenceLink], year: int, *, comments_sent_only: bool) -> list[LinkRow]:
    """Each link with its year's residence attendance and comment: two queries for all of them."""
    marks: dict[int, list[LinkedAttendance]] = {link.pk: [] for link in links}
    for row in (
        LinkedAttendance.objects.filter(link_id__in=list(marks), meeting__month__year=year)
        .select_related("meeting")
        .order_by("meeting__planned_start", "pk")
    ):
        marks[row.link_id].append(row)
    comments = ResidenceComment.objects.filter(link_id__in=list(marks), year=year)
    if comments_sent_only:
        comments = comments.filter(status=CommentStatus.SENT)
    by_link = {comment.link_id: comment for comment in comments}
    return [
        LinkRow(
            link=link,
            invited=len(marks[link.pk]),
            came=sum(row.mark == LinkedMark.CAME for row in marks[link.pk]),
            comment=by_link.get(link.pk),
            marks=marks[link.pk],
        )
        for link in links
    ]


def living_here(branch: Organization, year: int) -> list[LinkRow]:
    """The residence side: working members linked to the branch (open links first, then history)."""
    links = list(
        ResidenceLink.objects.filter(residence_branch=branch)
        .select_related("member__branch")
        .order_by("status", "member__name_key", "-since", "pk")
    )
    return _rows(links, year, comments_sent_only=False)


def working_here(branch: Organization, year: int) -> list[LinkRow]:
    """The workplace side: the branch's members linked to a residence branch, with what the
    residence branch recorded (attendance) and sent (comments)."""
    links = list(
        ResidenceLink.objects.filter(member__branch=branch)
        .select_related("member", "residence_branch")
        .order_by("member__name_key", "-since", "pk")
    )
    return _rows(links, year, comments_sent_only=True)


def sent_comments(branch: Organization, year: int) -> list[ResidenceComment]:
    """The year's comments sent to the workplace branch, for its documents."""
    return list(
        ResidenceComment.objects.filter(member__branch=branch, year=year, status=CommentStatus.SENT)
        .select_related("member", "link__residence_branch")
        .order_by("member__name_key", "pk")
    )


def meeting_links(meeting: Meeting) -> list[tuple[ResidenceLink, LinkedAttendance | None]]:
    """A residence meeting's linked members: those it invited (whatever their link now), and the
    links in force that day it has not invited yet. Two queries."""
    rows = list(LinkedAttendance.objects.filter(meeting=meeting).select_related("link__member__branch"))
    invited = {row.link_id for row in rows}
    more = (
        ResidenceLink.objects.filter(residence_branch_id=meeting.branch_id)
        .in_force(meeting.day)
        .exclude(pk__in=invited)
        .select_related("member__branch")
        .order_by("member__name_key", "pk")
    )
    pairs = [(row.link, row) for row in rows] + [(link, None) for link in more]
    return sorted(pairs, key=lambda pair: (pair[0].member.name_key, pair[0].pk))
