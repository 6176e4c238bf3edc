"""The dashboard's precomputed figures: one row per branch and month (``BranchMonth``); what the
commune decided about members with grounds for removal (``RemovalDecision``).

The province view adds these rows up (30,000 branches: 30,000 rows a month) instead of reading
millions of roll marks. ``oversight.services.summaries.branch_months_refresh`` computes them from
the raw rows (meetings, marks, members, cadres, minutes, guidance), by the same rules as the
flags page (``oversight.compliance``); a task every minute refreshes the months older than a change
to their meetings, and every night the last months (``oversight.freshness``, ``oversight.tasks``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.counting import rate_of
from meetings.models.minutes import ScoreLevel
from members.models import Organization
from members.scoping import GuardedUniqueness, ScopedManager
from members.text import NOTE_MAX, length_checks


class BranchMonth(GuardedUniqueness, models.Model):
    """What one branch did in one month, as the dashboard counts it.

    Only meetings that were held (held, or minutes adopted) count, by the month they are for:
    - ``met``: a regular meeting (regular, or regular and thematic in one session) was held;
    - ``thematic_in_quarter``: thematic meetings (thematic, or combined) held in the month's
      quarter up to and including this month, so the quarter's last month says whether the
      quarter had one;
    - ``meetings_timed`` / ``meetings_short``: held regular, thematic and combined meetings whose
      length is known, and those under the commune's minimum (90 minutes, 120 for a combined
      session, by default);
    - ``members_expected`` / ``members_present``: the rolls of the held meetings where a roll was
      taken (counted like the roll page: exempt and transferred-out members only if they came);
    - ``cadres_expected`` / ``cadres_present``: assigned cadres in force on the day of each held
      meeting, and those recorded as attending;
    - ``quality_level``: the score level of the month's regular meeting once confirmed ("" when not
      scored, or the score awaits confirmation);
    - ``guidance_expected`` / ``guidance_reflected``: content guidance was published for the month
      above the branch / the month's held regular meeting has an agenda item taken from guidance.
    """

    branch = models.ForeignKey(Organization, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    met = models.BooleanField(_("met"), default=False)
    regular_held = models.PositiveSmallIntegerField(_("regular meetings held"), default=0)
    thematic_held = models.PositiveSmallIntegerField(_("thematic meetings held"), default=0)
    thematic_in_quarter = models.PositiveSmallIntegerField(_("thematic meetings so far this quarter"), default=0)
    meetings_timed = models.PositiveSmallIntegerField(_("meetings with a known length"), default=0)
    meetings_short = models.PositiveSmallIntegerField(_("meetings under the minimum length"), default=0)
    members_expected = models.PositiveIntegerField(_("members expected"), default=0)
    members_present = models.PositiveIntegerField(_("members present"), default=0)
    cadres_expected = models.PositiveSmallIntegerField(_("assigned cadres expected"), default=0)
    cadres_present = models.PositiveSmallIntegerField(_("assigned cadres present"), default=0)
    quality_level = models.CharField(_("quality level"), max_length=20, blank=True)
    guidance_expected = models.BooleanField(_("guidance published"), default=False)
    guidance_reflected = models.BooleanField(_("guidance on the agenda"), default=False)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    unscoped = models.Manager()
    objects = ScopedManager(branch="branch")

    class Meta:
        # The table the dashboard app created (it became oversight): kept, rows and all.
        db_table = "dashboard_branchmonth"
        default_manager_name = "objects"
        verbose_name = _("branch month summary")
        verbose_name_plural = _("branch month summaries")
        constraints = [
            models.UniqueConstraint(fields=["branch", "month"], name="branch_month_once"),
        ]
        indexes = [models.Index(fields=["month", "branch"], name="branch_month_by_month")]

    def __str__(self):
        return f"{self.branch_id} {self.month:%m/%Y}"

    @property
    def attendance_rate(self) -> float | None:
        return rate_of(self.members_present, self.members_expected)

    @property
    def quality_label(self) -> str:
        return ScoreLevel(self.quality_level).label if self.quality_level in ScoreLevel.values else ""


class RemovalKind(models.TextChoices):
    """What the commune decided about a member with grounds for removal (docs/domain.md#removal-from-the-register)."""

    CONSIDERED = "considered", _("Considered (no action)")
    REMINDED = "reminded", _("Reminded")
    PROPOSED = "proposed", _("Proposed for removal (xóa tên)")


class RemovalDecision(models.Model):
    """What commune staff decided about a member on the removal list, who decided and when. Rows
    are only added: the history of a member's case is every row, the latest one its state."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="removal_decisions"
    )
    kind = models.CharField(_("decision"), max_length=20, choices=RemovalKind.choices)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("recorded at"), default=timezone.now)

    unscoped = models.Manager()
    objects = ScopedManager(branch="member__branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("removal decision")
        verbose_name_plural = _("removal decisions")
        indexes = [models.Index(fields=["member", "at"], name="removal_decision_by_member")]
        constraints = length_checks("removal_decision", "note", limit=NOTE_MAX)

    def __str__(self):
        return f"{self.member_id} {self.kind} {self.at:%d/%m/%Y}"
