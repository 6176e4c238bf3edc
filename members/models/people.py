import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.scoping import ScopedManager
from members.text import clean_name, search_key

from .organizations import Organization, OrganizationKind


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("Probationary")
    FULL = "full", _("Full")


class LeaveReason(models.TextChoices):
    TRANSFER = "transfer", _("Transferred out")
    DEATH = "death", _("Deceased")
    REMOVAL = "removal", _("Name removed")
    EXPULSION = "expulsion", _("Expelled")


class MemberQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        """Members who had not left on the given day (today when omitted)."""
        if on is None:
            return self.filter(left_on__isnull=True)
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=on))

    def search(self, text: str):
        """Accent- and case-insensitive name search, also for NFD input."""
        key = search_key(text)
        return self.filter(name_key__contains=key) if key else self


class Member(models.Model):
    """A party member (đảng viên). Never deleted: leaving sets ``left_on``."""

    full_name = models.CharField(_("full name"), max_length=120)
    name_key = models.CharField(max_length=120, db_index=True, editable=False)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True, default="Kinh")
    citizen_id = models.CharField(
        _("citizen ID"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{12}$", _("A citizen ID has exactly 12 digits."))],
    )
    party_card_number = models.CharField(_("party card number"), max_length=20, blank=True)
    admitted_on = models.DateField(_("date admitted"), null=True, blank=True)
    full_member_on = models.DateField(_("date made full member"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.FULL)
    branch = models.ForeignKey(
        Organization,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind": OrganizationKind.BRANCH},
    )
    joined_branch_on = models.DateField(_("joined this branch on"), null=True, blank=True)
    exempt_since = models.DateField(_("exempt from meetings since"), null=True, blank=True)
    exempt_reason = models.CharField(_("reason for exemption"), max_length=200, blank=True)
    temporarily_attached = models.BooleanField(_("temporarily attached"), default=False)
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    email = models.EmailField(_("email"), blank=True)
    residence = models.CharField(_("residence"), max_length=300, blank=True)
    workplace = models.CharField(_("workplace"), max_length=300, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=20, choices=LeaveReason.choices, blank=True)
    leave_note = models.CharField(_("note on leaving"), max_length=300, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )

    history = HistoricalRecords()
    unscoped = MemberQuerySet.as_manager()
    objects = ScopedManager.from_queryset(MemberQuerySet)(branch="branch", own="user")

    class Meta:
        default_manager_name = "unscoped"
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["name_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["party_card_number"],
                condition=~Q(party_card_number=""),
                name="member_unique_party_card",
                violation_error_message=_("Another member already has this party card number."),
            ),
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True)
                | Q(admitted_on__isnull=True)
                | Q(full_member_on__gte=models.F("admitted_on")),
                name="member_full_after_admitted",
                violation_error_message=_("The date made full member cannot be before the date admitted."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, leave_reason="") | Q(left_on__isnull=False) & ~Q(leave_reason=""),
                name="member_leaving_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(citizen_id="") | Q(citizen_id__regex=r"^[0-9]{12}$"),
                name="member_citizen_id_12_digits",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        # Keep the stored name canonical and its search key in step.
        self.full_name = clean_name(self.full_name)
        self.name_key = search_key(self.full_name)
        if self.joined_branch_on is None:
            self.joined_branch_on = self.admitted_on
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:member", args=[self.pk])

    @property
    def has_left(self) -> bool:
        return self.left_on is not None

    @property
    def is_exempt(self) -> bool:
        return self.exempt_since is not None


class PositionKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY = "deputy", _("Deputy secretary")
    COMMITTEE = "committee", _("Branch committee member")


class PositionQuerySet(models.QuerySet):
    def held_on(self, day: datetime.date):
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day)


class Position(models.Model):
    """A branch position held for a period: who was secretary on 5/3/2026?"""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="positions")
    branch = models.ForeignKey(
        Organization, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="positions"
    )
    kind = models.CharField(_("position"), max_length=20, choices=PositionKind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()
    unscoped = PositionQuerySet.as_manager()
    objects = ScopedManager.from_queryset(PositionQuerySet)(branch="branch")

    class Meta:
        default_manager_name = "unscoped"
        verbose_name = _("branch position")
        verbose_name_plural = _("branch positions")
        ordering = ["branch", "kind", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["branch"],
                condition=Q(kind="secretary", ended_on__isnull=True),
                name="position_one_current_secretary",
                violation_error_message=_("This branch already has a current secretary."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.member}"
