"""What an officer of a commune body has to do next, for the home page (petitions/home.py).

``officer_queue`` runs three queries whatever the number of petitions: the user's bodies
(cached on the user by petitions.access), the first few petitions waiting for an answer, and
how many there are in all.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Q

from members.access import nodes, subtree_q
from petitions import access
from petitions.models import CHASED_STATUSES, OVERSEERS, Petition, PetitionStatus

SHOWN = 5


@dataclass
class OfficerQueue:
    petitions: list[Petition]
    total: int
    overdue_ids: set[int]


def officer_queue(user, *, today: datetime.date) -> OfficerQueue | None:
    """The petitions this officer holds, or that wait at their bodies, still to be answered,
    the nearest deadline first; None for a user who is not an officer."""
    if not access.holds_officer_role(user):
        return None
    held = Q(officer=user)
    if bodies := access.body_ids(user):
        held |= Q(body_id__in=bodies)
    waiting = access.petitions(user).filter(held, status__in=CHASED_STATUSES)
    first = list(
        waiting.select_related("branch", "body").order_by(F("deadline").asc(nulls_last=True), "raised_on", "pk")[:SHOWN]
    )
    overdue = {petition.pk for petition in first if petition.is_overdue(today)}
    return OfficerQueue(petitions=first, total=waiting.count(), overdue_ids=overdue)


@dataclass
class NewPetitions:
    petitions: list[Petition]
    total: int


def new_petitions(user) -> NewPetitions | None:
    """For leaders and commune staff: the petitions of their branches still "Mới", waiting to be
    forwarded, the oldest first, and how many in all (two queries; none for others)."""
    places = nodes(user, OVERSEERS)
    if not places:
        return None
    waiting = Petition.objects.filter(subtree_q(places, prefix="branch__"), status=PetitionStatus.NEW)
    first = list(waiting.select_related("branch").order_by("raised_on", "pk")[:SHOWN])
    return NewPetitions(petitions=first, total=waiting.count())
