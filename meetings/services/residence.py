"""A residence branch's business with the working members linked to it (QĐ 213, HD 33;
docs/domain.md#working-members): inviting them to its meetings, noting who came, and the
yearly comment sent to their workplace's committee.

Linked members are recorded apart from the roll (``LinkedAttendance``): nothing that counts the
roll (attendance, the voting base, the quality level, the flags) reads those rows.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import reminders
from meetings.documents.residence import sent_header
from meetings.models import (
    AdoptedBy,
    CommentStatus,
    LinkedAttendance,
    LinkedMark,
    Meeting,
    MeetingStatus,
    ResidenceComment,
)
from members.access import role_holders, system_scope
from members.dates import check_plausible
from members.models import LinkCategory, OrganizationKind, ResidenceLink, RoleKind
from notifications.services import notification_enqueue

INVITATION = "residence.invitation"
COMMENT_SENT = "residence.comment_sent"

COMMENT_FIELDS = ("civic_duties", "conduct", "movements", "conclusion")


def invitable_links(meeting: Meeting) -> list[ResidenceLink]:
    """The linked members a residence meeting calls: links to its branch in force on the day, of
    the category HD 33 expects at residence meetings. One query."""
    return list(
        ResidenceLink.objects.filter(residence_branch_id=meeting.branch_id)
        .in_force(meeting.day)
        .expected()
        .select_related("member__user", "member__branch")
        .order_by("member__name_key", "pk")
    )


@transaction.atomic
def linked_invite(*, meeting: Meeting, by: AbstractBaseUser) -> list[LinkedAttendance]:
    """Invite the linked members expected at the meeting; each gets the invitation through the
    outbox (a meeting already over sends none). Inviting again adds only the new links."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting invites nobody."), code="status")
    links = invitable_links(meeting)
    already = set(LinkedAttendance.objects.filter(meeting=meeting).values_list("link_id", flat=True))
    rows = [LinkedAttendance(meeting=meeting, link=link, marked_by=by) for link in links if link.pk not in already]
    LinkedAttendance.objects.bulk_create(rows, ignore_conflicts=True)
    Meeting.records_changed(meeting.pk)
    if meeting.planned_start > timezone.now():
        context = reminders.meeting_context(meeting)
        for link in links:
            if link.member.user_id and link.member.user.is_active:
                notification_enqueue(
                    recipient=link.member.user,
                    kind=INVITATION,
                    about=meeting,
                    dedupe_key=f"{INVITATION}:{meeting.pk}:{reminders._stamp(meeting.planned_start)}:{link.pk}",
                    context=context,
                )
    return rows


@transaction.atomic
def linked_mark(
    *, meeting: Meeting, link: ResidenceLink, mark: str, reason: str = "", by: AbstractBaseUser
) -> LinkedAttendance:
    """Came or did not come (with the reason), for an invited linked member; the same again changes nothing."""
    if mark not in LinkedMark.values:
        raise ValidationError(_("Choose came or did not come."), code="mark")
    if link.residence_branch_id != meeting.branch_id:
        raise ValidationError(_("This member is not linked to the meeting's branch."), code="branch")
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED):
        raise ValidationError(
            _("Nobody attends a meeting that is %(status)s.") % {"status": meeting.get_status_display()}
        )
    row, _created = LinkedAttendance.objects.get_or_create(meeting=meeting, link=link, defaults={"marked_by": by})
    row.mark, row.reason, row.marked_by = mark, reason.strip()[:300], by
    row.save()
    return row


# --- The yearly comment -------------------------------------------------------------------------


def year_attendance(link_ids, year: int) -> dict[int, tuple[int, int]]:
    """Per link, (meetings invited to, meetings attended) in the year. One query."""
    found = {pk: [0, 0] for pk in link_ids}
    rows = LinkedAttendance.objects.filter(link_id__in=list(found), meeting__month__year=year).values_list(
        "link_id", "mark"
    )
    for link_id, mark in rows:
        found[link_id][0] += 1
        found[link_id][1] += mark == LinkedMark.CAME
    return {pk: (invited, came) for pk, (invited, came) in found.items()}


