"""The meeting rules a commune keeps (lengths, thresholds, the scoring rubric)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from members import access
from members.models import Organization

# The scoring rubric of DOMAIN.md (local practice, overridden per commune).
DEFAULT_RUBRIC = [
    {"key": "preparation", "label": gettext_noop("Preparation"), "max": 15},
    {"key": "attendance", "label": gettext_noop("Attendance"), "max": 20},
    {"key": "conduct", "label": gettext_noop("Conduct"), "max": 45},
    {"key": "closing", "label": gettext_noop("Closing"), "max": 20},
]


class MeetingRulesQuerySet(models.QuerySet):
    def for_branches(self, branches) -> dict[int, "MeetingRules"]:
        """Each branch's rules: the nearest ancestor's, else unsaved DOMAIN.md defaults. One query."""
        branches = list(branches)
        if not branches:
            return {}
        kept = list(self.filter(access.above_any_q(branches, prefix="organization__")).select_related("organization"))
        found = {}
        for branch in branches:
            rules = access.nearest_above(branch, kept, lambda row: row.organization)
            if rules is None:
                rules = self.model(organization=branch)
            if not rules.rubric:
                rules.rubric = [dict(criterion) for criterion in DEFAULT_RUBRIC]
            found[branch.pk] = rules
        return found

    def for_branch(self, branch: Organization) -> "MeetingRules":
        return self.for_branches([branch])[branch.pk]


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

    objects = MeetingRulesQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting rules")
        verbose_name_plural = _("meeting rules")

    def __str__(self):
        return str(self.organization)
