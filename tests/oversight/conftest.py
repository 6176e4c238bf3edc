"""Data for the dashboard's tests: held meetings with rolls, cadres, scores and guidance."""

import datetime

import pytest

from meetings.models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    CadreAssignment,
    Guest,
    Guidance,
    MeetingKind,
    MeetingStatus,
    Minutes,
)
from members.models import OrganizationKind

from ..factories import MemberFactory, UserFactory, make_org
from ..meetings.conftest import TZ, at, make_meeting

D = datetime.date
TODAY = D(2026, 11, 26)
NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return TODAY


@pytest.fixture
def marker(db):
    return UserFactory(username="marker")


def held(branch, day, kind=MeetingKind.REGULAR, minutes=120, status=MeetingStatus.HELD, **fields):
    """A meeting held on ``day`` from 19:30 for ``minutes``."""
    start = at(day, 19, 30)
    return make_meeting(
        branch,
        day,
        kind,
        status=status,
        actual_start=start,
        actual_end=start + datetime.timedelta(minutes=minutes),
        **fields,
    )


def mark(meeting, member, what, by, category="full"):
    return Attendance.objects.create(meeting=meeting, member=member, mark=what, category=category, marked_by=by)


def scored(meeting, level, total, confirmed=True):
    """The meeting's score; confirmed (by its cadre), it counts for the year."""
    at = meeting.planned_start + datetime.timedelta(days=1) if confirmed else None
    return Minutes.objects.create(meeting=meeting, score_level=level, score_total=total, score_confirmed_at=at)


def guided(meeting, guidance):
    return AgendaItem.objects.create(
        meeting=meeting, title=guidance.title, kind=AgendaItemKind.GUIDANCE, guidance=guidance, position=5
    )


def guidance_for_month(organization, month, by):
    return Guidance.objects.create(
        organization=organization, month=month, title=f"Định hướng {month:%m/%Y}", body="…", published_by=by
    )


def cadre_at(meeting, cadre, attended):
    return Guest.objects.create(meeting=meeting, cadre=cadre, name=cadre.full_name, expected=True, attended=attended)


JANUARY = D(2026, 1, 1)


def assign(cadre, branch, started_on=JANUARY):
    return CadreAssignment.objects.create(cadre=cadre, branch=branch, title="Đảng ủy viên", started_on=started_on)


def ordinary_branch(commune, name, marker, *, members=4, met_november=True, cadre=None):
    """A branch whose October and November went ordinarily (November: unless told not)."""
    branch = make_org(name, OrganizationKind.BRANCH, commune, branch_type="village", meeting_day=5)
    people = MemberFactory.create_batch(members, branch=branch)
    if cadre is not None:
        assign(cadre, branch)
    months = [D(2026, 10, 5)] + ([D(2026, 11, 5)] if met_november else [])
    for day in months:
        meeting = held(branch, day)
        for person in people:
            mark(meeting, person, "present", marker)
        scored(meeting, "good", 95)
        if cadre is not None:
            cadre_at(meeting, cadre, attended=True)
    return branch
