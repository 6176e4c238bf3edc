"""What the petitions app sends, to whom and when: the rules behind the deadline chases.

The outbox and its dispatch belong to ``notifications``; this module decides and calls
``notification_enqueue`` inside the caller's transaction (``petition_answer``, or the daily
``petitions.tasks.chase_petitions``). Deadlines count in working days (``workdays.calendar``).

- **Due soon** (``petition.due_soon``): to the officer in charge (or, while it waits in a body's
  queue, to the body's officers) when the deadline is 2 working days away or nearer (the
  commune's ``meetings.ReminderRules`` may change it); once per
  deadline (an extension starts again).
- **Overdue** (``petition.overdue``): to the same people every working day while the commune
  still holds it past its deadline; one message a day however often the chase runs.
- **To the leaders** (``petition.overdue_leader``): the leaders of the petition's commune when it
  is overdue by more than 5 working days (``ReminderRules`` again); once per deadline.
- **Answered** (``petition.answered``): to the branch's secretaries as soon as the answer is
  recorded; the petition's pending chases are cancelled.
- **Raised** (``petition.raised``): to the leaders and commune staff of the petition's commune,
  once, the day a petition is recorded (they forward it).
- **Still new** (``petition.still_new``): to the same people, once, when a petition is still
  "Mới" after 2 working days (``ReminderRules.petition_new_after_days``).
- **Forwarded** (``petition.forwarded``): to the officer chosen, or every officer of the body, at
  once when a petition is forwarded or reassigned, with the deadline; once per hand-over.
- **Nobody holds it** (``petition.unheld``): to the commune staff every working day while a
  forwarded petition waits at a body with no officer (no officer chosen, none on the body's list).
- **Refused, not the commune's, sent up** (``petition.outcome``): to the branch's secretaries as
  soon as it is recorded; the pending chases of the old deadline are cancelled.
- **Sent up**: an escalated petition is chased like the others against its follow-up date (the
  day the answer from above is expected, which becomes its deadline) until the answer is entered;
  with no officer to chase, the commune staff are told.

Every message has the outbox's unique de-duplication key: nothing is sent twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone

from meetings.models import ReminderRules
from members.access import role_holders, system_scope
from members.models import OrganizationKind, RoleKind
from members.names import person_name, person_names
from notifications.links import absolute_url
from notifications.services import notification_enqueue, notifications_cancel
from workdays.calendar import is_working_day, working_days_until

from .models import CHASED_STATUSES, Petition, PetitionStatus

DUE_SOON = "petition.due_soon"
OVERDUE = "petition.overdue"
OVERDUE_LEADER = "petition.overdue_leader"
ANSWERED = "petition.answered"
RAISED = "petition.raised"
STILL_NEW = "petition.still_new"
FORWARDED = "petition.forwarded"
UNHELD = "petition.unheld"
OUTCOME = "petition.outcome"
CHASES = [DUE_SOON, OVERDUE, OVERDUE_LEADER, STILL_NEW, UNHELD]
# Who forwards a new petition, and who is told when nobody holds one.
FORWARDERS = frozenset({RoleKind.LEADER, RoleKind.COMMUNE_STAFF})

# The most working days ahead a commune may remind officers (the chase looks no further).
LONGEST_DUE_SOON = ReminderRules._meta.get_field("petition_due_soon_days").validators[0].limit_value


def _day(day: datetime.date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def petition_context(petition: Petition) -> dict:
    """What every petition message says, as plain values (dates dd/mm/yyyy)."""
    return {
        "petition_id": petition.pk,
        "title": petition.title,
        "branch": petition.branch.name,
        "body": petition.body.name if petition.body_id else "",
        "raised_on": _day(petition.raised_on),
        "deadline": _day(petition.deadline),
        "url": absolute_url(petition.get_absolute_url()),
    }


def _enqueue(users: Iterable, *, kind: str, petition: Petition, key: str, context: dict) -> list:
    rows = []
    for user in users:
        rows += notification_enqueue(
            recipient=user, kind=kind, about=petition, dedupe_key=f"{key}:{user.pk}", context=context
        )
    return rows


def _handlers(petition: Petition) -> list:
    """The officer in charge, else the officers on the body's queue (prefetched, active ones)."""
    if petition.officer_id is not None:
        return [petition.officer] if petition.officer.is_active else []
    if petition.body_id is None:
        return []
    return [user for user in petition.body.officers.all() if user.is_active]


