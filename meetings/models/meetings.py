import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.dates import DB_FIRST_DAY, DB_FIRST_MOMENT, DB_LAST_DAY, DB_LAST_MOMENT
from members.models import Member, Organization
from members.models.display import ChoiceDisplay
from members.scoping import GuardedUniqueness, ScopedManager


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


# Meetings not yet held: they can still be moved, cancelled, and take newly published guidance.
NOT_YET_HELD = (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT, MeetingStatus.POSTPONED)

# What may be done to a meeting in each status, and what to say when it may not. The services
# refuse with these messages; the meeting page offers only the allowed buttons.
STATUS_ACTIONS = {
    "edit": (
        tuple(set(MeetingStatus) - {MeetingStatus.CANCELLED}),
        _("A cancelled meeting cannot be edited."),
    ),
    "move": (NOT_YET_HELD, _("A meeting that is %(status)s cannot be moved.")),
    "cancel": (NOT_YET_HELD, _("A meeting that is %(status)s cannot be cancelled.")),
    "postpone": (
        (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT),
        _("A meeting that is %(status)s cannot be postponed."),
    ),
    "notice": ((MeetingStatus.DRAFT,), _("The notice can only be sent for a draft meeting, not %(status)s.")),
    "held": ((*NOT_YET_HELD, MeetingStatus.HELD, MeetingStatus.ADOPTED), _("A %(status)s meeting cannot be held.")),
    "copy_last": (NOT_YET_HELD, _("The agenda of a meeting that is %(status)s is not replaced.")),
}


class Meeting(GuardedUniqueness, ChoiceDisplay, models.Model):
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
    # Why the scheduler planned the meeting on another day than the branch's usual one (a holiday).
    schedule_note = models.CharField(_("scheduling note"), max_length=300, blank=True)
    notice_sent_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    materials_posted_at = models.DateTimeField(_("materials posted at"), null=True, blank=True)
    minutes_adopted_at = models.DateTimeField(_("minutes adopted at"), null=True, blank=True)
    logged_by_commune = models.BooleanField(_("logged by commune staff"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the meeting or its records (roll, guests, agenda, minutes) last changed, stamped on every
    # save of them (``MeetingRecord``) and by the services that change them in bulk. Readers that
    # keep figures of their own compare it with when they computed them; meetings need not know
    # who they are.
    records_changed_at = models.DateTimeField(_("records changed at"), default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["records_changed_at"])

    unscoped = models.Manager()
    objects = ScopedManager(branch="branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-planned_start"]
        indexes = [
            models.Index(fields=["branch", "month"]),
            models.Index(fields=["records_changed_at"], name="meeting_records_changed"),
        ]
        constraints = [
            # The scheduler may run any number of times: one regular meeting a branch a month.
            models.UniqueConstraint(
                fields=["branch", "month"],
                condition=Q(kind__in=["regular", "combined"]) & ~Q(status="cancelled"),
                name="meeting_one_regular_per_month",
                violation_error_message=_("This branch already has a regular meeting that month."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")),
                name="meeting_planned_order",
                violation_error_message=_("The meeting must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gt=models.F("actual_start")),
                name="meeting_actual_order",
                violation_error_message=_("The meeting must end after it starts."),
            ),
            # Years before 1900 or after 2199 are typing mistakes that break local-time pages.
            models.CheckConstraint(
                condition=Q(planned_start__gte=DB_FIRST_MOMENT, planned_start__lt=DB_LAST_MOMENT)
                & Q(month__gte=DB_FIRST_DAY, month__lte=DB_LAST_DAY)
                & (
                    Q(actual_start__isnull=True) | Q(actual_start__gte=DB_FIRST_MOMENT, actual_start__lt=DB_LAST_MOMENT)
                ),
                name="meeting_plausible_dates",
            ),
            # Minutes are adopted at the meeting or after it, never before it started.
            models.CheckConstraint(
                condition=Q(minutes_adopted_at__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(minutes_adopted_at__gte=models.F("actual_start")),
                name="meeting_adopted_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.month:%m/%Y} – {self.branch}"

    def save(self, *args, **kwargs):
        self.records_changed_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "records_changed_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @classmethod
    def records_changed(cls, meeting_id: int) -> None:
        """Stamp the meeting's records as changed now (a mark, a guest, an agenda item, the
        minutes: saved row by row, in bulk, or by a versioned UPDATE). One UPDATE query."""
        cls.objects.filter(pk=meeting_id).update(records_changed_at=timezone.now())

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
        return timezone.localtime(self.actual_start or self.planned_start).date()

    def allows(self, action: str) -> bool:
        """Whether the meeting's status allows this action (a key of STATUS_ACTIONS)."""
        return self.status in STATUS_ACTIONS[action][0]

    def allowed_actions(self) -> dict[str, bool]:
        return {action: self.allows(action) for action in STATUS_ACTIONS}

    def check_allows(self, action: str) -> None:
        """Refuse, with the status in the message, an action the meeting's status does not allow."""
        if not self.allows(action):
            message = STATUS_ACTIONS[action][1] % {"status": self.get_status_display()}
            raise ValidationError(message, code="status")


class MeetingRecord(models.Model):
    """A row of a meeting's records: saving or deleting it stamps ``Meeting.records_changed_at``.
    (A bulk insert, a queryset's ``update``/``delete`` or a versioned UPDATE does not: the service
    that does one calls ``Meeting.records_changed``.)"""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Meeting.records_changed(self.meeting_id)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        Meeting.records_changed(self.meeting_id)
        return result


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
