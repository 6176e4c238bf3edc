"""The meeting rules a commune keeps (lengths, thresholds, the scoring rubric)."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from members import access
from members.models import Organization

# The default scoring rubric: the HD 42-HD/BTCTW (2025) weighting commune staff start from
# (docs/domain.md#quality-score): time 5, attendance 5, preparation 10, conduct 30,
# chairing 10, principles 5, results of last month's resolution 30, closing 5. Good also needs
# the criteria marked ``full_for_good`` at their maximum (length, attendance, minutes adopted).
DEFAULT_RUBRIC = [
    {"key": "time", "label": gettext_noop("Time and length"), "max": 5, "full_for_good": True},
    {"key": "attendance", "label": gettext_noop("Attendance"), "max": 5, "full_for_good": True},
    {"key": "preparation", "label": gettext_noop("Preparation"), "max": 10},
    {"key": "conduct", "label": gettext_noop("Conduct and members' participation"), "max": 30},
    {"key": "chairing", "label": gettext_noop("Chairing"), "max": 10},
    {"key": "principles", "label": gettext_noop("Principles of party activity"), "max": 5},
    {"key": "results", "label": gettext_noop("Results of last month's resolution"), "max": 30},
    {"key": "closing", "label": gettext_noop("Closing and minutes"), "max": 5, "full_for_good": True},
]


class HolidayShift(models.TextChoices):
    BEFORE = "before", _("to the working day before")
    AFTER = "after", _("to the working day after")


class LocalPracticeQuerySet(models.QuerySet):
    """Settings a commune (or a branch) keeps for the branches under it, one row per organisation:
    each branch follows the nearest ancestor's row, else the model's unsaved defaults."""

    def for_branches(self, branches) -> dict[int, models.Model]:
        """{branch id: its settings}. One query whatever the number of branches."""
        branches = list(branches)
        if not branches:
            return {}
        kept = list(self.filter(access.above_any_q(branches, prefix="organization__")).select_related("organization"))
        found = {}
        for branch in branches:
            rules = access.nearest_above(branch, kept, lambda row: row.organization)
            found[branch.pk] = self.completed(rules if rules is not None else self.model(organization=branch))
        return found

    def for_branch(self, branch: Organization) -> models.Model:
        return self.for_branches([branch])[branch.pk]

    def completed(self, rules: models.Model) -> models.Model:
        """The row as the branches use it (a hook for defaults a field cannot hold)."""
        return rules


class MeetingRulesQuerySet(LocalPracticeQuerySet):
    def completed(self, rules: "MeetingRules") -> "MeetingRules":
        if not rules.rubric:
            rules.rubric = [dict(criterion) for criterion in DEFAULT_RUBRIC]
        return rules


class MeetingRules(models.Model):
    """Local practice, set per commune; the defaults of docs/domain.md#local-practice otherwise."""

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
    # The annual rating from the months (docs/domain.md#annual-rating, local practice): how many months it takes.
    good_months_for_good_year = models.PositiveSmallIntegerField(
        _("months Good for a Good year"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("And every month Fair or better."),
    )
    fair_months_for_fair_year = models.PositiveSmallIntegerField(
        _("months Fair or better for a Fair year"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("And every month Average or better."),
    )
    poor_months_for_poor_year = models.PositiveSmallIntegerField(
        _("months Poor (or not met) for a Poor year"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("A month without a held regular meeting counts as Poor."),
    )
    # Branches do not meet on a public holiday or in the Tết break (docs/domain.md#calendar, local practice):
    # the scheduler moves such a day to the nearest working day before it, or after it.
    holiday_shift = models.CharField(
        _("a meeting day on a holiday moves"),
        max_length=10,
        choices=HolidayShift.choices,
        default=HolidayShift.BEFORE,
    )
    # Resolutions are numbered from 01 through a committee term (HD 36-HD/VPTW); per calendar
    # year only where the commune decides so. Without a term start, numbering runs per year.
    term_started_on = models.DateField(
        _("current committee term began on"),
        null=True,
        blank=True,
        help_text=_("Resolution numbers start again from 01 on this day. Leave empty to number per calendar year."),
    )
    number_by_year = models.BooleanField(
        _("number resolutions per calendar year"),
        default=False,
        help_text=_("Only if the commune decided so; otherwise numbers run through the committee term."),
    )

    # The day each year the residence branches' comments on linked working members are due
    # (QĐ 213; the commune sets it, 15 December by default: docs/domain.md#working-members).
    residence_comment_day = models.PositiveSmallIntegerField(
        _("residence comments due: day"), default=15, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    residence_comment_month = models.PositiveSmallIntegerField(
        _("residence comments due: month"), default=12, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )

    history = HistoricalRecords()

    objects = MeetingRulesQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting rules")
        verbose_name_plural = _("meeting rules")

    def __str__(self):
        return str(self.organization)

    def numbering_start(self, day: datetime.date) -> datetime.date:
        """The first day of the run of resolution numbers that a meeting held on ``day`` belongs to:
        the current term's start, or 1 January (numbering per year, no term recorded, or a day
        before the recorded term)."""
        if self.number_by_year or self.term_started_on is None or day < self.term_started_on:
            return datetime.date(day.year, 1, 1)
        return self.term_started_on
