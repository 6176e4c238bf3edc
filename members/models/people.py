import datetime
import re
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.dates import plausible_date
from members.models.display import ChoiceDisplay
from members.scoping import GuardedUniqueness, ScopedManager
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
        """Accent- and case-insensitive name search, also for NFD input. Names holding the text
        with the accents typed come first ("Hằng" lists Hằng before Thắng), then the others."""
        key = search_key(text)
        if not key:
            return self
        # The typed text as a case-insensitive substring of the (NFC) name. Databases differ on the
        # case of non-ASCII letters (SQLite's LIKE and lower() fold only ASCII; PostgreSQL's depend
        # on the locale), so the name is compared with the text's usual casings instead.
        typed = clean_name(text)
        found = self.filter(name_key__contains=key)
        if typed.isascii():
            # No accents typed: nothing to prefer (and no CASE over every match of a common name).
            return found.order_by(Lower("name_key"), "pk")
        casings = {typed, typed.lower(), typed.upper(), typed.title(), typed.capitalize()}
        same_accents = Q()
        for casing in sorted(casings):
            same_accents |= Q(full_name__contains=casing)
        accents_first = Case(When(same_accents, then=Value(0)), default=Value(1), output_field=IntegerField())
        # Then the same order as Meta.ordering, as an expression the name_key index cannot serve: matches
        # of a common name ("nguyen van") cluster in the index, and walking it for the first page
        # reads most of a province; the trigram index finds them and a top-N sort orders them.
        return found.order_by(accents_first, Lower("name_key"), "pk")


