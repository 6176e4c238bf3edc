"""Writes sent with an idempotency key (a meeting taken offline): each applied once, answered the same."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.scoping import ScopedManager

from .meetings import Meeting


class KeyedWrite(models.Model):
    """One write a phone sent with its ``Idempotency-Key``: the key, who sent it, where, and the answer.

    The same user sending the same key again (a retry after a lost answer, a queue replayed twice)
    gets this answer back and nothing is applied again (``meetings.offline.IdempotencyMiddleware``).
    A write that was not applied (an older tap than the stored mark, a meeting adopted meanwhile)
    keeps why, for the secretary's list of what was not applied.
    """

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        STALE = "stale", _("Not applied: a later tap had already been saved")
        ADOPTED = "adopted", _("Not applied: the minutes had been adopted")
        REFUSED = "refused", _("Not applied: refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    method = models.CharField(max_length=10, default="POST")
    path = models.CharField(max_length=500)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="keyed_writes")
    tapped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.APPLIED)
    description = models.CharField(max_length=300, blank=True)
    status = models.PositiveSmallIntegerField()
    location = models.CharField(max_length=2000, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    body = models.BinaryField(blank=True)

    unscoped = models.Manager()
    objects = ScopedManager(branch="meeting__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("keyed write")
        verbose_name_plural = _("keyed writes")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="keyed_write_once_per_user_key"),
        ]
        indexes = [models.Index(fields=["meeting", "outcome"], name="keyed_write_meeting_outcome")]

    def __str__(self):
        return f"{self.key} → {self.status}"