def _commune_people(branches, kinds=FORWARDERS) -> dict[int, list]:
    """Per branch id, the leaders and/or staff of its commune (one query)."""
    with system_scope():
        return role_holders(branches, kinds, held_at=OrganizationKind.COMMUNE)


def _secretaries(petition: Petition) -> list:
    with system_scope():
        return role_holders([petition.branch], {RoleKind.SECRETARY}, held_at=OrganizationKind.BRANCH)[
            petition.branch_id
        ]


# --- Each step tells the next person ---------------------------------------------------------------


def petition_raised(petition: Petition) -> list:
    """Tell the commune's leaders and staff a petition was raised (``petition_record``)."""
    people = _commune_people([petition.branch])[petition.branch_id]
    key = f"petition:{petition.pk}:raised"
    return _enqueue(people, kind=RAISED, petition=petition, key=key, context=petition_context(petition))


def petition_handed(petition: Petition) -> list:
    """Tell the officer chosen (or every officer of the body) a petition is now theirs, with its
    deadline (``petition_forward``, ``petition_assign``). Keyed by the petition's version: one
    message per hand-over, none twice."""
    handlers = _handlers(petition)
    key = f"petition:{petition.pk}:handed:{petition.version}"
    return _enqueue(handlers, kind=FORWARDED, petition=petition, key=key, context=petition_context(petition))


def petition_outcome(petition: Petition) -> list:
    """Tell the branch's secretaries of a refusal, "not within the commune's competence" or an
    escalation (where it went, and when the answer is expected); pending chases of the old
    deadline stop."""
    notifications_cancel(about=petition, kinds=CHASES)
    context = {
        **petition_context(petition),
        "status": petition.status,
        "declined": petition.status == PetitionStatus.DECLINED,
        "not_competent": petition.status == PetitionStatus.NOT_COMPETENT,
        "escalated": petition.status == PetitionStatus.ESCALATED,
        "reason": petition.decline_reason,
        "competent_body": petition.competent_body,
        "escalated_to": petition.escalated_to,
        "expected_answer_by": _day(petition.expected_answer_by),
        "decided_on": _day(petition.decided_on or petition.escalated_on),
    }
    key = f"petition:{petition.pk}:{petition.status}:{petition.version}"
    return _enqueue(_secretaries(petition), kind=OUTCOME, petition=petition, key=key, context=context)


# --- The answer ----------------------------------------------------------------------------------


def petition_answered(petition: Petition) -> list:
    """Tell the branch's secretaries the answer has come; the chases of the petition stop.
    Called by ``petition_answer`` in its transaction."""
    notifications_cancel(about=petition, kinds=CHASES)
    users = _secretaries(petition)
    context = {
        **petition_context(petition),
        "answer": petition.answer,
        "answered_on": _day(petition.answered_on),
        "answered_by": person_name(petition.answered_by) if petition.answered_by_id else "",
    }
    key = f"petition:{petition.pk}:answered:{petition.answered_on.isoformat()}"
    return _enqueue(users, kind=ANSWERED, petition=petition, key=key, context=context)


# --- The daily chase -------------------------------------------------------------------------------


