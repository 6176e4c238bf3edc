"""What petitions adds to the home page (registered in PetitionsConfig.ready): an officer of a
commune body sees the petitions waiting for their answer, the nearest deadline first."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from members.home import HomePanel
from petitions.selectors.home import officer_queue


def officer_context(request: HttpRequest) -> dict | None:
    queue = officer_queue(request.user, today=timezone.localdate())
    return {"queue": queue} if queue is not None else None


OFFICER_PANEL = HomePanel(template="petitions/home/_officer.html", context=officer_context)