class Member(GuardedUniqueness, ChoiceDisplay, models.Model):
    """A party member (đảng viên). Never deleted: leaving sets ``left_on``."""

    full_name = models.CharField(_("full name"), max_length=120)
    name_key = models.CharField(max_length=120, db_index=True, editable=False)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[plausible_date])
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True, default="Kinh")
    citizen_id = models.CharField(
        _("citizen ID"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"\A[0-9]{12}\Z", _("A citizen ID has exactly 12 digits."))],
    )
    party_card_number = models.CharField(_("party card number"), max_length=20, blank=True)
    admitted_on = models.DateField(_("date admitted"), null=True, blank=True, validators=[plausible_date])
    full_member_on = models.DateField(_("date made full member"), null=True, blank=True, validators=[plausible_date])
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.FULL)
    branch = models.ForeignKey(
        Organization,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind": OrganizationKind.BRANCH},
    )
    joined_branch_on = models.DateField(_("joined this branch on"), null=True, blank=True, validators=[plausible_date])
    exempt_since = models.DateField(_("exempt from meetings since"), null=True, blank=True, validators=[plausible_date])
    exempt_reason = models.CharField(_("reason for exemption"), max_length=200, blank=True)
    temporarily_attached = models.BooleanField(_("temporarily attached"), default=False)
    # Temporarily transferred out (chuyển sinh hoạt tạm thời): still on this branch's register,
    # not expected here for the period; attends the receiving branch as an attached member.
    away_from = models.DateField(
        _("temporarily transferred out from"), null=True, blank=True, validators=[plausible_date]
    )
    away_until = models.DateField(
        _("temporarily transferred out until"), null=True, blank=True, validators=[plausible_date]
    )
    away_branch = models.ForeignKey(
        Organization,
        verbose_name=_("receiving branch (temporary transfer)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attached_members",
        limit_choices_to={"kind": OrganizationKind.BRANCH},
    )
    # Suspended from party activity (đình chỉ sinh hoạt đảng) by a decision: not expected at the
    # branch's meetings and not in the voting base for the period (QĐ 24 §9.3.2).
    suspended_from = models.DateField(
        _("suspended from party activity from"), null=True, blank=True, validators=[plausible_date]
    )
    suspended_until = models.DateField(
        _("suspended from party activity until"), null=True, blank=True, validators=[plausible_date]
    )
    suspension_decision = models.CharField(_("suspension decision number"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # The member asked for no SMS on the register's number (meeting notices and reminders to
    # members without a login, meetings/reminders.py): when, and who recorded it.
    sms_opted_out_at = models.DateTimeField(_("does not want SMS since"), null=True, blank=True)
    sms_opted_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("SMS refusal recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    residence = models.CharField(_("residence"), max_length=300, blank=True)
    workplace = models.CharField(_("workplace"), max_length=300, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True, validators=[plausible_date])
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
    objects = ScopedManager.from_queryset(MemberQuerySet)(branch="branch", own="user", visiting="away_branch")

    class Meta:
        default_manager_name = "objects"
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
                violation_error_message=_("A member who leaves needs both the date and the reason."),
            ),
            models.CheckConstraint(
                condition=Q(citizen_id="") | Q(citizen_id__regex=r"^[0-9]{12}$"),
                name="member_citizen_id_12_digits",
                violation_error_message=_("A citizen ID has exactly 12 digits."),
            ),
            models.CheckConstraint(
                condition=Q(away_from__isnull=True, away_until__isnull=True, away_branch__isnull=True)
                | Q(away_from__isnull=False) & (Q(away_until__isnull=True) | Q(away_until__gte=models.F("away_from"))),
                name="member_away_period_order",
                violation_error_message=_("A temporary transfer needs its start, and ends on or after it."),
            ),
            models.CheckConstraint(
                condition=Q(suspended_from__isnull=True, suspended_until__isnull=True, suspension_decision="")
                | Q(suspended_from__isnull=False)
                & (Q(suspended_until__isnull=True) | Q(suspended_until__gte=models.F("suspended_from"))),
                name="member_suspension_period_order",
                violation_error_message=_("A suspension needs its start, and ends on or after it."),
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
    def place(self) -> str:
        """The hamlet or residential group from the residence ("Xóm 3", "Tổ dân phố số 7"), else its first part."""
        return place_of(self.residence)

    @property
    def distinct_label(self) -> str:
        """The name with the birth year and the hamlet or group: "Nguyễn Thị Oanh (1962, Xóm 3)"."""
        return label_with_hints(self.full_name, self.date_of_birth, self.residence)

    @staticmethod
    def labels(members: Iterable["Member"]) -> dict[int, str]:
        """Each member's label in a list: the plain name, or ``distinct_label`` where two share a name.

        Two members with the same name, year and hamlet still differ: the number of their record is added.
        """
        members = list(members)
        names = Counter(member.name_key for member in members)
        labels = {
            member.pk: member.distinct_label if names[member.name_key] > 1 else member.full_name for member in members
        }
        repeated = Counter(labels.values())
        return {pk: f"{label} #{pk}" if repeated[label] > 1 else label for pk, label in labels.items()}

    @property
    def is_exempt(self) -> bool:
        return self.exempt_since is not None

    def away_on(self, day: datetime.date) -> bool:
        """Temporarily transferred out on the day (from and until both included)."""
        return is_away(self, day)

    def suspended_on(self, day: datetime.date) -> bool:
        """Suspended from party activity on the day (from and until both included)."""
        return is_suspended(self, day)


# Where a residence names the hamlet or group: "Xóm 3", "thôn Song Khê", "Tổ dân phố số 7", "Ấp Hòa Khánh".
_PLACE = re.compile(r"\b(xóm|thôn|tổ|ấp|khóm|bản|buôn|làng|khu|khối|phum|sóc)\b", re.IGNORECASE)


def place_of(residence: str | None) -> str:
    """The hamlet or residential group of a residence ("Xóm 3", "Tổ dân phố số 7"), else its first part."""
    parts = [part.strip() for part in (residence or "").split(",") if part.strip()]
    for part in parts:
        match = _PLACE.search(part)
        if match:
            return clean_name(part[match.start() :])[:40]
    return parts[0][:40] if parts else ""


def label_with_hints(full_name: str, date_of_birth: datetime.date | None, residence: str | None) -> str:
    """A name told apart by birth year and hamlet or group (for a member, or a row of its fields)."""
    hints = [str(date_of_birth.year) if date_of_birth else "", place_of(residence)]
    hints = [hint for hint in hints if hint]
    return f"{full_name} ({', '.join(hints)})" if hints else full_name


def is_away(member, day: datetime.date) -> bool:
    """Whether a member (or a row with the same attributes) was temporarily transferred out on the day."""
    return (
        member.away_from is not None
        and member.away_from <= day
        and (member.away_until is None or member.away_until >= day)
    )


def is_suspended(member, day: datetime.date) -> bool:
    """Whether a member (or a row with the same attributes) was suspended from party activity on the day."""
    return (
        member.suspended_from is not None
        and member.suspended_from <= day
        and (member.suspended_until is None or member.suspended_until >= day)
    )


# The branch's composition (Điều lệ Đảng; docs/domain.md#positions): a chi ủy is elected only where the
# branch has COMMITTEE_MINIMUM or more full members; with fewer than BRANCH_MINIMUM it is flagged.
COMMITTEE_MINIMUM = 9
BRANCH_MINIMUM = 3


class PositionKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY = "deputy", _("Deputy secretary")
    COMMITTEE = "committee", _("Branch committee member")


class PositionQuerySet(models.QuerySet):
    def held_on(self, day: datetime.date):
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day)


class Position(GuardedUniqueness, models.Model):
    """A branch position held for a period: who was secretary on 5/3/2026?"""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="positions")
    branch = models.ForeignKey(
        Organization, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="positions"
    )
    kind = models.CharField(_("position"), max_length=20, choices=PositionKind.choices)
    started_on = models.DateField(_("from"), validators=[plausible_date])
    ended_on = models.DateField(_("until"), null=True, blank=True, validators=[plausible_date])
    # The decision of the election or appointment (e.g. "12-QĐ/ĐU"); blank for terms recorded before.
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)

    history = HistoricalRecords()
    unscoped = PositionQuerySet.as_manager()
    objects = ScopedManager.from_queryset(PositionQuerySet)(branch="branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("branch position")
        verbose_name_plural = _("branch positions")
        ordering = ["branch", "kind", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_ends_after_start",
                violation_error_message=_("A position cannot end before it starts."),
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
