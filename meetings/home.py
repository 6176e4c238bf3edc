"""What meetings adds to the home page: what to do next, per role (registered in MeetingsConfig.ready).

The secretary: the next meeting and what is still missing for it; the cadre: the meetings to
attend and the scores to confirm; the member: the next meeting with its time, place and
materials (commune staff's and leaders' most urgent flags are oversight's: oversight/home.py).
The reads are in meetings/selectors/home.py, each a fixed number of queries.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from meetings.selectors import home as selectors
from members.home import HomePanel


def secretary_context(request: HttpRequest) -> dict | None:
    meetings = selectors.secretary_next_meetings(request.user)
    return {"items": meetings} if meetings else None


def cadre_context(request: HttpRequest) -> dict | None:
    work = selectors.cadre_work(request.user, now=timezone.now())
    return {"work": work} if work is not None else None


def member_context(request: HttpRequest) -> dict | None:
    next_meeting = selectors.member_next_meeting(request.user, now=timezone.now())
    return {"next": next_meeting} if next_meeting is not None else None


PANELS = [
    HomePanel(template="meetings/home/_secretary.html", context=secretary_context),
    HomePanel(template="meetings/home/_cadre.html", context=cadre_context),
    HomePanel(template="meetings/home/_member.html", context=member_context),
]
