import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager

from members.models.display import ChoiceDisplay
from members.scoping import GuardedUniqueness, ScopedManager


class OrganizationKind(models.TextChoices):
    PROVINCE = "province", _("Provincial party committee")
    DISTRICT = "district", _("District party committee (former)")
    COMMUNE = "commune", _("Commune/ward party committee")
    GRASSROOTS = "grassroots", _("Grassroots party committee")
    SUBCOMMITTEE = "subcommittee", _("Sub-committee")
    BRANCH = "branch", _("Party branch")


# What may sit under a node of each kind. A branch is a leaf: nothing sits under it. A commune
# sits under a province (or a former district); old data may keep a district level, so the
# tree has no fixed depth, but it never puts a commune or a branch under a branch.
ALLOWED_CHILDREN = {
    OrganizationKind.PROVINCE: {
        OrganizationKind.DISTRICT,
        OrganizationKind.COMMUNE,
        OrganizationKind.GRASSROOTS,
        OrganizationKind.SUBCOMMITTEE,
        OrganizationKind.BRANCH,
    },
    OrganizationKind.DISTRICT: {
        OrganizationKind.COMMUNE,
        OrganizationKind.GRASSROOTS,
        OrganizationKind.SUBCOMMITTEE,
        OrganizationKind.BRANCH,
    },
    OrganizationKind.COMMUNE: {OrganizationKind.GRASSROOTS, OrganizationKind.SUBCOMMITTEE, OrganizationKind.BRANCH},
    OrganizationKind.GRASSROOTS: {OrganizationKind.SUBCOMMITTEE, OrganizationKind.BRANCH},
    OrganizationKind.SUBCOMMITTEE: {OrganizationKind.BRANCH},
    OrganizationKind.BRANCH: set(),
}


def parent_refusal(kind: str, parent_kind: str | None) -> str:
    """Why a node of ``kind`` cannot sit under a node of ``parent_kind`` ("" when it can).
    ``parent_kind`` None: a root, which only a province or a commune may be."""
    if parent_kind is None:
        if kind in (OrganizationKind.PROVINCE, OrganizationKind.DISTRICT, OrganizationKind.COMMUNE):
            return ""
        return str(_("A branch or a lower committee must sit under a commune or a higher committee."))
    if kind in ALLOWED_CHILDREN.get(parent_kind, set()):
        return ""
    if parent_kind == OrganizationKind.BRANCH:
        return str(_("Nothing can sit under a party branch: a branch is the lowest level of the tree."))
    return str(
        _("A %(kind)s cannot sit under a %(parent)s.")
        % {"kind": OrganizationKind(kind).label, "parent": OrganizationKind(parent_kind).label}
    )


class BranchType(models.TextChoices):
    VILLAGE = "village", _("Village (thôn)")
    HAMLET = "hamlet", _("Hamlet (bản)")
    AP = "ap", _("Hamlet (ấp)")
    KHOM = "khom", _("Quarter (khóm)")
    RESIDENTIAL = "residential", _("Residential group (tổ dân phố)")
    AGENCY = "agency", _("Agency")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")
    ARMED = "armed", _("Armed forces")
    OTHER = "other", _("Other")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = -1, _("last")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ScopedTreeManager(ScopedManager, MP_NodeManager):
    """The tree's own manager (``add_child``, ``get_ancestors``… go through ``objects``), limited
    to the nodes in scope: the subtrees reached and the nodes above them."""


class Organization(GuardedUniqueness, ChoiceDisplay, MP_Node):
    """A node of the party tree: province → commune → (grassroots…) → branch.

    The tree has no fixed depth; "everything under X" is one indexed
    ``path LIKE 'X%'`` query (materialised path).
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    code = models.SlugField(_("short code"), max_length=40, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    branch_type = models.CharField(_("branch type"), max_length=20, choices=BranchType.choices, blank=True)
    meeting_place = models.CharField(_("default meeting place"), max_length=300, blank=True)
    # Regular meeting day: either a day of the month, or a weekday of a given week.
    meeting_day = models.PositiveSmallIntegerField(_("meeting day of month"), null=True, blank=True)
    meeting_weekday = models.PositiveSmallIntegerField(
        _("meeting weekday"), choices=Weekday.choices, null=True, blank=True
    )
    meeting_week = models.SmallIntegerField(_("week of month"), choices=WeekOfMonth.choices, null=True, blank=True)

    history = HistoricalRecords()

    objects = ScopedTreeManager(branch="")
    unscoped = MP_NodeManager()

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting_day__isnull=True) | Q(meeting_day__gte=1, meeting_day__lte=31),
                name="organization_meeting_day_range",
                violation_error_message=_("The meeting day must be between 1 and 31."),
            ),
            models.CheckConstraint(
                condition=Q(meeting_day__isnull=True) | Q(meeting_weekday__isnull=True),
                name="organization_one_meeting_rule",
                violation_error_message=_("Give either a day of the month or a weekday for the meeting, not both."),
            ),
            models.CheckConstraint(
                condition=Q(meeting_weekday__isnull=True, meeting_week__isnull=True)
                | Q(meeting_weekday__isnull=False, meeting_week__isnull=False),
                name="organization_weekday_with_week",
                violation_error_message=_(
                    "A meeting weekday needs its week of the month, and a week needs its weekday."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind="branch") | Q(branch_type=""),
                name="organization_branch_type_only_for_branches",
                violation_error_message=_("Only a party branch has a branch type."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:organization", args=[self.pk])

    def clean(self):
        super().clean()
        if not self.pk:  # a new node's parent is given to the service that adds it
            return
        parent = Organization.objects.get_parent(self)
        refusal = parent_refusal(self.kind, parent.kind if parent else None)
        if not refusal and self.pk and self.kind == OrganizationKind.BRANCH and not self.is_leaf():
            refusal = str(_("An organisation with units under it cannot become a branch."))
        if refusal:
            raise ValidationError({"kind": refusal})

    @property
    def is_branch(self) -> bool:
        return self.kind == OrganizationKind.BRANCH

    def meeting_date(self, year: int, month: int) -> datetime.date | None:
        """The regular meeting day in a month, or None when no rule is set."""
        last_day = calendar.monthrange(year, month)[1]
        if self.meeting_day:
            return datetime.date(year, month, min(self.meeting_day, last_day))
        if self.meeting_weekday is None or self.meeting_week is None:
            return None
        days = [
            datetime.date(year, month, d)
            for d in range(1, last_day + 1)
            if datetime.date(year, month, d).weekday() == self.meeting_weekday
        ]
        return days[-1] if self.meeting_week == WeekOfMonth.LAST else days[self.meeting_week - 1]

    @property
    def meeting_rule_display(self) -> str:
        if self.meeting_day:
            return _("day %(day)s of each month") % {"day": self.meeting_day}
        if self.meeting_weekday is not None and self.meeting_week is not None:
            return _("%(week)s %(weekday)s of each month") % {
                "week": self.get_meeting_week_display(),
                "weekday": self.get_meeting_weekday_display(),
            }
        return ""
