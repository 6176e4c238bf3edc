"""When reminders go out: the commune's timings, the defaults of docs/domain.md#local-practice otherwise.

Kept apart from MeetingRules (lengths, thresholds, scoring): these say nothing about a
meeting's quality, only when people are told. Petition reminders read them too (petitions
sits above meetings).
"""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organization

from .rules import LocalPracticeQuerySet

# Upper bounds: a reminder further ahead than this is noise, and the daily chases look this
# far ahead and no further.
MAX_DAYS_BEFORE = 14
MAX_WORKING_DAYS = 10
MAX_DAYS_AFTER = 30


class ReminderRules(models.Model):
    """A commune's reminder timings (0 days turns a reminder off where the label says so)."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="reminder_rules"
    )
    first_reminder_days = models.PositiveSmallIntegerField(
        _("first reminder, days before the meeting (0: none)"),
        default=3,
        validators=[MaxValueValidator(MAX_DAYS_BEFORE)],
    )
    second_reminder_days = models.PositiveSmallIntegerField(
        _("second reminder, days before the meeting (0: none)"),
        default=1,
        validators=[MaxValueValidator(MAX_DAYS_BEFORE)],
    )
    reminder_hour = models.PositiveSmallIntegerField(
        _("hour the reminders go out (0–23)"), default=8, validators=[MaxValueValidator(23)]
    )
    agenda_empty_days = models.PositiveSmallIntegerField(
        _("tell the secretary of an empty agenda, days before"),
        default=5,
        validators=[MaxValueValidator(MAX_DAYS_BEFORE)],
    )
    commune_minutes_days = models.PositiveSmallIntegerField(
        _("tell commune staff of minutes not adopted, days after the meeting"),
        default=5,
        validators=[MaxValueValidator(MAX_DAYS_AFTER)],
    )
    petition_due_soon_days = models.PositiveSmallIntegerField(
        _("remind the officer of a petition, working days before its deadline"),
        default=2,
        validators=[MaxValueValidator(MAX_WORKING_DAYS)],
    )
    petition_leader_after_days = models.PositiveSmallIntegerField(
        _("tell the leaders of an overdue petition after this many working days"),
        default=5,
        validators=[MaxValueValidator(MAX_DAYS_AFTER)],
    )

    petition_new_after_days = models.PositiveSmallIntegerField(
        _("tell the leaders and commune staff of a petition still new after this many working days"),
        default=2,
        validators=[MaxValueValidator(MAX_WORKING_DAYS)],
    )

    history = HistoricalRecords()

    objects = LocalPracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder timings")
        verbose_name_plural = _("reminder timings")
        constraints = [
            models.CheckConstraint(
                name="reminder_rules_bounds",
                condition=models.Q(first_reminder_days__lte=MAX_DAYS_BEFORE)
                & models.Q(second_reminder_days__lte=MAX_DAYS_BEFORE)
                & models.Q(reminder_hour__lte=23)
                & models.Q(agenda_empty_days__lte=MAX_DAYS_BEFORE)
                & models.Q(commune_minutes_days__lte=MAX_DAYS_AFTER)
                & models.Q(petition_due_soon_days__lte=MAX_WORKING_DAYS)
                & models.Q(petition_leader_after_days__lte=MAX_DAYS_AFTER)
                & models.Q(petition_new_after_days__lte=MAX_WORKING_DAYS),
            )
        ]

    def __str__(self):
        return str(self.organization)

    @property
    def reminder_days(self) -> tuple[int, ...]:
        """The days before a meeting its reminders go out, furthest first, without the ones turned off."""
        return tuple(sorted({d for d in (self.first_reminder_days, self.second_reminder_days) if d}, reverse=True))
