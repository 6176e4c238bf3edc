import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.dates import plausible_date
from members.models import Member, Organization
from members.models.display import ChoiceDisplay
from members.scoping import GuardedUniqueness, ScopedManager
from members.text import LONG_TEXT_MAX, length_checks

from .meetings import Meeting, MeetingRecord


class Mark(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEFT_EARLY = "left_early", _("Left early")
    EXCUSED = "excused", _("Absent with reason")
    UNEXCUSED = "unexcused", _("Absent without reason")


PRESENT_MARKS = (Mark.PRESENT, Mark.LATE, Mark.LEFT_EARLY)
ABSENT_MARKS = (Mark.EXCUSED, Mark.UNEXCUSED)


class Category(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")
    ATTACHED = "attached", _("Temporarily attached")


class Attendance(MeetingRecord, GuardedUniqueness, ChoiceDisplay, models.Model):
    """One member's mark at one meeting; one row only, whatever the taps or devices."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendances")
    mark = models.CharField(_("mark"), max_length=20, choices=Mark.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The member's category on the day, kept so later changes don't rewrite the record.
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(auto_now=True)
    # When the mark was tapped on the phone (sent with it, ``X-Tapped-At``): a mark tapped earlier
    # than this one, arriving later from a phone that was offline, is not applied (last tap wins).
    tapped_at = models.DateTimeField(_("tapped at"), null=True, blank=True)

    history = HistoricalRecords()

    unscoped = models.Manager()
    objects = ScopedManager(branch="meeting__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_one_mark_per_member"),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_mark_display()}"

    @property
    def is_present(self) -> bool:
        return self.mark in PRESENT_MARKS


class CadreAssignmentQuerySet(models.QuerySet):
    def covering(self, day: datetime.date):
        """Assignments in force on the day."""
        return self.overlapping(day, day)

    def overlapping(self, start: datetime.date, end: datetime.date):
        """Assignments in force on some day from ``start`` to ``end``."""
        return self.filter(Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start)))


class CadreAssignment(GuardedUniqueness, models.Model):
    """A higher-level cadre assigned to follow a branch for a period."""

    cadre = models.ForeignKey(
        Member, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="cadre_assignments"
    )
    title = models.CharField(_("job title"), max_length=300, help_text=_("E.g. Phó Bí thư Đảng ủy, Chủ tịch UBND xã"))
    branch = models.ForeignKey(
        Organization, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="cadre_assignments"
    )
    started_on = models.DateField(_("from"), validators=[plausible_date])
    ended_on = models.DateField(_("until"), null=True, blank=True, validators=[plausible_date])
    # When the assignment was last saved: readers that keep figures of their own (the cadres
    # expected in the monthly summaries) compare it with when they computed them.
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["changed_at"])

    unscoped = CadreAssignmentQuerySet.as_manager()
    objects = ScopedManager.from_queryset(CadreAssignmentQuerySet)(branch="branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("cadre assignment")
        verbose_name_plural = _("cadre assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assignment_ends_after_start",
                violation_error_message=_("An assignment cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.cadre} → {self.branch}"

    def covers(self, day: datetime.date) -> bool:
        """The assignment is in force on the day (the Python twin of ``covering``)."""
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


class Guest(MeetingRecord, GuardedUniqueness, models.Model):
    """A higher-level cadre expected at a meeting, or another guest."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    cadre = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="guest_at")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=300, blank=True)
    expected = models.BooleanField(_("expected (assigned cadre)"), default=False)
    attended = models.BooleanField(_("attended"), null=True)
    remarks = models.TextField(_("remarks (ý kiến chỉ đạo)"), blank=True, max_length=LONG_TEXT_MAX)
    promises = models.TextField(_("promised to take back"), blank=True, max_length=LONG_TEXT_MAX)

    history = HistoricalRecords()

    unscoped = models.Manager()
    objects = ScopedManager(branch="meeting__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["-expected", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "cadre"], condition=Q(cadre__isnull=False), name="guest_cadre_once_per_meeting"
            ),
            *length_checks("guest", "remarks", "promises"),
        ]

    def __str__(self):
        return self.name
