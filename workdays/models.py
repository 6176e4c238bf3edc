"""The days the government announces each year beyond the fixed holidays, and a commune's own days off."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Organization


class AnnouncedDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Extra day off")
    WORKDAY = "workday", _("Make-up working day")


class AnnouncedDay(models.Model):
    """An extra day off (often a bridge to Tết or 2/9) or a weekend day worked in exchange.

    Kept as data because it changes every year; the lunar holidays themselves come from the
    ``holidays`` package. Without an organisation the day is national (the government's
    announcement, kept by province staff); with one it is that organisation's own day off and
    applies only to the branches below it (docs/domain.md#calendar).
    """

    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=10, choices=AnnouncedDayKind.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("applies to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the whole country."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("announced day")
        verbose_name_plural = _("announced days")
        ordering = ["day"]
        constraints = [
            # One entry per day for the country, and one per day for each organisation.
            models.UniqueConstraint(
                fields=["day", "organization"],
                nulls_distinct=False,
                name="announced_day_once_per_place",
                violation_error_message=_("This day is already on the list."),
            ),
            # A commune adds its own days off; make-up working days are the government's.
            models.CheckConstraint(
                condition=models.Q(organization__isnull=True) | models.Q(kind="day_off"),
                name="announced_day_local_is_day_off",
                violation_error_message=_(
                    "An organisation adds only its own days off: make-up working days are national."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} – {self.get_kind_display()}"