def chase_petitions(*, now: datetime.datetime | None = None) -> list:
    """The officers' and leaders' reminders of running petitions; run daily, any number of times.

    A fixed number of queries whatever the number of petitions (the petitions with their bodies'
    officers, the announced days, the communes' timings, the leaders, and today's working day),
    then one enqueue per message.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    rows = _chase_new(today) + _chase_unheld(today)
    # Nothing due soon is further than LONGEST_DUE_SOON working days: Tết can add nine days.
    horizon = today + datetime.timedelta(days=LONGEST_DUE_SOON * 2 + 14)
    petitions = list(
        Petition.objects.filter(status__in=CHASED_STATUSES, deadline__isnull=False, deadline__lte=horizon)
        .select_related("branch", "body", "officer__member")
        .prefetch_related(Prefetch("body__officers", queryset=get_user_model().objects.select_related("member")))
        .order_by("deadline", "pk")
    )
    if not petitions:
        return rows
    # Working days from the deadline to today: positive when overdue, negative before it.
    past_deadline = working_days_until({p.deadline for p in petitions}, today)
    working_today = is_working_day(today)
    branches = list({p.branch_id: p.branch for p in petitions}.values())
    leaders = role_holders(branches, {RoleKind.LEADER}, held_at=OrganizationKind.COMMUNE)
    timings = ReminderRules.objects.for_branches(branches)
    staff = role_holders(branches, {RoleKind.COMMUNE_STAFF}, held_at=OrganizationKind.COMMUNE)

    for petition in petitions:
        context = petition_context(petition)
        # Sent up with nobody to chase at the commune: its staff follow the answer from above.
        handlers = _handlers(petition)
        if not handlers and petition.status == PetitionStatus.ESCALATED:
            handlers = staff[petition.branch_id]
        deadline = petition.deadline.isoformat()
        if petition.deadline >= today:
            left = -past_deadline[petition.deadline]
            if left <= timings[petition.branch_id].petition_due_soon_days:
                key = f"petition:{petition.pk}:due_soon:{deadline}"
                ctx = {**context, "working_days_left": left}
                rows += _enqueue(handlers, kind=DUE_SOON, petition=petition, key=key, context=ctx)
            continue
        overdue = past_deadline[petition.deadline]
        ctx = {**context, "days_overdue": overdue}
        if working_today:
            key = f"petition:{petition.pk}:overdue:{today.isoformat()}"
            rows += _enqueue(handlers, kind=OVERDUE, petition=petition, key=key, context=ctx)
        leader_after_days = timings[petition.branch_id].petition_leader_after_days
        if overdue > leader_after_days:
            key = f"petition:{petition.pk}:overdue_leader:{deadline}"
            ctx = {**ctx, "officer": _names(handlers), "leader_after_days": leader_after_days}
            rows += _enqueue(leaders[petition.branch_id], kind=OVERDUE_LEADER, petition=petition, key=key, context=ctx)
    return rows


def _chase_new(today: datetime.date) -> list:
    """Petitions still "Mới" after the commune's number of working days: its leaders and staff,
    once per petition. Four queries whatever the number."""
    petitions = list(Petition.objects.filter(status=PetitionStatus.NEW).select_related("branch").order_by("pk"))
    if not petitions:
        return []
    waited = working_days_until({p.raised_on for p in petitions}, today)
    branches = list({p.branch_id: p.branch for p in petitions}.values())
    timings = ReminderRules.objects.for_branches(branches)
    people = role_holders(branches, FORWARDERS, held_at=OrganizationKind.COMMUNE)
    rows = []
    for petition in petitions:
        after = timings[petition.branch_id].petition_new_after_days
        if not after or waited[petition.raised_on] < after:
            continue
        ctx = {**petition_context(petition), "working_days": waited[petition.raised_on]}
        key = f"petition:{petition.pk}:still_new"
        rows += _enqueue(people[petition.branch_id], kind=STILL_NEW, petition=petition, key=key, context=ctx)
    return rows


def _chase_unheld(today: datetime.date) -> list:
    """Forwarded petitions nobody holds (no officer chosen, no active officer on the body's list):
    the commune staff, once each working day until someone does. Four queries whatever the number."""
    if not is_working_day(today):
        return []
    petitions = [
        p
        for p in Petition.objects.filter(
            status__in=(PetitionStatus.FORWARDED, PetitionStatus.IN_PROGRESS), officer__isnull=True
        )
        .select_related("branch", "body")
        .prefetch_related(Prefetch("body__officers", queryset=get_user_model().objects.filter(is_active=True)))
        .order_by("pk")
        if not _handlers(p)
    ]
    if not petitions:
        return []
    staff = role_holders(
        list({p.branch_id: p.branch for p in petitions}.values()),
        {RoleKind.COMMUNE_STAFF},
        held_at=OrganizationKind.COMMUNE,
    )
    rows = []
    for petition in petitions:
        key = f"petition:{petition.pk}:unheld:{today.isoformat()}"
        rows += _enqueue(
            staff[petition.branch_id], kind=UNHELD, petition=petition, key=key, context=petition_context(petition)
        )
    return rows


def _names(users: list) -> str:
    return person_names(users)
