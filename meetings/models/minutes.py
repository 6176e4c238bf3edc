from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.dates import DB_FIRST_DAY, DB_LAST_DAY, MAX_DOCUMENT_NUMBER, plausible_date
from members.models import Member, Organization
from members.scoping import GuardedUniqueness, ScopedManager
from members.text import LONG_TEXT_MAX, length_checks

from .agenda import AgendaItem
from .meetings import Meeting, MeetingRecord


class ScoreLevel(models.TextChoices):
    """The quality levels (Tốt, Khá, Trung bình, Kém); thresholds are the commune's MeetingRules."""

    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


class Minutes(MeetingRecord, GuardedUniqueness, models.Model):
    """The minutes (biên bản) of a meeting. ``version`` refuses a stale second save."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    opening = models.TextField(_("opening"), blank=True, max_length=LONG_TEXT_MAX)
    closing = models.TextField(_("closing"), blank=True, max_length=LONG_TEXT_MAX)
    votes_for = models.PositiveSmallIntegerField(_("in favour"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("abstaining"), null=True, blank=True)
    # {"criterion key": points}; total and level are derived from the commune's rubric.
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    score_total = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    score_level = models.CharField(_("level"), max_length=20, blank=True)
    score_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score_confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    unscoped = models.Manager()
    objects = ScopedManager(branch="meeting__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = length_checks("minutes", "opening", "closing")

    def __str__(self):
        return str(self.meeting)

    @property
    def score_level_label(self) -> str:
        return ScoreLevel(self.score_level).label if self.score_level in ScoreLevel.values else self.score_level

    @property
    def vote_recorded(self) -> bool:
        return self.votes_for is not None


class Speech(models.Model):
    """What one member said on one agenda item."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="speeches")
    speaker = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    speaker_name = models.CharField(_("speaker"), max_length=200)
    text = models.TextField(_("what was said"), max_length=LONG_TEXT_MAX)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["agenda_item", "position", "pk"]
        constraints = length_checks("speech", "text")

    def __str__(self):
        return self.speaker_name


class Resolution(GuardedUniqueness, models.Model):
    """The monthly resolution (nghị quyết): sections I–IV, tasks in section II."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="resolution")
    # The meeting's branch, kept here so the database can refuse a repeated number.
    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="resolutions")
    # Given when the minutes are adopted with the vote passed (services.resolution.resolution_issue):
    # a draft, or a resolution the branch voted down, has none.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    # Numbers run from 01 through a committee term, or a calendar year where the commune says so
    # (MeetingRules.numbering_start): the first day of the run this resolution is numbered in.
    series_start = models.DateField(_("numbered from"))
    title = models.CharField(_("title"), max_length=300)
    results = models.TextField(_("I. Results of last month"), blank=True, max_length=LONG_TEXT_MAX)
    implementation = models.TextField(_("III. Assignment and implementation"), blank=True, max_length=LONG_TEXT_MAX)
    assessment = models.TextField(_("IV. Quality self-assessment"), blank=True, max_length=LONG_TEXT_MAX)
    recipients = models.TextField(
        _("recipients"), blank=True, default="- Đảng ủy xã (để b/c);\n- Lưu chi bộ.", max_length=LONG_TEXT_MAX
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    unscoped = models.Manager()
    objects = ScopedManager(branch="branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "series_start", "number"],
                name="resolution_unique_number_per_branch_term",
                violation_error_message=_("The branch already has a resolution with this number in this term."),
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1, number__lte=MAX_DOCUMENT_NUMBER),
                name="resolution_number_range",
                violation_error_message=_("A resolution number is between 1 and 9999."),
            ),
            *length_checks("resolution", "results", "implementation", "assessment", "recipients"),
        ]

    def __str__(self):
        return f"{self.number_text}-NQ/CB"

    @property
    def issued(self) -> bool:
        """Numbered: the vote passed and the minutes were adopted. Otherwise a draft."""
        return self.number is not None

    @property
    def number_text(self) -> str:
        """The number with two digits at least (HD 36-HD/VPTW); dots for a draft's missing number."""
        return f"{self.number:02d}" if self.number is not None else "…"

    @property
    def reference(self) -> str:
        """The number as written, "Số 01-NQ/CB"; a draft's "Số …-NQ/CB", left to fill in."""
        return f"Số {self.number_text}-NQ/CB"


class TaskOutcome(models.TextChoices):
    PENDING = "pending", _("Not yet reviewed")
    DONE = "done", _("Done")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_DONE = "not_done", _("Not done")


class Task(GuardedUniqueness, models.Model):
    """A task of section II; next month's resolution reviews it in section I."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(_("task"), max_length=LONG_TEXT_MAX)
    lead = models.CharField(_("who leads"), max_length=200)
    deadline = models.DateField(_("deadline"), null=True, blank=True, validators=[plausible_date])
    report_at = models.ForeignKey(
        Meeting,
        verbose_name=_("reported back at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks_to_review",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=TaskOutcome.choices, default=TaskOutcome.PENDING)
    outcome_note = models.CharField(_("note"), max_length=500, blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )

    history = HistoricalRecords()

    unscoped = models.Manager()
    objects = ScopedManager(branch="resolution__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["resolution", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(position__gte=0), name="task_position_positive"),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=DB_FIRST_DAY, deadline__lte=DB_LAST_DAY),
                name="task_deadline_plausible",
            ),
            *length_checks("task", "description"),
        ]

    def __str__(self):
        return self.description[:60]
