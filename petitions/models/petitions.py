"""A petition (kiến nghị, phản ánh) raised at or between a branch's meetings, and its workflow.

What may be done to a petition in each status, and by whom, is the table
``petitions.services.workflow.ACTIONS``; ``Petition.allows`` answers for one of its rows.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meetings.models import Meeting
from members.dates import DB_FIRST_DAY, plausible_date
from members.models import Member, Organization, OrganizationKind, RoleKind
from members.models.display import ChoiceDisplay
from members.scoping import GuardedUniqueness, ScopedManager
from members.text import LONG_TEXT_MAX, length_checks
from workdays.calendar import add_working_days, working_days_between

from .catalogue import Body, Category


class PetitionStatus(models.TextChoices):
    NEW = "new", _("New")
    FORWARDED = "forwarded", _("Forwarded")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    REPORTED_BACK = "reported_back", _("Reported back to the branch")
    ANSWERED_AT_MEETING = "answered_at_meeting", _("Answered at the meeting")
    ESCALATED = "escalated", _("Escalated above the commune")
    # Two different outcomes, never one label: the body refuses it (with its reason), or the
    # commune cannot decide it at all (and says who does).
    DECLINED = "declined", pgettext_lazy("petition status", "Refused")
    NOT_COMPETENT = "not_competent", pgettext_lazy("petition status", "Not within the commune's competence")


class PetitionKind(models.TextChoices):
    PETITION = "petition", _("Petition")
    # What the attending cadre promised to take back ("tiếp thu, báo cáo cấp trên"): followed up
    # like a petition (a holder, a deadline, reported back).
    PROMISE = "promise", _("Cadre's promise")


class ToldHow(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VILLAGE_MEETING = "village_meeting", _("At the village meeting")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


S = PetitionStatus

# Still waiting for an answer (escalated ones wait for the province).
OPEN_STATUSES = (S.NEW, S.FORWARDED, S.IN_PROGRESS, S.ESCALATED)
# Held by the commune: what the commune's actions (deadline, escalate, refuse) apply to.
RUNNING_STATUSES = (S.NEW, S.FORWARDED, S.IN_PROGRESS)
# Chased and counted overdue against their deadline: those the commune holds, and those sent up,
# whose deadline is the day the answer from above is expected, until that answer is entered.
CHASED_STATUSES = (*RUNNING_STATUSES, S.ESCALATED)
# An answer exists (and must be in the answer field).
ANSWERED_STATUSES = (S.ANSWERED, S.REPORTED_BACK, S.ANSWERED_AT_MEETING)
# Nothing more happens but comments (and telling the branch the outcome).
CLOSED_STATUSES = (S.REPORTED_BACK, S.ANSWERED_AT_MEETING, S.DECLINED, S.NOT_COMPETENT)
# Outcomes other than an answer that also go back to the branch at its next meeting (docs/domain.md,
# Petitions): read out with ``report_outcome``, which leaves the status as it is (an escalated
# petition still waits for the answer from above, which is then reported back in its turn).
OTHER_OUTCOMES = (S.DECLINED, S.NOT_COMPETENT, S.ESCALATED)


# Who acts (role kinds, checked with members.access.reaches on the petition's branch). OFFICER is
# special: not "an officer somewhere above" but the officer holding the petition or an officer of
# its body (petitions.access.handles).
OVERSEERS = frozenset({RoleKind.LEADER, RoleKind.COMMUNE_STAFF})
HANDLERS = frozenset({RoleKind.SECRETARY, RoleKind.CADRE, RoleKind.LEADER, RoleKind.COMMUNE_STAFF, RoleKind.OFFICER})
# Who tells the branch the outcome at its meeting.
REPORTERS = frozenset({RoleKind.SECRETARY, RoleKind.COMMUNE_STAFF})


def overdue_since(deadline: datetime.date) -> datetime.date:
    """Where "working days overdue" start counting: the deadline, or 1/1/1900 for a deadline
    stored before dates were checked (01/01/0001 would count two thousand years of days)."""
    return max(deadline, DB_FIRST_DAY)


def default_deadline(category: Category, start: datetime.date) -> datetime.date:
    """The category's default deadline: its number of working days after ``start``."""
    return add_working_days(start, category.default_days)


