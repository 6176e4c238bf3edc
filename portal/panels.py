"""What the pages portal builds show from the apps: each panel is a template and its context
(``None``: nothing to show this user). The lists below are the whole composition, in order;
portal imports the apps directly, so no app registers anything. Each context function runs a
fixed number of queries whatever the data size.

- the home page's "what to do next": the secretary's next meetings and what is missing for them,
  the overseers' most urgent flags (oversight/selectors/urgent.py), the cadre's meetings and
  scores, the member's next meeting (meetings/selectors/home.py), an officer's petitions waiting for an answer,
  the leaders' and commune staff's new petitions waiting to be forwarded (petitions/selectors/home.py);
- the organisation page: a branch's annual rating this year and last (oversight/selectors/ratings.py);
- the organisation page: a branch's linked working members, apart from its members (QĐ 213);
- the meeting page: the "Kiến nghị" panel (petitions/panels.py), and the working members from
  elsewhere invited to a residence meeting.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from meetings.models import LinkedAttendance, LinkedMark, Meeting, MeetingRules
from meetings.selectors import home as meeting_home
from members.access import can_read_links_of
from members.models import LinkStatus, Organization, ResidenceLink
from oversight.selectors.ratings import annual_ratings
from oversight.selectors.urgent import urgent_flags
from petitions.panels import meeting_panel_context
from petitions.selectors.home import new_petitions, officer_queue

Panel = tuple[str, dict]


def _shown(panels: list[tuple[str, dict | None]]) -> list[Panel]:
    return [(template, context) for template, context in panels if context is not None]


# --- The home page -----------------------------------------------------------------------------


def secretary_context(request: HttpRequest) -> dict | None:
    meetings = meeting_home.secretary_next_meetings(request.user)
    return {"items": meetings} if meetings else None


def flags_context(request: HttpRequest) -> dict | None:
    now = timezone.now()
    urgent = urgent_flags(request.user, now=now, today=timezone.localdate(now))
    return {"urgent": urgent} if urgent is not None else None


def cadre_context(request: HttpRequest) -> dict | None:
    work = meeting_home.cadre_work(request.user, now=timezone.now())
    return {"work": work} if work is not None else None


def member_context(request: HttpRequest) -> dict | None:
    next_meeting = meeting_home.member_next_meeting(request.user, now=timezone.now())
    return {"next": next_meeting} if next_meeting is not None else None


def officer_context(request: HttpRequest) -> dict | None:
    queue = officer_queue(request.user, today=timezone.localdate())
    return {"queue": queue} if queue is not None else None


def _secretary_branches(secretary: dict | None) -> set[int]:
    if secretary is None:
        return set()
    return {item.meeting.branch_id if hasattr(item, "meeting") else item.branch.pk for item in secretary["items"]}


def new_petitions_context(request: HttpRequest) -> dict | None:
    waiting = new_petitions(request.user)
    return {"waiting": waiting} if waiting is not None else None


def home_panels(request: HttpRequest) -> list[Panel]:
    secretary = secretary_context(request)
    member = member_context(request)
    if member is not None and member["next"].member.branch_id in _secretary_branches(secretary):
        # A secretary is a member of the branch too: its next meeting is on one card, the secretary's.
        member = None
    return _shown(
        [
            ("meetings/home/_secretary.html", secretary),
            ("oversight/home_flags.html", flags_context(request)),
            ("petitions/home/_new.html", new_petitions_context(request)),
            ("meetings/home/_cadre.html", cadre_context(request)),
            ("meetings/home/_member.html", member),
            ("petitions/home/_officer.html", officer_context(request)),
        ]
    )


# --- The organisation page ---------------------------------------------------------------------


def branch_rating_context(request: HttpRequest, organization: Organization) -> dict | None:
    """The branch's annual rating this year (so far) and last year, with the months behind them.
    Three queries."""
    if not organization.is_branch:
        return None
    today = timezone.localdate()
    rules = MeetingRules.objects.for_branches([organization])
    ratings = [
        annual_ratings(branches=[organization], year=year, today=today, rules=rules)[organization.pk]
        for year in (today.year, today.year - 1)
    ]
    return {"ratings": ratings}


def linked_members_context(request: HttpRequest, organization: Organization) -> dict | None:
    """The branch's linked working members ("đảng viên đang công tác giữ mối liên hệ"), a list of
    its own beside its members, and how many of its members keep a link elsewhere. Two queries."""
    if not can_read_links_of(request.user, organization):
        return None
    living = list(
        ResidenceLink.objects.filter(
            residence_branch=organization, status__in=[LinkStatus.PROPOSED, LinkStatus.ACCEPTED]
        )
        .select_related("member__branch")
        .order_by("member__name_key", "pk")
    )
    working = ResidenceLink.objects.filter(member__branch=organization).open().count()
    if not living and not working:
        return None
    return {"branch": organization, "living": living, "working": working, "proposed": LinkStatus.PROPOSED}


def organization_panels(request: HttpRequest, organization: Organization) -> list[Panel]:
    return _shown(
        [
            ("oversight/_branch_rating_panel.html", branch_rating_context(request, organization)),
            ("meetings/residence/_branch_panel.html", linked_members_context(request, organization)),
        ]
    )


# --- The meeting page --------------------------------------------------------------------------


def linked_attendance_context(request: HttpRequest, meeting: Meeting) -> dict | None:
    """Working members from elsewhere at a residence meeting, apart from the roll. One or two queries."""
    if not can_read_links_of(request.user, meeting.branch):
        return None
    marks = list(LinkedAttendance.objects.filter(meeting=meeting).values_list("mark", flat=True))
    if not marks and not ResidenceLink.objects.filter(residence_branch_id=meeting.branch_id).open().exists():
        return None  # a branch nobody working elsewhere is linked to (one more query)
    return {
        "meeting": meeting,
        "invited": len(marks),
        "came": marks.count(LinkedMark.CAME),
        "absent": marks.count(LinkedMark.ABSENT),
    }


def meeting_panels(request: HttpRequest, meeting: Meeting) -> list[Panel]:
    return _shown(
        [
            ("petitions/panels/meeting.html", meeting_panel_context(request, meeting)),
            ("meetings/residence/_meeting_panel.html", linked_attendance_context(request, meeting)),
        ]
    )
