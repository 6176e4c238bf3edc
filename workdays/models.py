"""The days the government announces each year beyond the fixed holidays."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnouncedDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Extra day off")
    WORKDAY = "workday", _("Make-up working day")


class AnnouncedDay(models.Model):
    """An extra day off (often a bridge to Tết or 2/9) or a weekend day worked in exchange.

    Kept as data because it changes every year; the lunar holidays themselves come from the
    ``holidays`` package.
    """

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AnnouncedDayKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("announced day")
        verbose_name_plural = _("announced days")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} – {self.get_kind_display()}"
