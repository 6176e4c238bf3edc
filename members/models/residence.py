"""Working members and their residence branch (QĐ 213-QĐ/TW, 2020; HD 33-HD/BTCTW, 2020).

A member who works at an agency, school, enterprise or in the armed forces belongs to the branch
of their workplace (``Member.branch``) and keeps in touch with the branch where they live. The
link is not membership: the residence branch never counts a linked member in its total, its
expected count, its voting base, its quality level or its flags (docs/domain.md#working-members).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.dates import plausible_date
from members.models.display import ChoiceDisplay
from members.scoping import GuardedUniqueness, ScopedManager

from .organizations import Organization, OrganizationKind
from .people import Member


class LinkCategory(models.TextChoices):
    """HD 33's three groups."""

    EXPECTED = "expected", _("Introduced, attends residence meetings when called")
    EXEMPT = "exempt", _("Introduced, exempt from residence meetings")
    NOT_INTRODUCED = "not_introduced", _("Not introduced (special duty)")


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the workplace")
    ACCEPTED = "accepted", _("Accepted by the residence branch")
    ENDED = "ended", _("Ended")


# A link that is not ended: at most one per member (the partial unique constraint below).
OPEN_STATUSES = (LinkStatus.PROPOSED, LinkStatus.ACCEPTED)


class ResidenceLinkQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def in_force(self, on: datetime.date):
        """Accepted links (or links since ended) in force on the day (from and until both included)."""
        return self.filter(
            Q(until__isnull=True) | Q(until__gte=on),
            status__in=(LinkStatus.ACCEPTED, LinkStatus.ENDED),
            since__lte=on,
        )

    def in_year(self, year: int):
        """Accepted (or since ended) links in force on some day of the year."""
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.filter(
            Q(until__isnull=True) | Q(until__gte=first),
            status__in=(LinkStatus.ACCEPTED, LinkStatus.ENDED),
            since__lte=last,
        )

    def expected(self):
        return self.filter(category=LinkCategory.EXPECTED)


class ResidenceLink(GuardedUniqueness, ChoiceDisplay, models.Model):
    """A working member's link to the branch where they live. Never deleted: ending keeps it."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="residence_links"
    )
    residence_branch = models.ForeignKey(
        Organization,
        verbose_name=_("residence branch"),
        on_delete=models.PROTECT,
        related_name="linked_members",
        limit_choices_to={"kind": OrganizationKind.BRANCH},
    )
    since = models.DateField(_("linked since"), validators=[plausible_date])
    until = models.DateField(_("linked until"), null=True, blank=True, validators=[plausible_date])
    letter_number = models.CharField(_("introduction letter number"), max_length=60, blank=True)
    letter_date = models.DateField(_("introduction letter date"), null=True, blank=True, validators=[plausible_date])
    letter_issuer = models.CharField(_("issuing committee"), max_length=200, blank=True)
    category = models.CharField(
        _("category (HD 33)"), max_length=20, choices=LinkCategory.choices, default=LinkCategory.EXPECTED
    )
    exempt_reason = models.CharField(_("reason for the exemption"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LinkStatus.choices, default=LinkStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    unscoped = ResidenceLinkQuerySet.as_manager()
    # Seen from the workplace side (the member's branch) and from the residence side: each sees
    # the link, neither the other's members (their pages read only what the link names).
    objects = ScopedManager.from_queryset(ResidenceLinkQuerySet)(
        branch="member__branch", own="member__user", visiting="residence_branch"
    )

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("residence link")
        verbose_name_plural = _("residence links")
        ordering = ["-since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["proposed", "accepted"]),
                name="residence_link_one_open_per_member",
                violation_error_message=_("This member already has a residence link: end it first."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="residence_link_ends_after_start",
                violation_error_message=_("A residence link cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(until__isnull=False),
                name="residence_link_ended_has_date",
                violation_error_message=_("An ended residence link needs its last day."),
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.residence_branch}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_expected(self) -> bool:
        return self.category == LinkCategory.EXPECTED
