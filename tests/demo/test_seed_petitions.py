"""The petitions demo on top of the meetings demo: every state, some overdue, timelines, idempotent."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from demo.meetings import SONG_KHE, seed_meetings_demo
from demo.members import seed_demo
from demo.petitions import LEFT_FOR_THE_VISITOR, OFFICER_USERNAME, STORIES, seed_petitions_demo
from meetings.models import AgendaItem, AgendaItemKind, Meeting
from meetings.months import local_datetime
from meetings.services.schedule import meeting_create
from members.models import Organization, RoleKind
from petitions import access
from petitions.models import Body, EventKind, Petition, PetitionEvent, PetitionStatus
from petitions.selectors.review import my_petitions, petition_counts, petition_list

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.system_scope]

TODAY = datetime.date(2026, 11, 23)
NOW = at(TODAY, 9)
S = PetitionStatus


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def demo(db, frozen):
    seed_demo(today=TODAY)
    seed_meetings_demo(today=TODAY)
    return seed_petitions_demo(today=TODAY)


def _user(username):
    return get_user_model().objects.get(username=username)


def _snapshot():
    return {
        "petitions": list(Petition.objects.order_by("pk").values()),
        "events": list(PetitionEvent.objects.order_by("pk").values()),
        "agenda": list(AgendaItem.objects.order_by("pk").values("pk", "meeting", "kind", "position", "notes")),
        "body officers": list(Body.officers.through.objects.order_by("pk").values()),
        "body history": Body.history.count(),
    }


def test_every_state_across_the_tam_hung_branches(demo):
    assert demo == len(STORIES)
    petitions = Petition.objects.select_related("branch")
    assert {p.status for p in petitions} == set(S)
    assert {p.branch.code for p in petitions} == {
        "hn-tam-hung-song-khe",
        "hn-tam-hung-phu-thinh",
        "hn-tam-hung-thuong-thanh",
        "hn-tam-hung-hung-giao",
    }
    # Raised at the branches' meetings, on their day; some are late, in working days.
    assert all(p.meeting is not None and p.raised_on == p.meeting.day for p in petitions)
    overdue = [p for p in petitions if p.is_overdue(TODAY)]
    assert len(overdue) >= 3
    # Sent up with a follow-up date now past: chased and counted overdue like the others.
    assert {p.status for p in overdue} == {S.FORWARDED, S.IN_PROGRESS, S.ESCALATED}
    escalated = Petition.objects.get(status=S.ESCALATED)
    assert escalated.expected_answer_by == escalated.deadline and escalated.is_overdue(TODAY)
    # A declined petition waits, with its reason, on the branch's next agenda; a resident told; a promise.
    assert Petition.objects.filter(status=S.DECLINED).exclude(decline_reason="").exists()
    told = Petition.objects.get(told_resident_on__isnull=False)
    assert told.told_resident_by and told.told_resident_on >= told.reported_back_at_meeting.day
    promise = Petition.objects.get(kind="promise")
    assert (promise.status, promise.body.name) == (S.FORWARDED, "UBND xã Tam Hưng") and promise.deadline
    assert any(p.status == S.FORWARDED and not p.is_overdue(TODAY) for p in petitions)
    counts = petition_counts(petition_list(_user("lanhdao.tamhung"), today=TODAY), today=TODAY)
    assert counts["total"] == len(STORIES) and counts["overdue"] == len(overdue)
    assert not Petition.objects.filter(title=LEFT_FOR_THE_VISITOR).exists()


def test_each_petition_has_its_timeline_in_order(demo):
    for petition in Petition.objects.all():
        events = list(petition.events.order_by("at", "pk"))
        assert events[0].kind == EventKind.RECORDED, petition.title
        assert [e.pk for e in events] == sorted(e.pk for e in events), petition.title  # told in order
        assert events[0].at.date() <= petition.raised_on + datetime.timedelta(days=1)
        assert all(event.at <= NOW for event in events)
        assert events[-1].to_status == petition.status or events[-1].kind == EventKind.COMMENT, petition.title
    extended = PetitionEvent.objects.get(kind=EventKind.DEADLINE_EXTENDED)
    assert extended.text and extended.data["new_deadline"] > extended.data["old_deadline"]
    reported = Petition.objects.filter(status=S.REPORTED_BACK)
    assert reported and all(p.reported_back_at_meeting.day >= p.answered_on for p in reported)


def test_residents_phones_are_kept_for_those_who_handle_them(demo):
    assert Petition.objects.exclude(resident_phone="").exists()
    assert Petition.objects.filter(raised_by_member__isnull=False).exists()


def test_the_demo_officer_answers_for_ubnd(demo):
    officer = _user(OFFICER_USERNAME)
    commune = Organization.objects.get(code="hn-tam-hung")
    assert list(officer.roles.values_list("kind", "organization__code")) == [(RoleKind.OFFICER, "hn-tam-hung")]
    assert list(officer.petition_bodies.values_list("name", flat=True)) == ["UBND xã Tam Hưng"]
    assert access.is_officer_at(officer, commune)
    mine = list(my_petitions(officer, today=TODAY))
    assert mine and all(p.status in (S.FORWARDED, S.IN_PROGRESS, S.ESCALATED) for p in mine)
    assert PetitionEvent.objects.filter(by=officer, kind=EventKind.ANSWERED).exists()


def test_song_khe_s_next_meeting_is_left_for_the_secretary(demo):
    branch = Organization.objects.get(code=SONG_KHE)
    assert not Meeting.objects.filter(branch=branch, planned_start__gte=local_datetime(TODAY, datetime.time.min))
    assert not AgendaItem.objects.filter(kind=AgendaItemKind.PETITIONS).exists()  # no meeting to come anywhere


def test_the_answers_waiting_appear_on_the_next_meeting_when_it_is_created(
    demo, frozen, django_capture_on_commit_callbacks
):
    branch = Organization.objects.get(code=SONG_KHE)
    waiting = list(Petition.objects.filter(branch=branch, status=S.ANSWERED).values_list("title", flat=True))
    assert waiting
    start = local_datetime(datetime.date(2026, 12, 5), datetime.time(19, 30))
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_create(
            branch=branch,
            planned_start=start,
            planned_end=start + datetime.timedelta(hours=2),
            by=_user("bithu.songkhe"),
        )
    [item] = meeting.agenda_items.filter(kind=AgendaItemKind.PETITIONS)
    assert all(title in item.notes for title in waiting)


def test_running_twice_changes_nothing(demo):
    first = _snapshot()
    assert first["petitions"] and first["events"] and first["body officers"]
    with time_machine.travel(at(TODAY, 10), tick=False):
        seed_demo(today=TODAY)
        seed_meetings_demo(today=TODAY)
        assert seed_petitions_demo(today=TODAY) == 0
    assert _snapshot() == first
