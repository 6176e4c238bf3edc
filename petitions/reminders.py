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

from .models import RUNNING_STATUSES, Petition

DUE_SOON = "petition.due_soon"
OVERDUE = "petition.overdue"
OVERDUE_LEADER = "petition.overdue_leader"
ANSWERED = "petition.answered"
CHASES = [DUE_SOON, OVERDUE, OVERDUE_LEADER]

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


# --- The answer ----------------------------------------------------------------------------------


def petition_answered(petition: Petition) -> list:
    """Tell the branch's secretaries the answer has come; the chases of the petition stop.
    Called by ``petition_answer`` in its transaction."""
    notifications_cancel(about=petition, kinds=CHASES)
    with system_scope():
        users = role_holders([petition.branch], {RoleKind.SECRETARY}, held_at=OrganizationKind.BRANCH)[
            petition.branch_id
        ]
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
    # Nothing due soon is further than LONGEST_DUE_SOON working days: Tết can add nine days.
    horizon = today + datetime.timedelta(days=LONGEST_DUE_SOON * 2 + 14)
    petitions = list(
        Petition.objects.filter(status__in=RUNNING_STATUSES, deadline__isnull=False, deadline__lte=horizon)
        .select_related("branch", "body", "officer__member")
        .prefetch_related(Prefetch("body__officers", queryset=get_user_model().objects.select_related("member")))
        .order_by("deadline", "pk")
    )
    if not petitions:
        return []
    # Working days from the deadline to today: positive when overdue, negative before it.
    past_deadline = working_days_until({p.deadline for p in petitions}, today)
    working_today = is_working_day(today)
    branches = list({p.branch_id: p.branch for p in petitions}.values())
    leaders = role_holders(branches, {RoleKind.LEADER}, held_at=OrganizationKind.COMMUNE)
    timings = ReminderRules.objects.for_branches(branches)

    rows = []
    for petition in petitions:
        context = petition_context(petition)
        handlers = _handlers(petition)
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


def _names(users: list) -> str:
    return person_names(users)
