"""The demo's working members and their residence branch (QĐ 213, HD 33; issue 24).

Tổ dân phố số 7's people who work at an agency, school or enterprise are members of their
workplace's branch (demo.members moves them there); here each gets a link to Tổ dân phố số 7: a
few exempt from residence meetings (HD 33), one not introduced (special duty), the rest expected.
Some came to this year's residence meetings; last year's comments were all sent but one (overdue),
and this year's are half written, some adopted, some sent. Nothing that exists is changed.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from meetings.documents.residence import sent_header
from meetings.models import (
    CommentStatus,
    LinkedAttendance,
    LinkedMark,
    Meeting,
    MeetingStatus,
    ResidenceComment,
)
from members.models import LinkCategory, LinkStatus, Member, Organization, ResidenceLink

from .members import LINKED_FROM, SEED, WORKPLACE_BRANCHES

EXEMPT_REASONS = (
    "Công tác lưu động, thường xuyên vắng nhà",
    "Đi học tập trung 12 tháng",
    "Lực lượng vũ trang ở trong doanh trại",
)
ABSENCE_REASONS = ("Đi công tác", "Trực cơ quan", "Ốm", "Việc gia đình")
COMMENT_TEXT = {
    "civic_duties": "Chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước và quy định của địa phương.",
    "conduct": "Bản thân và gia đình gương mẫu, giữ mối quan hệ tốt với nhân dân nơi cư trú.",
    "movements": "Tham gia đầy đủ các phong trào, cuộc vận động ở tổ dân phố.",
    "conclusion": "Thực hiện tốt trách nhiệm của đảng viên đang công tác đối với nơi cư trú.",
}


def _links(residence: Organization, today: datetime.date) -> list[ResidenceLink]:
    """A link for each working member of the residence branch who has none yet."""
    workers = list(
        Member.objects.filter(branch__code__in=list(WORKPLACE_BRANCHES.values()), left_on__isnull=True)
        .filter(residence__icontains=residence.name.removeprefix("Chi bộ "))
        .select_related("branch")
        .order_by("party_card_number")
    )
    linked = set(ResidenceLink.objects.filter(member__in=workers).values_list("member_id", flat=True))
    rng = random.Random(f"{SEED}:residence:{residence.code}")
    new = []
    for n, member in enumerate(workers, start=1):
        since = max(member.joined_branch_on or datetime.date(2021, 3, 1), datetime.date(2021, 3, 1))
        since = min(since, today - datetime.timedelta(days=30))
        category, reason = LinkCategory.EXPECTED, ""
        if n % 15 == 7:
            category, reason = LinkCategory.EXEMPT, EXEMPT_REASONS[n // 15 % len(EXEMPT_REASONS)]
        elif n == 40:
            category = LinkCategory.NOT_INTRODUCED
        if member.pk in linked:
            continue
        new.append(
            ResidenceLink(
                member=member,
                residence_branch=residence,
                since=since,
                category=category,
                exempt_reason=reason,
                letter_number=f"{rng.randint(10, 180)}-GGT/ĐU",
                letter_date=since - datetime.timedelta(days=rng.randint(3, 10)),
                letter_issuer=f"Chi ủy {member.branch.name.removeprefix('Chi bộ ')}",
                status=LinkStatus.ACCEPTED,
            )
        )
    ResidenceLink.objects.bulk_create(new)
    return list(
        ResidenceLink.objects.filter(residence_branch=residence)
        .select_related("member__branch")
        .order_by("member__party_card_number")
    )


def _attendance(residence: Organization, links: list[ResidenceLink], today: datetime.date, marker) -> None:
    """This year's residence meetings held before this month: the expected linked members invited,
    about a third came. The current month's meeting is left for the secretary to invite."""
    meetings = list(
        Meeting.objects.filter(
            branch=residence,
            month__year=today.year,
            month__lt=today.replace(day=1),
            status__in=[MeetingStatus.HELD, MeetingStatus.ADOPTED],
        ).order_by("planned_start")
    )
    done = set(LinkedAttendance.objects.filter(meeting__in=meetings).values_list("meeting_id", flat=True))
    rows = []
    for meeting in meetings:
        if meeting.pk in done:
            continue
        rng = random.Random(f"{SEED}:residence:{meeting.month:%Y-%m}")
        for link in links:
            if link.category != LinkCategory.EXPECTED or link.since > meeting.day:
                continue
            draw = rng.random()
            if draw < 0.35:
                mark, reason = LinkedMark.CAME, ""
            elif draw < 0.75:
                mark, reason = LinkedMark.ABSENT, rng.choice(ABSENCE_REASONS)
            else:
                mark, reason = LinkedMark.ABSENT, ""
            rows.append(LinkedAttendance(meeting=meeting, link=link, mark=mark, reason=reason, marked_by=marker))
    LinkedAttendance.objects.bulk_create(rows, ignore_conflicts=True)


def _comments(links: list[ResidenceLink], today: datetime.date, writer) -> None:
    """Last year's comments all sent but one (overdue); this year's half written: a third of
    those drafts, a third adopted, a third sent."""
    expected = [link for link in links if link.category == LinkCategory.EXPECTED]
    existing = set(ResidenceComment.objects.filter(link__in=expected).values_list("member_id", "year"))
    last, this = today.year - 1, today.year
    counts = {}
    for link in expected:
        counts.setdefault(link.pk, [0, 0])
    for member_link, mark in LinkedAttendance.objects.filter(link__in=expected, meeting__month__year=this).values_list(
        "link_id", "mark"
    ):
        counts[member_link][0] += 1
        counts[member_link][1] += mark == LinkedMark.CAME
    rows = []
    earlier = [link for link in expected if link.since <= datetime.date(last, 12, 31)]
    for n, link in enumerate(earlier):
        if n == 3 or (link.member_id, last) in existing:
            continue  # the one overdue: never sent
        rows.append(_comment(link, last, CommentStatus.SENT, datetime.date(last, 12, 5), writer, (10, 4)))
    for n, link in enumerate(expected[: len(expected) // 2]):
        if (link.member_id, this) in existing:
            continue
        status = (CommentStatus.DRAFT, CommentStatus.ADOPTED, CommentStatus.SENT)[n % 3]
        adopted = min(today, datetime.date(this, 12, 1))
        rows.append(_comment(link, this, status, adopted, writer, tuple(counts[link.pk])))
    ResidenceComment.objects.bulk_create(rows, ignore_conflicts=True)


def _comment(link, year, status, adopted_on, writer, attendance) -> ResidenceComment:
    comment = ResidenceComment(
        link=link,
        member=link.member,
        year=year,
        status=status,
        written_by=writer,
        meetings_invited=attendance[0],
        meetings_attended=attendance[1],
        **COMMENT_TEXT,
    )
    if status != CommentStatus.DRAFT:
        comment.adopted_by, comment.adopted_on = "committee", adopted_on
    if status == CommentStatus.SENT:
        comment.sent_at = timezone.make_aware(datetime.datetime(adopted_on.year, adopted_on.month, adopted_on.day, 9))
        comment.sent_header = sent_header(comment, adopted_on)
    return comment


def seed_residence_demo(*, today: datetime.date) -> None:
    """Run inside ``members.access.system_scope()``, after the members' and the meetings' demos."""
    secretary = get_user_model().objects.filter(username="bithu.tdp7").first()
    if secretary is None:
        return
    for code in LINKED_FROM:
        residence = Organization.objects.filter(code=code).first()
        if residence is None:
            continue
        with transaction.atomic():
            links = _links(residence, today)
            _attendance(residence, links, today, secretary)
            _comments(links, today, secretary)
