"""What a residence branch records about the working members linked to it (QĐ 213, HD 33):
their presence at its meetings, apart from the roll, and the yearly comment it sends back to
their workplace (docs/domain.md#working-members)."""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.dates import plausible_date
from members.models import Member, ResidenceLink
from members.models.display import ChoiceDisplay
from members.scoping import GuardedUniqueness, ScopedManager
from members.text import LONG_TEXT_MAX, length_checks

from .meetings import Meeting, MeetingRecord


class LinkedMark(models.TextChoices):
    INVITED = "invited", _("Invited")
    CAME = "came", _("Came")
    ABSENT = "absent", _("Did not come")


class LinkedAttendance(MeetingRecord, GuardedUniqueness, ChoiceDisplay, models.Model):
    """A linked working member at a residence meeting ("đảng viên đang công tác ở nơi khác dự"):
    never a row of the roll, so nothing that counts the roll (attendance, the voting base, the
    quality level, the flags) sees it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="linked_attendances")
    link = models.ForeignKey(ResidenceLink, on_delete=models.PROTECT, related_name="attendances")
    mark = models.CharField(_("mark"), max_length=20, choices=LinkedMark.choices, default=LinkedMark.INVITED)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    unscoped = models.Manager()
    # The residence branch (the meeting's) and the member's workplace branch both see the row.
    objects = ScopedManager(branch="meeting__branch", visiting="link__member__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("linked member's attendance")
        verbose_name_plural = _("linked members' attendance")
        ordering = ["link__member__name_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "link"], name="linked_attendance_once_per_meeting"),
        ]

    def __str__(self):
        return f"{self.link.member}: {self.get_mark_display()}"


class CommentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    SENT = "sent", _("Sent to the workplace")


class AdoptedBy(models.TextChoices):
    MEETING = "meeting", _("At a branch meeting")
    COMMITTEE = "committee", _("By the branch committee")


class ResidenceComment(GuardedUniqueness, ChoiceDisplay, models.Model):
    """The residence branch committee's yearly comment on a linked working member (QĐ 213 §4),
    sent to the workplace's committee for the member's annual review."""

    link = models.ForeignKey(ResidenceLink, on_delete=models.PROTECT, related_name="comments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="residence_comments")
    year = models.PositiveSmallIntegerField(_("year"))
    civic_duties = models.TextField(_("performing civic duties at the residence"), blank=True, max_length=LONG_TEXT_MAX)
    conduct = models.TextField(_("exemplary conduct of the member and family"), blank=True, max_length=LONG_TEXT_MAX)
    movements = models.TextField(
        _("taking part in the residential area's movements"), blank=True, max_length=LONG_TEXT_MAX
    )
    conclusion = models.TextField(_("conclusion"), blank=True, max_length=LONG_TEXT_MAX)
    # The attendance the app recorded for the year, copied when the comment is adopted.
    meetings_invited = models.PositiveSmallIntegerField(_("meetings invited to"), default=0)
    meetings_attended = models.PositiveSmallIntegerField(_("meetings attended"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=CommentStatus.choices, default=CommentStatus.DRAFT)
    adopted_by = models.CharField(_("adopted"), max_length=20, choices=AdoptedBy.choices, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True, validators=[plausible_date])
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The document's header and signature as they were when it was sent (the residence branch's
    # superior, name, place and date, who signed for the committee): a sent comment never changes,
    # and the workplace side reads nothing more of the residence branch.
    sent_header = models.JSONField(_("header when sent"), default=dict, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The workplace side: the comment was used in the member's annual review.
    used_in_review_at = models.DateTimeField(_("used in the annual review at"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    unscoped = models.Manager()
    # The residence branch writes it; the workplace branch reads it once sent (meetings.access).
    objects = ScopedManager(branch="link__residence_branch", visiting="member__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("residence comment")
        verbose_name_plural = _("residence comments")
        ordering = ["-year", "member__name_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="residence_comment_one_per_member_year",
                violation_error_message=_("This member already has a comment for that year."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(adopted_on__isnull=False) & ~Q(adopted_by=""),
                name="residence_comment_adopted_has_date",
                violation_error_message=_("An adopted comment needs the day and how it was adopted."),
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="residence_comment_sent_has_time",
            ),
            models.CheckConstraint(
                condition=Q(used_in_review_at__isnull=True) | Q(status="sent"),
                name="residence_comment_used_after_sent",
            ),
            *length_checks("residence_comment", "civic_duties", "conduct", "movements", "conclusion"),
        ]

    def __str__(self):
        return f"{self.member} ({self.year})"

    @property
    def is_sent(self) -> bool:
        return self.status == CommentStatus.SENT


def comment_deadline(rules, year: int) -> datetime.date:
    """The day the commune wants the year's comments by (MeetingRules; default 15 December)."""
    month = rules.residence_comment_month or 12
    day = rules.residence_comment_day or 15
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day, last))  # 31 of a short month: its last day
