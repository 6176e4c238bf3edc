from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models.display import ChoiceDisplay

from .organizations import Organization


class RoleKind(models.TextChoices):
    COMMUNE_STAFF = "commune_staff", _("Commune staff")
    SECRETARY = "secretary", _("Branch secretary")
    LEADER = "leader", _("Leader")
    CADRE = "cadre", _("Assigned cadre")
    MEMBER = "member", _("Member")
    # Works in a commune body (UBND, MTTQ, a mass organisation…) and answers petitions.
    OFFICER = "officer", _("Officer of a body")


class Role(ChoiceDisplay, models.Model):
    """What a user may do, and where: a role held at one node of the tree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="roles"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "organization"], name="role_unique_per_node"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.organization}"