class Petition(GuardedUniqueness, ChoiceDisplay, models.Model):
    """A resident's or member's petition that the branch carries to the commune."""

    branch = models.ForeignKey(
        Organization,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="petitions",
        limit_choices_to={"kind": OrganizationKind.BRANCH},
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("raised at meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_raised",
    )
    raised_on = models.DateField(_("raised on"), validators=[plausible_date])
    raised_by_member = models.ForeignKey(
        Member,
        verbose_name=_("raised by (member)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_raised",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PetitionKind.choices, default=PetitionKind.PETITION)
    resident_name = models.CharField(_("resident's name"), max_length=120, blank=True)
    resident_phone = models.CharField(_("resident's phone"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True, max_length=LONG_TEXT_MAX)
    category = models.ForeignKey(
        Category, verbose_name=pgettext_lazy("petition", "category"), on_delete=models.PROTECT, related_name="petitions"
    )
    body = models.ForeignKey(
        Body,
        verbose_name=_("responsible body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer in charge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_held",
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    deadline = models.DateField(_("deadline"), null=True, blank=True, validators=[plausible_date])
    status = models.CharField(_("status"), max_length=20, choices=PetitionStatus.choices, default=PetitionStatus.NEW)
    answer = models.TextField(_("answer"), blank=True, max_length=LONG_TEXT_MAX)
    answered_on = models.DateField(_("answered on"), null=True, blank=True, validators=[plausible_date])
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("answered at meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_answered",
    )
    reported_back_at_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("reported back at meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_reported_back",
    )
    escalated_to = models.CharField(_("escalated to"), max_length=200, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True, validators=[plausible_date])
    # When the level above is expected to answer (the branch is told at its next meeting).
    expected_answer_by = models.DateField(_("answer expected by"), null=True, blank=True, validators=[plausible_date])
    # The reason for a refusal (required) or for "not within the commune's competence" (optional).
    decline_reason = models.TextField(_("reason for declining"), blank=True, max_length=LONG_TEXT_MAX)
    # Not within the commune's competence: who decides it (where the resident is sent).
    competent_body = models.CharField(_("competent body"), max_length=200, blank=True)
    # The day the petition was refused or found not within the commune's competence.
    decided_on = models.DateField(_("decided on"), null=True, blank=True, validators=[plausible_date])
    # Where a refusal, "not within the commune's competence" or an escalation was read out to the
    # branch (an answer is read out at ``reported_back_at_meeting``).
    outcome_reported_at_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("outcome reported back at meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_outcome_reported",
    )
    # For a resident's petition, after the branch heard the outcome: the resident was told.
    told_resident_on = models.DateField(_("resident told on"), null=True, blank=True, validators=[plausible_date])
    told_resident_how = models.CharField(_("resident told how"), max_length=20, choices=ToldHow.choices, blank=True)
    told_resident_by = models.CharField(_("resident told by"), max_length=120, blank=True)
    # Made by the record form when it is shown: a double tap sends the same key twice.
    submit_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    unscoped = models.Manager()
    objects = ScopedManager(branch="branch")

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-raised_on", "-pk"]
        indexes = [
            models.Index(fields=["branch", "status"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["officer", "status"]),
            models.Index(fields=["body", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=F("raised_on")),
                name="petition_deadline_after_raised",
                violation_error_message=_("The deadline cannot be before the day the petition was raised."),
            ),
            models.CheckConstraint(
                condition=~Q(status=PetitionStatus.DECLINED) | ~Q(decline_reason=""),
                name="petition_declined_has_reason",
                violation_error_message=_("Say why the petition is declined."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=ANSWERED_STATUSES) | (~Q(answer="") & Q(answered_on__isnull=False)),
                name="petition_answered_has_answer",
                violation_error_message=_("An answered petition needs the answer."),
            ),
            models.CheckConstraint(
                condition=~Q(status=PetitionStatus.ANSWERED_AT_MEETING) | Q(answered_at_meeting__isnull=False),
                name="petition_answered_at_meeting_has_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(status=PetitionStatus.REPORTED_BACK) | Q(reported_back_at_meeting__isnull=False),
                name="petition_reported_back_has_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(status=PetitionStatus.ESCALATED) | ~Q(escalated_to=""),
                name="petition_escalated_has_recipient",
            ),
            models.CheckConstraint(
                condition=~Q(status=PetitionStatus.NOT_COMPETENT) | ~Q(competent_body=""),
                name="petition_not_competent_has_body",
                violation_error_message=_("Say who decides the petition, since the commune cannot."),
            ),
            models.CheckConstraint(
                condition=Q(told_resident_on__isnull=True) | (~Q(told_resident_how="") & ~Q(told_resident_by="")),
                name="petition_told_resident_how_and_by",
                violation_error_message=_("Say how the resident was told, and by whom."),
            ),
            models.CheckConstraint(
                condition=Q(expected_answer_by__isnull=True)
                | Q(escalated_on__isnull=True)
                | Q(expected_answer_by__gte=F("escalated_on")),
                name="petition_expected_answer_after_escalation",
                violation_error_message=_("The answer cannot be expected before the petition was sent up."),
            ),
            *length_checks("petition", "content", "answer", "decline_reason"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("petitions:detail", args=[self.pk])

    # --- The workflow table ---------------------------------------------------------------

    def allows(self, action) -> bool:
        """Whether the petition's status (and what it holds) allows this action (a row of
        petitions.services.workflow.ACTIONS: its ``name``, ``from_statuses`` and ``refused``)."""
        if self.status not in action.from_statuses:
            return False
        if action.name == "set_deadline":
            return self.deadline is None
        if action.name == "extend_deadline":
            return self.deadline is not None
        if action.name == "report_outcome":
            return self.outcome_reported_at_meeting_id is None
        if action.name == "tell_resident":
            return self.awaits_telling_resident
        return True

    @property
    def awaits_telling_resident(self) -> bool:
        """A resident's petition whose outcome the branch has heard, not yet told to the resident."""
        if not self.resident_name or self.told_resident_on is not None:
            return False
        return (
            self.status in (S.REPORTED_BACK, S.ANSWERED_AT_MEETING) or self.outcome_reported_at_meeting_id is not None
        )

    @property
    def is_promise(self) -> bool:
        return self.kind == PetitionKind.PROMISE

    def check_allows(self, action) -> None:
        """Refuse, with the status in the message, an action the petition's status does not allow."""
        if self.status not in action.from_statuses:
            message = action.refused % {"status": self.get_status_display().lower()}
            raise ValidationError(message, code="status")
        if action.name == "set_deadline" and self.deadline is not None:
            raise ValidationError(_("This petition already has a deadline; extend it instead."), code="deadline")
        if action.name == "extend_deadline" and self.deadline is None:
            raise ValidationError(_("This petition has no deadline yet; set one first."), code="deadline")
        if action.name == "tell_resident" and not self.awaits_telling_resident:
            raise ValidationError(
                _("The resident is told once the branch has heard the outcome, and only once."), code="told"
            )
        if action.name == "report_outcome" and self.outcome_reported_at_meeting_id is not None:
            day = self.outcome_reported_at_meeting.day
            raise ValidationError(
                _(
                    "This outcome was already reported back to the branch at the meeting of %(day)s; "
                    "nothing was changed."
                ),
                params={"day": day.strftime("%d/%m/%Y")},
                code="reported_twice",
            )

    @property
    def report_action(self) -> str:
        """The action that tells the branch this petition's outcome: an answer is reported back
        (and the petition closed), any other outcome is reported with ``report_outcome``."""
        return "report_outcome" if self.status in OTHER_OUTCOMES else "report_back"

    @property
    def outcome_day(self) -> datetime.date | None:
        """The day the outcome the branch is to hear was known (None: not recorded)."""
        if self.status in (S.DECLINED, S.NOT_COMPETENT):
            return self.decided_on
        if self.status == S.ESCALATED:
            return self.escalated_on
        return self.answered_on

    # --- Follow-up ------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Still waiting for an answer (held by the commune, or sent up) and its deadline has passed."""
        today = today or timezone.localdate()
        return self.status in CHASED_STATUSES and self.deadline is not None and self.deadline < today

    @property
    def days_overdue(self) -> int:
        """Working days past the deadline (0 when not overdue).

        Lists set it for all their rows at once (``petitions.selectors.review``); asked alone it
        costs one query.
        """
        if "_days_overdue" not in self.__dict__:
            today = timezone.localdate()
            overdue = self.is_overdue(today)
            self._days_overdue = working_days_between(overdue_since(self.deadline), today) if overdue else 0
        return self._days_overdue

    @property
    def answered_on_time(self) -> bool | None:
        """None until answered; an answer without a deadline (on the spot) is on time."""
        if self.answered_on is None:
            return None
        return self.deadline is None or self.answered_on <= self.deadline
