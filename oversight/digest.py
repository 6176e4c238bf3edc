"""The weekly digest to leaders: who gets it and what it says. Reads only; no models of its own.

For each leader, over the branches under the nodes where they hold the leader role:

- petitions overdue at the commune (``petitions.selectors.review.overdue_q``);
- branches that held no regular meeting last month, and last month's meetings with low
  attendance (``oversight.selectors.flags.branch_flags``, the flags page's rules);
- cadres who missed meetings of the branches they follow last month
  (``oversight.selectors.cadres.cadre_report``).

Each leader's digest is computed in that leader's scope (``scope_for``), whoever asks for it:
the Monday task (``oversight.tasks.weekly_digest``) or commune staff's button. It is queued with
one de-duplication key per leader and ISO week, so a second run in the same week sends nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from meetings.months import add_months, first_of_month
from members.access import branches, nodes, scope_for
from members.models import RoleKind
from notifications.links import absolute_url
from notifications.models import Notification
from notifications.services import notification_enqueue
from oversight.selectors.cadres import cadre_report
from oversight.selectors.flags import Period, branch_flags
from petitions import access as petition_access
from petitions.selectors.review import overdue_q

DIGEST = "digest.weekly"
# How many lines of each list the message shows; the rest is "and N more" (the pages have them all).
SHOWN = 5


@dataclass
class Digest:
    month: datetime.date
    overdue_petitions: list[str] = field(default_factory=list)
    silent_branches: list[str] = field(default_factory=list)
    low_attendance: list[str] = field(default_factory=list)
    cadres_missed: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.overdue_petitions or self.silent_branches or self.low_attendance or self.cadres_missed)

    def context(self, *, today: datetime.date) -> dict:
        year, week, _ = today.isocalendar()

        def part(lines: list[str]) -> dict:
            return {"count": len(lines), "lines": lines[:SHOWN], "more": max(0, len(lines) - SHOWN)}

        return {
            "week": week,
            "year": year,
            "date": today.strftime("%d/%m/%Y"),
            "month": self.month.strftime("%m/%Y"),
            "overdue": part(self.overdue_petitions),
            "silent": part(self.silent_branches),
            "low_attendance": part(self.low_attendance),
            "cadres": part(self.cadres_missed),
            "is_empty": self.is_empty,
            "url": reverse("oversight:flags"),
            "flags_url": absolute_url(reverse("oversight:flags")),
            "petitions_url": absolute_url(reverse("petitions:list")),
        }


def leaders(*, among=None) -> list:
    """Active users holding a leader role (of these users only, when ``among`` is a user queryset)."""
    # With their member records: the digest greets them by name (members.names.person_name).
    users = (
        get_user_model()
        .objects.filter(roles__kind=RoleKind.LEADER, is_active=True)
        .select_related("member")
        .distinct()
        .order_by("pk")
    )
    if among is not None:
        users = users.filter(pk__in=among.values("pk"))
    return list(users)


def digest_for(leader, *, today: datetime.date) -> Digest:
    """What the leader's branches need attention for, as of ``today``."""
    last_month = add_months(first_of_month(today), -1)
    month_end = add_months(last_month, 1) - datetime.timedelta(days=1)
    digest = Digest(month=last_month)
    with scope_for(leader):
        led = branches(leader, {RoleKind.LEADER}).order_by("path")
        overdue = (
            petition_access.petitions(leader)
            .filter(overdue_q(today), branch__in=led)
            .select_related("branch")
            .order_by("deadline", "pk")
        )
        digest.overdue_petitions = [
            f"{petition.title} – {petition.branch.name} (hạn {petition.deadline:%d/%m/%Y})" for petition in overdue
        ]
        now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(7, 0)))
        for flags in branch_flags(branches=list(led), period=Period(first=last_month, last=last_month), now=now):
            if any(cell.month == last_month for cell in flags.missing_months):
                digest.silent_branches.append(flags.branch.name)
            digest.low_attendance += [
                f"{flags.branch.name}, {timezone.localtime(issue.meeting.planned_start):%d/%m/%Y}: {issue.detail}"
                for issue in flags.low_attendance
                if last_month <= issue.meeting.month <= month_end
            ]
        for row in cadre_report(branches=led, start=last_month, end=month_end, today=today):
            if row.attended < row.expected:
                digest.cadres_missed.append(
                    f"{row.cadre.full_name}: dự {row.attended}/{row.expected} cuộc họp"
                    f" ({', '.join(branch.name for branch in row.branches)})"
                )
    return digest


def digest_key(leader, today: datetime.date) -> str:
    year, week, _ = today.isocalendar()
    return f"{DIGEST}:{leader.pk}:{year}-W{week:02d}"


def send_digests(users, *, now: datetime.datetime | None = None) -> int:
    """Queue this week's digest for each of these leaders; returns how many were new this week."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    new = 0
    for leader in users:
        key = digest_key(leader, today)
        if Notification.objects.filter(dedupe_key__startswith=f"{key}:").exists():
            continue  # already queued this week: nothing to compute
        with transaction.atomic():
            digest = digest_for(leader, today=today)
            # About the outermost node they lead: the outbox shows it to that node's staff only.
            led = nodes(leader, {RoleKind.LEADER})
            notification_enqueue(
                recipient=leader,
                kind=DIGEST,
                about=led[0] if led else None,
                dedupe_key=key,
                context=digest.context(today=today),
                now=now,
            )
        new += 1
    return new
