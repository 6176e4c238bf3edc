"""The leaders' review: the list over a user's scope, its counts, an officer's own list, and
what a branch's next meeting must hear back.

``petition_list`` runs one query for its rows whatever their number (branch, category, body,
officer and meeting are joined) and, when the rows are read, one more for the announced days
off and make-up days that "days overdue" are counted with; the user's roles and bodies are
loaded once per request. ``petition_counts`` is one aggregate query.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.query import ModelIterable
from django.utils import timezone

from meetings.models import Meeting
from members.models import Organization
from petitions import access
from petitions.models import (
    CHASED_STATUSES,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    OTHER_OUTCOMES,
    Petition,
    PetitionEvent,
    PetitionStatus,
    overdue_since,
)
from workdays.calendar import working_days_until

# "officer__member": the officer's name (members.names.person_name) without a query per row.
LIST_RELATED = ("branch", "category", "body", "officer", "officer__member", "meeting")


# --- Days overdue, for a whole list at once ------------------------------------------------------


def overdue_q(today: datetime.date) -> Q:
    """Waiting for an answer (held by the commune, or sent up) past its deadline (``Petition.is_overdue`` in SQL)."""
    return Q(status__in=CHASED_STATUSES, deadline__lt=today)


def due_this_week_q(today: datetime.date) -> Q:
    """Held by the commune, due from today to Sunday."""
    sunday = today + datetime.timedelta(days=6 - today.weekday())
    return Q(status__in=CHASED_STATUSES, deadline__gte=today, deadline__lte=sunday)


def set_days_overdue(petitions: Iterable[Petition], *, today: datetime.date) -> list[Petition]:
    """Set ``days_overdue`` (working days past the deadline, 0 if not overdue) on each: one query."""
    petitions = list(petitions)
    late = {overdue_since(petition.deadline) for petition in petitions if petition.is_overdue(today)}
    counts = working_days_until(late, today) if late else {}
    for petition in petitions:
        petition._days_overdue = counts[overdue_since(petition.deadline)] if petition.is_overdue(today) else 0
    return petitions


class _DaysOverdueIterable(ModelIterable):
    """Rows of a petition list, with their days overdue set as they are fetched."""

    today: datetime.date

    def __iter__(self):
        yield from set_days_overdue(super().__iter__(), today=self.today)


def with_days_overdue(queryset: QuerySet[Petition], today: datetime.date) -> QuerySet[Petition]:
    """The same queryset; its rows (a page of it too) come with ``days_overdue`` set."""
    clone = queryset.all()
    clone._iterable_class = type("DaysOverdueIterable", (_DaysOverdueIterable,), {"today": today})
    return clone


# --- The list ------------------------------------------------------------------------------------


SORTS = {
    # Most working days overdue first (an earlier deadline is more days late), then the rest by deadline.
    "overdue": ("-late", F("deadline").asc(nulls_last=True), "-raised_on", "-pk"),
    "deadline": (F("deadline").asc(nulls_last=True), "-raised_on", "-pk"),
    "raised": ("-raised_on", "-pk"),
    "branch": ("branch__name", "-raised_on", "-pk"),
    "status": ("status", F("deadline").asc(nulls_last=True), "-pk"),
}


def petition_list(
    user,
    *,
    status: str | Iterable[str] | None = None,
    category=None,
    body=None,
    officer=None,
    branch: Organization | int | None = None,
    overdue: bool | None = None,
    due_this_week: bool | None = None,
    raised_from: datetime.date | None = None,
    raised_to: datetime.date | None = None,
    sort: str = "overdue",
    today: datetime.date | None = None,
) -> QuerySet[Petition]:
    """The petitions the user may see, filtered and sorted; each row has ``days_overdue``.

    ``status`` is one status or several; ``category``, ``body``, ``officer`` and ``branch`` an
    object or its primary key; ``overdue`` and ``due_this_week`` True keep only those, False
    leave them out. ``sort`` is a key of ``SORTS`` (unknown keys sort by days overdue).
    """
    today = today or timezone.localdate()
    rows = access.petitions(user).select_related(*LIST_RELATED)
    if status:
        rows = rows.filter(status__in=[status] if isinstance(status, str) else list(status))
    for name, value in (("category", category), ("body", body), ("officer", officer), ("branch", branch)):
        if value is not None:
            rows = rows.filter(**{name: value})
    if overdue is not None:
        rows = rows.filter(overdue_q(today)) if overdue else rows.exclude(overdue_q(today))
    if due_this_week is not None:
        week = due_this_week_q(today)
        rows = rows.filter(week) if due_this_week else rows.exclude(week)
    if raised_from:
        rows = rows.filter(raised_on__gte=raised_from)
    if raised_to:
        rows = rows.filter(raised_on__lte=raised_to)
    late = Case(When(overdue_q(today), then=Value(1)), default=Value(0), output_field=IntegerField())
    rows = rows.annotate(late=late)
    return with_days_overdue(rows.order_by(*SORTS.get(sort, SORTS["overdue"])), today)


def petition_counts(queryset: QuerySet[Petition], *, today: datetime.date | None = None) -> dict[str, int]:
    """The numbers at the top of a list: one aggregate query over the (filtered) queryset."""
    today = today or timezone.localdate()
    return queryset.order_by().aggregate(
        total=Count("pk"),
        new=Count("pk", filter=Q(status=PetitionStatus.NEW)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_q(today)),
        due_this_week=Count("pk", filter=due_this_week_q(today)),
        # Answered, waiting to be reported back to the branch.
        answered=Count("pk", filter=Q(status=PetitionStatus.ANSWERED)),
        escalated=Count("pk", filter=Q(status=PetitionStatus.ESCALATED)),
        closed=Count("pk", filter=Q(status__in=CLOSED_STATUSES)),
    )


def my_petitions(user, *, today: datetime.date | None = None) -> QuerySet[Petition]:
    """An officer's work: the open petitions they hold and their bodies' unassigned queue,
    nearest deadline first (overdue ones first of all)."""
    today = today or timezone.localdate()
    mine = Q(officer=user)
    if ids := access.body_ids(user):
        mine |= Q(officer__isnull=True, body_id__in=ids)
    rows = (
        access.petitions(user)
        .filter(mine, status__in=OPEN_STATUSES)
        .select_related(*LIST_RELATED)
        .order_by(F("deadline").asc(nulls_last=True), "raised_on", "pk")
    )
    return with_days_overdue(rows, today)


# --- Back to the branch --------------------------------------------------------------------------


def answered_since_last_meeting(branch: Organization, meeting: Meeting) -> QuerySet[Petition]:
    """The answers the branch must hear at this meeting: answered by the meeting's day and not
    yet reported back (an answer not read out at the last meeting is carried to this one)."""
    return (
        Petition.objects.filter(branch=branch, status=PetitionStatus.ANSWERED, answered_on__lte=meeting.day)
        .select_related("category", "body")
        .order_by("answered_on", "pk")
    )


def to_report_q(branch_id: int, day: datetime.date) -> Q:
    """The outcomes of the branch's petitions known by ``day`` that the branch has not heard yet:
    an answer not reported back, and a refusal, "not within the commune's competence" or an
    escalation not reported (a day not recorded, in rows from before it was, counts as known)."""
    decided = (Q(decided_on__isnull=True) | Q(decided_on__lte=day)) & Q(
        status__in=(PetitionStatus.DECLINED, PetitionStatus.NOT_COMPETENT)
    )
    sent_up = Q(status=PetitionStatus.ESCALATED) & (Q(escalated_on__isnull=True) | Q(escalated_on__lte=day))
    return Q(branch_id=branch_id) & (
        Q(status=PetitionStatus.ANSWERED, answered_on__lte=day)
        | (Q(outcome_reported_at_meeting__isnull=True) & (decided | sent_up))
    )


def waits_to_be_reported(petition: Petition, branch_id: int, day: datetime.date) -> bool:
    """``to_report_q`` for a petition already read (no query)."""
    if petition.branch_id != branch_id:
        return False
    if petition.status == PetitionStatus.ANSWERED:
        return petition.answered_on is not None and petition.answered_on <= day
    if petition.status in OTHER_OUTCOMES and petition.outcome_reported_at_meeting_id is None:
        known = petition.outcome_day
        return known is None or known <= day
    return False


def outcomes_to_report(branch: Organization, meeting: Meeting) -> list[Petition]:
    """What the branch must hear at this meeting, in the order the outcomes came: the answers,
    refusals, "not within the commune's competence" and escalations known by the meeting's day
    and not yet reported (one not read out at the last meeting is carried to this one). One query."""
    rows = Petition.objects.filter(to_report_q(branch.pk, meeting.day)).select_related("category", "body")
    return sorted(rows, key=lambda petition: (petition.outcome_day or datetime.date.min, petition.pk))


@dataclass(frozen=True)
class MeetingPetitions:
    """What the minutes of a meeting list: petitions raised, answered on the spot, reported back."""

    raised: list[Petition]
    answered_here: list[Petition]
    reported_back: list[Petition]


def meeting_petitions(meeting: Meeting) -> MeetingPetitions:
    """One query."""
    rows = list(
        Petition.objects.filter(
            Q(meeting=meeting) | Q(answered_at_meeting=meeting) | Q(reported_back_at_meeting=meeting)
        )
        .select_related("category", "body", "raised_by_member")
        .order_by("raised_on", "pk")
    )
    return MeetingPetitions(
        raised=[p for p in rows if p.meeting_id == meeting.pk],
        answered_here=[p for p in rows if p.answered_at_meeting_id == meeting.pk],
        reported_back=[p for p in rows if p.reported_back_at_meeting_id == meeting.pk],
    )


def petition_timeline(petition: Petition) -> QuerySet[PetitionEvent]:
    """The petition's timeline, oldest first, with who did each step: one query."""
    return PetitionEvent.objects.filter(petition=petition).select_related("by__member").order_by("at", "pk")
