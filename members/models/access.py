from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    """Who read or exported classified member data, and when (personal data law)."""

    class Action(models.TextChoices):
        VIEW_MEMBER = "view_member", _("Viewed a member record")
        EXPORT_BRANCH = "export_branch", _("Exported a branch's members")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Ids only: the log itself must hold no personal data.
    member_id = models.PositiveBigIntegerField(null=True, blank=True)
    organization_id = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user_id} {self.action} {self.at:%d/%m/%Y %H:%M}"
