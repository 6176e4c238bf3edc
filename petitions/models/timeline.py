"""The follow-up timeline of a petition, and the files attached to it.

The timeline is append-only: every action writes one entry and nothing edits or deletes one,
so it is the petition's history (no django-simple-history on petitions).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.scoping import GuardedUniqueness, ScopedManager
from members.text import LONG_TEXT_MAX, length_checks

from .petitions import Petition, PetitionStatus


class EventKind(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    FORWARDED = "forwarded", _("Forwarded")
    ASSIGNED = "assigned", _("Reassigned")
    DEADLINE_SET = "deadline_set", _("Deadline set")
    DEADLINE_EXTENDED = "deadline_extended", _("Deadline extended")
    STARTED = "started", _("Work started")
    ANSWERED = "answered", _("Answered")
    ANSWERED_AT_MEETING = "answered_at_meeting", _("Answered at the meeting")
    ESCALATED = "escalated", _("Escalated")
    DECLINED = "declined", pgettext_lazy("petition event", "Refused")
    NOT_COMPETENT = "not_competent", pgettext_lazy("petition event", "Found not within the commune's competence")
    REPORTED_BACK = "reported_back", _("Reported back to the branch")
    OUTCOME_REPORTED = "outcome_reported", _("Outcome reported back to the branch")
    TOLD_RESIDENT = "told_resident", _("Resident told")
    COMMENT = "comment", _("Comment")
    ATTACHMENT = "attachment", _("File attached")


class PetitionEvent(GuardedUniqueness, models.Model):
    """One entry of a petition's timeline: what happened, who did it and when."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=PetitionStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=PetitionStatus.choices, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=LONG_TEXT_MAX)
    # What changed, for the page to show (old and new deadline, body, officer, meeting…).
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    unscoped = models.Manager()
    objects = ScopedManager(branch="petition__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["petition", "at"])]
        constraints = length_checks("petition_event", "text")

    def __str__(self):
        return f"{self.get_kind_display()} – {self.petition}"


class PetitionAttachment(GuardedUniqueness, models.Model):
    """A file for a petition (a photo of the road, a letter): PDF, DOCX, XLSX, JPG, PNG."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="petitions/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    unscoped = models.Manager()
    objects = ScopedManager(branch="petition__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("petition attachment")
        verbose_name_plural = _("petition attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name