def _check_commentable(link: ResidenceLink, year: int) -> None:
    if link.category != LinkCategory.EXPECTED:
        raise ValidationError(
            _("HD 33: members exempt from residence meetings get a comment only when needed, not yearly."),
            code="category",
        )
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if link.status == "proposed" or link.since > last or (link.until and link.until < first):
        raise ValidationError(_("The link was not in force that year."), code="year")


@transaction.atomic
def comment_save(*, link: ResidenceLink, year: int, data: dict, by: AbstractBaseUser) -> ResidenceComment:
    """Write (or rewrite) the year's comment while it is a draft."""
    _check_commentable(link, year)
    comment, _created = ResidenceComment.objects.select_for_update().get_or_create(
        member_id=link.member_id, year=year, defaults={"link": link, "written_by": by}
    )
    if comment.status != CommentStatus.DRAFT:
        raise ValidationError(_("An adopted comment is not changed."), code="adopted")
    for field in COMMENT_FIELDS:
        setattr(comment, field, (data.get(field) or "").strip())
    comment.link, comment.written_by = link, by
    invited, came = year_attendance([link.pk], year)[link.pk]
    comment.meetings_invited, comment.meetings_attended = invited, came
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def comment_adopt(*, comment: ResidenceComment, how: str, on: datetime.date, by: AbstractBaseUser) -> ResidenceComment:
    """Adopted at a branch meeting or by the committee; adopting again changes nothing."""
    comment = ResidenceComment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != CommentStatus.DRAFT:
        return comment
    if how not in AdoptedBy.values:
        raise ValidationError(_("Say how the comment was adopted."), code="how")
    check_plausible(adopted_on=on)
    if not comment.conclusion.strip():
        raise ValidationError(_("Write the conclusion before adopting the comment."), code="conclusion")
    comment.status, comment.adopted_by, comment.adopted_on = CommentStatus.ADOPTED, how, on
    comment.save(update_fields=["status", "adopted_by", "adopted_on"])
    return comment


def _workplace_people(comment: ResidenceComment) -> list:
    branch = comment.member.branch
    with system_scope():
        secretaries = role_holders([branch], {RoleKind.SECRETARY}, held_at=OrganizationKind.BRANCH)[branch.pk]
        staff = role_holders([branch], {RoleKind.COMMUNE_STAFF})[branch.pk]
    return list({user.pk: user for user in [*secretaries, *staff]}.values())


@transaction.atomic
def comment_send(*, comment: ResidenceComment, by: AbstractBaseUser) -> ResidenceComment:
    """Send an adopted comment to the workplace's committee (its secretary and staff are told);
    sending again changes nothing."""
    comment = ResidenceComment.objects.select_for_update().get(pk=comment.pk)
    if comment.status == CommentStatus.SENT:
        return comment
    if comment.status != CommentStatus.ADOPTED:
        raise ValidationError(_("Adopt the comment before sending it."), code="status")
    comment.status, comment.sent_at = CommentStatus.SENT, timezone.now()
    comment.sent_header = sent_header(comment, comment.adopted_on or timezone.localdate())
    comment.save(update_fields=["status", "sent_at", "sent_header"])
    context = {
        "member": comment.member.full_name,
        "workplace": comment.member.branch.name,
        "residence": comment.link.residence_branch.name,
        "year": comment.year,
        "url": reminders.absolute_url(reverse("meetings:residence", args=[comment.member.branch_id])),
    }
    for user in _workplace_people(comment):
        notification_enqueue(
            recipient=user,
            kind=COMMENT_SENT,
            about=comment,
            dedupe_key=f"{COMMENT_SENT}:{comment.pk}:{user.pk}",
            context=context,
        )
    return comment


@transaction.atomic
def comment_used(*, comment: ResidenceComment, by: AbstractBaseUser) -> ResidenceComment:
    """The workplace records that the comment was used in the member's annual review (once)."""
    comment = ResidenceComment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != CommentStatus.SENT:
        raise ValidationError(_("Only a sent comment can be used in the review."), code="status")
    if comment.used_in_review_at is None:
        comment.used_in_review_at, comment.used_by = timezone.now(), by
        comment.save(update_fields=["used_in_review_at", "used_by"])
    return comment
