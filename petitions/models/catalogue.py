"""What a commune's petitions are sorted by and sent to: categories and answering bodies.

Both are kept per commune and edited by its staff; ``petitions.services.catalogue`` creates
the defaults below the first time a commune needs them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organization, OrganizationKind

# (name, default deadline in working days). Roads and land need a site visit and the commune's
# budget or cadastre; the rest is usually answered within two working weeks.
DEFAULT_CATEGORIES = (
    ("Giao thông – đường sá", 15),
    ("Nông nghiệp – cơ cấu cây trồng", 15),
    ("Môi trường – vệ sinh", 10),
    ("Nước sạch", 10),
    ("Đất đai", 15),
    ("An sinh xã hội", 10),
    ("An ninh trật tự", 10),
    ("Y tế – giáo dục", 10),
    ("Khác", 15),
)


class BodyKind(models.TextChoices):
    PARTY = "party", _("Party committee")
    COUNCIL = "council", _("People's Council")
    COMMITTEE = "committee", _("People's Committee")
    FRONT = "front", _("Fatherland Front")
    MASS = "mass", _("Mass organisation")
    OFFICE = "office", _("Office or department")
    SECURITY = "security", _("Police or military command")
    VILLAGE = "village", _("Village or residential group")
    OTHER = "other", _("Other")


# (name before the commune's own name, kind): "UBND" + "xã Tam Hưng".
DEFAULT_BODIES = (
    ("Đảng ủy", BodyKind.PARTY),
    ("HĐND", BodyKind.COUNCIL),
    ("UBND", BodyKind.COMMITTEE),
    ("Ủy ban MTTQ Việt Nam", BodyKind.FRONT),
    ("Hội Nông dân", BodyKind.MASS),
    ("Hội Liên hiệp Phụ nữ", BodyKind.MASS),
    ("Đoàn Thanh niên", BodyKind.MASS),
    ("Hội Cựu chiến binh", BodyKind.MASS),
    ("Văn phòng HĐND và UBND", BodyKind.OFFICE),
    ("Phòng Kinh tế", BodyKind.OFFICE),
    ("Phòng Văn hóa – Xã hội", BodyKind.OFFICE),
    ("Trung tâm Phục vụ hành chính công", BodyKind.OFFICE),
    ("Công an", BodyKind.SECURITY),
    ("Ban Chỉ huy Quân sự", BodyKind.SECURITY),
)
# In the village: named as they are, without the commune's name (each thôn or tổ dân phố has one).
VILLAGE_BODIES = (
    ("Trưởng thôn, tổ trưởng tổ dân phố", BodyKind.VILLAGE),
    ("Ban công tác Mặt trận thôn, tổ dân phố", BodyKind.VILLAGE),
)


class Category(models.Model):
    """A kind of petition in one commune (roads, clean water…), with its default deadline."""

    commune = models.ForeignKey(
        Organization,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="petition_categories",
        limit_choices_to={"kind": OrganizationKind.COMMUNE},
    )
    name = models.CharField(_("name"), max_length=120)
    default_days = models.PositiveSmallIntegerField(
        _("default deadline (working days)"),
        default=15,
        help_text=_("Working days from forwarding to the answer, unless a deadline is set."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("petition category")
        verbose_name_plural = _("petition categories")
        ordering = ["commune", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name"],
                name="petition_category_unique_name",
                violation_error_message=_("This commune already has a category with this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(default_days__gte=1),
                name="petition_category_days_positive",
                violation_error_message=_("The default time to answer is at least one day."),
            ),
        ]

    def __str__(self):
        return self.name


class Body(models.Model):
    """A body of a commune that answers petitions (UBND, MTTQ, a mass organisation, an office)."""

    commune = models.ForeignKey(
        Organization,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="petition_bodies",
        limit_choices_to={"kind": OrganizationKind.COMMUNE},
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officers"),
        blank=True,
        related_name="petition_bodies",
        help_text=_("Officers who see and take up this body's petitions."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("responsible body")
        verbose_name_plural = _("responsible bodies")
        ordering = ["commune", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name"],
                name="petition_body_unique_name",
                violation_error_message=_("This commune already has a body with this name."),
            ),
        ]

    def __str__(self):
        return self.name
