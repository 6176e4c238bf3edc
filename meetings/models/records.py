"""What was adopted: the documents' content at adoption, and the corrections recorded since."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.scoping import GuardedUniqueness, ScopedManager
from members.text import length_checks

from .meetings import Meeting

# A correction says what is corrected and how, in a sentence or two (meetings.forms.minutes.AmendmentForm).
AMENDMENT_MAX = 2000


class AdoptedRecord(GuardedUniqueness, models.Model):
    """The minutes and resolution of a meeting as adopted (``meetings.documents.content.DocumentData``
    as JSON). Written once when the minutes are adopted; the documents of an adopted meeting are
    rendered from it, so later changes to members, petitions or guests never alter them."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="adopted_record")
    content = models.JSONField(_("content"))
    adopted_at = models.DateTimeField(_("adopted at"))
    created_at = models.DateTimeField(auto_now_add=True)

    unscoped = models.Manager()
    objects = ScopedManager(branch="meeting__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("adopted record")
        verbose_name_plural = _("adopted records")

    def __str__(self):
        return str(self.meeting)

    def save(self, *args, **kwargs):
        # An adopted record is never rewritten: a correction is an Amendment.
        if self.pk is not None and not self._state.adding:
            raise ValueError("An adopted record cannot be changed; record an amendment instead.")
        super().save(*args, **kwargs)


class AmendedDocument(models.TextChoices):
    MINUTES = "minutes", _("Minutes")
    RESOLUTION = "resolution", _("Resolution")


class Amendment(GuardedUniqueness, models.Model):
    """A correction ("đính chính") of an adopted record: printed after it, with who and when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="amendments")
    document = models.CharField(_("document"), max_length=20, choices=AmendedDocument.choices)
    text = models.TextField(_("correction"), max_length=AMENDMENT_MAX)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The name as it was when the correction was made: the record does not follow later renames.
    made_by_name = models.CharField(_("made by"), max_length=200)
    made_at = models.DateTimeField(_("made at"), default=timezone.now)

    unscoped = models.Manager()
    objects = ScopedManager(branch="meeting__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["made_at", "pk"]
        constraints = length_checks("amendment", "text", limit=AMENDMENT_MAX)

    def __str__(self):
        return f"{self.meeting}: {self.get_document_display()}"
