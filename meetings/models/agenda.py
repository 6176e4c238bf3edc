from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Organization
from members.models.display import ChoiceDisplay
from members.scoping import GuardedUniqueness, ScopedManager
from members.text import LONG_TEXT_MAX, length_checks

from .meetings import Meeting, MeetingRecord


class AgendaItemKind(models.TextChoices):
    OPENING = "opening", _("Opening and guests")
    MINUTE_TAKER = "minute_taker", _("Appoint the minute-taker")
    ROLL_CALL = "roll_call", _("Roll call")
    ADOPT_AGENDA = "adopt_agenda", _("Adopt the agenda")
    REPORT = "report", _("Report on last month and direction for next month")
    GUIDANCE = "guidance", _("Higher-level documents and the commune's guidance")
    CADRE = "cadre", _("The higher-level cadre speaks")
    DISCUSSION = "discussion", _("Discussion")
    TASKS = "tasks", _("Summary and assignment of tasks")
    VOTE = "vote", _("Vote on the resolution")
    ADMISSION = "admission", _("Admission or review business")
    SCORING = "scoring", _("Score the meeting")
    MINUTES = "minutes", _("Read out and adopt the minutes")
    THEMATIC = "thematic", _("Thematic topic")
    # Answers to petitions raised at earlier meetings, reported back (added by the petitions app).
    PETITIONS = "petitions", _("Report back on petitions")
    OTHER = "other", _("Other")


# The typical running order of a monthly meeting (docs/domain.md#the-monthly-meeting).
DEFAULT_AGENDA = [
    {"title": "Tuyên bố lý do, giới thiệu đại biểu", "kind": AgendaItemKind.OPENING.value, "minutes": 5},
    {"title": "Cử thư ký cuộc họp", "kind": AgendaItemKind.MINUTE_TAKER.value, "minutes": 2},
    {
        "title": "Điểm danh, báo cáo số đảng viên có mặt, vắng mặt",
        "kind": AgendaItemKind.ROLL_CALL.value,
        "minutes": 5,
    },
    {"title": "Thông qua chương trình sinh hoạt", "kind": AgendaItemKind.ADOPT_AGENDA.value, "minutes": 3},
    {
        "title": "Báo cáo kết quả thực hiện nhiệm vụ tháng trước, phương hướng nhiệm vụ tháng tới",
        "kind": AgendaItemKind.REPORT.value,
        "minutes": 20,
    },
    {
        "title": "Thông tin văn bản cấp trên, định hướng nội dung sinh hoạt của Đảng ủy xã",
        "kind": AgendaItemKind.GUIDANCE.value,
        "minutes": 10,
    },
    {"title": "Đồng chí cấp ủy cấp trên phát biểu chỉ đạo", "kind": AgendaItemKind.CADRE.value, "minutes": 10},
    {"title": "Đảng viên thảo luận", "kind": AgendaItemKind.DISCUSSION.value, "minutes": 20},
    {"title": "Chủ trì kết luận, phân công nhiệm vụ", "kind": AgendaItemKind.TASKS.value, "minutes": 5},
    {"title": "Biểu quyết thông qua nghị quyết", "kind": AgendaItemKind.VOTE.value, "minutes": 3},
    {
        "title": "Công tác kết nạp, đánh giá đảng viên (nếu có)",
        "kind": AgendaItemKind.ADMISSION.value,
        "minutes": 5,
    },
    {"title": "Đánh giá chất lượng buổi sinh hoạt", "kind": AgendaItemKind.SCORING.value, "minutes": 5},
    {"title": "Thông qua biên bản cuộc họp", "kind": AgendaItemKind.MINUTES.value, "minutes": 5},
]


class AgendaTemplate(models.Model):
    """A commune's running order that new meetings of its branches start from."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="agenda_template"
    )
    # [{"title": ..., "kind": ..., "minutes": ...}] in order.
    items = models.JSONField(_("items"), default=list)

    class Meta:
        verbose_name = _("agenda template")
        verbose_name_plural = _("agenda templates")

    def __str__(self):
        return str(self.organization)


class Guidance(models.Model):
    """The commune's monthly content guidance (định hướng nội dung sinh hoạt)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="guidances"
    )
    month = models.DateField(_("month"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("content"), max_length=LONG_TEXT_MAX)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("content guidance")
        verbose_name_plural = _("content guidance")
        ordering = ["-month", "-published_at"]
        constraints = length_checks("guidance", "body")

    def __str__(self):
        return self.title


class AgendaItem(MeetingRecord, GuardedUniqueness, ChoiceDisplay, models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=AgendaItemKind.choices, default=AgendaItemKind.OTHER)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    planned_minutes = models.PositiveSmallIntegerField(_("planned minutes"), null=True, blank=True)
    # Bounded by the form only: the petitions app writes the report-back item's notes itself.
    notes = models.TextField(_("notes"), blank=True, max_length=LONG_TEXT_MAX)
    guidance = models.ForeignKey(
        Guidance, verbose_name=_("guidance"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    conclusion = models.TextField(_("chair's conclusion"), blank=True, max_length=LONG_TEXT_MAX)

    unscoped = models.Manager()
    objects = ScopedManager(branch="meeting__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "guidance"], name="agenda_guidance_once_per_meeting"),
            # The report-back item appears by itself, so a meeting must never get two.
            models.UniqueConstraint(
                fields=["meeting"], condition=models.Q(kind="petitions"), name="agenda_one_petitions_item"
            ),
            *length_checks("agenda_item", "conclusion"),
        ]

    def __str__(self):
        return self.title


class Attachment(models.Model):
    """A file for a meeting's agenda item or a guidance: PDF, DOCX, XLSX, JPG, PNG."""

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    guidance = models.ForeignKey(Guidance, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    file = models.FileField(_("file"), upload_to="meetings/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agenda_item__isnull=False) | models.Q(guidance__isnull=False),
                name="attachment_has_owner",
            ),
        ]

    def __str__(self):
        return self.name
