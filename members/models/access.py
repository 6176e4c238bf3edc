from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.scoping import GuardedUniqueness, ScopedManager

from .organizations import Organization
from .people import Member


class AccessLog(models.Model):
    """Who read or exported classified member data, and when (personal data law)."""

    class Action(models.TextChoices):
        VIEW_MEMBER = "view_member", _("Viewed a member record")
        EXPORT_BRANCH = "export_branch", _("Exported a branch's members")
        VIEW_MEMBER_LIST = "view_member_list", _("Viewed the member list")
        VIEW_BRANCH = "view_branch", _("Viewed a branch's members")
        VIEW_ROLL = "view_roll", _("Viewed a meeting's roll")
        VIEW_ATTENDANCE = "view_attendance", _("Viewed an attendance sheet")
        MINUTES_DOCUMENT = "minutes_document", _("Downloaded the minutes")
        VIEW_MEETING = "view_meeting", _("Viewed a meeting's page with its roll")
        VIEW_MINUTES = "view_minutes", _("Viewed the minutes")
        VIEW_RESOLUTION = "view_resolution", _("Viewed the resolution")
        RESOLUTION_DOCUMENT = "resolution_document", _("Downloaded the resolution")
        VIEW_FLAGS = "view_flags", _("Viewed the flags (members to consider for removal)")
        VIEW_PETITION = "view_petition", _("Viewed a petition with the resident's contact")
        EXPORT_PETITIONS = "export_petitions", _("Exported petitions")
        EXPORT_DASHBOARD = "export_dashboard", _("Exported the dashboard")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Ids only: the log itself must hold no personal data. ``organization_id`` is the branch
    # whose data was read (for a member record, the member's branch then): it decides which
    # commune staff read the entry.
    member_id = models.PositiveBigIntegerField(null=True, blank=True)
    organization_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    meeting_id = models.PositiveBigIntegerField(null=True, blank=True)
    petition_id = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class CardConflict(GuardedUniqueness, models.Model):
    """Someone entered a party card number that a member they may not see already holds.

    They were told only that the number cannot be used; the commune staff who see both records
    find the attempt here and resolve it (a typing error, or a transfer not yet recorded).
    """

    class Source(models.TextChoices):
        FORM = "form", _("Member form")
        IMPORT = "import", _("Import from a file")

    tried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("where"), max_length=10, choices=Source.choices)
    # Where the number was entered, and the member who holds it (in their branch at the time).
    branch = models.ForeignKey(
        Organization, verbose_name=_("entered for branch"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(Member, verbose_name=_("holder of the card"), on_delete=models.PROTECT, related_name="+")
    member_branch = models.ForeignKey(
        Organization, verbose_name=_("holder's branch"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    unscoped = models.Manager()
    objects = ScopedManager(branch="branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("party card conflict")
        verbose_name_plural = _("party card conflicts")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.tried_by_id} → {self.member_id} {self.at:%d/%m/%Y %H:%M}"
