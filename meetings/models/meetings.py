import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Member, Organization


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular monthly meeting")
    THEMATIC = "thematic", _("Thematic meeting")
    COMBINED = "combined", _("Regular and thematic in one session")
    EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")


# Kinds that count as the month's regular meeting.
REGULAR_KINDS = (MeetingKind.REGULAR, MeetingKind.COMBINED)
THEMATIC_KINDS = (MeetingKind.THEMATIC, MeetingKind.COMBINED)


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOTICE_SENT = "notice_sent", _("Notice sent")
    HELD = "held", _("Held")
    ADOPTED = "adopted", _("Minutes adopted")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """One meeting of a branch: planned, held, minuted."""

    branch = models.ForeignKey(
        Organization, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    month = models.DateField(_("month"), help_text=_("The first day of the month the meeting is for."))
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"))
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    chair = models.ForeignKey(
        Member, verbose_name=_("chair"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minute_taker = models.ForeignKey(
        Member, verbose_name=_("minute-taker"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    notice_sent_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    materials_posted_at = models.DateTimeField(_("materials posted at"), null=True, blank=True)
    minutes_adopted_at = models.DateTimeField(_("minutes adopted at"), null=True, blank=True)
    logged_by_commune = models.BooleanField(_("logged by commune staff"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-planned_start"]
        indexes = [models.Index(fields=["branch", "month"])]
        constraints = [
            # The scheduler may run any number of times: one regular meeting a branch a month.
            models.UniqueConstraint(
                fields=["branch", "month"],
                condition=Q(kind__in=["regular", "combined"]) & ~Q(status="cancelled"),
                name="meeting_one_regular_per_month",
                violation_error_message=_("This branch already has a regular meeting that month."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")), name="meeting_planned_order"
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gt=models.F("actual_start")),
                name="meeting_actual_order",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.month:%m/%Y} – {self.branch}"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def duration_minutes(self) -> int | None:
        if self.actual_start and self.actual_end:
            return int((self.actual_end - self.actual_start).total_seconds() // 60)
        return None

    @property
    def is_locked(self) -> bool:
        """After the minutes are adopted only commune staff may correct the record."""
        return self.status == MeetingStatus.ADOPTED

    @property
    def day(self) -> datetime.date:
        from django.utils import timezone

        return timezone.localtime(self.actual_start or self.planned_start).date()


class MeetingMove(models.Model):
    """A meeting moved to another time: the old date and the reason are kept."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="moves")
    old_start = models.DateTimeField(_("old start"))
    new_start = models.DateTimeField(_("new start"))
    reason = models.CharField(_("reason"), max_length=300)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting move")
        verbose_name_plural = _("meeting moves")
        ordering = ["moved_at"]

    def __str__(self):
        return f"{self.meeting}: {self.old_start:%d/%m/%Y} → {self.new_start:%d/%m/%Y}"


class MeetingRules(models.Model):
    """Local practice, set per commune; DOMAIN.md defaults otherwise."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="meeting_rules"
    )
    min_minutes = models.PositiveSmallIntegerField(_("minimum length (minutes)"), default=90)
    min_minutes_combined = models.PositiveSmallIntegerField(_("minimum length, combined session"), default=120)
    min_attendance_rate = models.PositiveSmallIntegerField(_("minimum attendance rate (%)"), default=85)
    max_absences_in_row = models.PositiveSmallIntegerField(_("absences in a row before a flag"), default=3)
    minutes_deadline_days = models.PositiveSmallIntegerField(_("days to adopt the minutes"), default=2)
    materials_days_before = models.PositiveSmallIntegerField(_("days materials are posted before"), default=1)
    # Scoring rubric: [{"key": ..., "label": ..., "max": ...}], levels at the thresholds below.
    rubric = models.JSONField(_("scoring rubric"), default=list, blank=True)
    level_good = models.PositiveSmallIntegerField(_("score for Good"), default=90)
    level_fair = models.PositiveSmallIntegerField(_("score for Fair"), default=70)
    level_average = models.PositiveSmallIntegerField(_("score for Average"), default=50)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting rules")
        verbose_name_plural = _("meeting rules")

    def __str__(self):
        return str(self.organization)
