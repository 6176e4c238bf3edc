"""What a cadre sees ends with the assignment, and the calendar feed answers from the same access
rules as the pages and stops when roles end (issue 11, roles and scope)."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from meetings import services
from meetings.calendars import feed_create
from meetings.models import CadreAssignment, Meeting, MeetingStatus
from meetings.tasks import expire_cadre_roles
from members.models import Position, PositionKind, Role, RoleKind

from .factories import MemberFactory, UserFactory, give_role
from .meetings.conftest import make_meeting

pytestmark = pytest.mark.system_scope

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date
TITLE = "Đảng ủy viên"
PERIOD = {"start": "2026-01-01", "end": "2026-12-31"}


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=TZ), tick=False)


@pytest.fixture
def cadre_member(tree, cadre):
    """The cadre persona's own member record, in Phú Thịnh; the persona holds the cadre role at Song Khê."""
    return MemberFactory(branch=tree.sibling, full_name="Trần Văn Cán", user=cadre.user)


def held(branch, months) -> list[Meeting]:
    return [make_meeting(branch, day=D(2026, month, 5), status=MeetingStatus.HELD) for month in months]


def detail_meetings(client, cadre_member) -> set[int]:
    """The meetings on the cadre's own page (nothing when it is a 404)."""
    response = client.get(reverse("oversight:cadre_detail", args=[cadre_member.pk]), PERIOD)
    if response.status_code == 404:
        return set()
    assert response.status_code == 200
    row = response.context["row"]
    return {m.meeting.pk for m in row.meetings} if row else set()


def report_lines(client) -> list[tuple[str, list[str], int]]:
    """The report's lines: the cadre, the branches shown, the meetings expected."""
    response = client.get(reverse("oversight:cadre_report"), PERIOD)
    if response.status_code == 404:
        return []
    assert response.status_code == 200
    return [(r.cadre.full_name, sorted(b.name for b in r.branches), r.expected) for r in response.context["rows"]]


def test_the_report_drops_a_branch_when_the_assignment_ends(staff, cadre, tree, cadre_member):
    song_khe = held(tree.branch, [3, 4, 5])
    phu_thinh = held(tree.sibling, [3, 4])
    ending = services.cadres.assignment_create(
        cadre=cadre_member, title=TITLE, branch=tree.branch, started_on=D(2026, 1, 1), by=staff.user
    )
    services.cadres.assignment_create(
        cadre=cadre_member, title=TITLE, branch=tree.sibling, started_on=D(2026, 1, 1), by=staff.user
    )
    everything = {m.pk for m in song_khe + phu_thinh}
    both = ["Chi bộ thôn Phú Thịnh", "Chi bộ thôn Song Khê"]
    assert report_lines(cadre) == [("Trần Văn Cán", both, 5)]
    assert detail_meetings(cadre, cadre_member) == everything

    services.cadres.assignment_end(assignment=ending, ended_on=D(2026, 6, 30), by=staff.user)
    assert report_lines(cadre) == [("Trần Văn Cán", ["Chi bộ thôn Phú Thịnh"], 2)]
    assert detail_meetings(cadre, cadre_member) == {m.pk for m in phu_thinh}
    # The commune still sees the cadre's whole record, Song Khê included.
    assert report_lines(staff) == [("Trần Văn Cán", both, 5)]
    assert detail_meetings(staff, cadre_member) == everything


def test_with_its_last_assignment_ended_the_cadre_has_no_report(staff, cadre, tree, cadre_member):
    held(tree.branch, [3])
    assignment = services.cadres.assignment_create(
        cadre=cadre_member, title=TITLE, branch=tree.branch, started_on=D(2026, 1, 1), by=staff.user
    )
    assert cadre.get(reverse("oversight:cadre_report"), PERIOD).status_code == 200
    services.cadres.assignment_end(assignment=assignment, ended_on=D(2026, 6, 30), by=staff.user)
    assert cadre.get(reverse("oversight:cadre_report"), PERIOD).status_code == 404
    assert cadre.get(reverse("oversight:cadre_detail", args=[cadre_member.pk]), PERIOD).status_code == 404


def test_an_assignment_that_ran_out_shows_nothing_even_with_the_role_left(cadre, tree, cadre_member):
    """Entered with its end date (the role stays until someone removes it): past its end, nothing."""
    held(tree.branch, [3])
    CadreAssignment.objects.create(
        cadre=cadre_member, title=TITLE, branch=tree.branch, started_on=D(2026, 1, 1), ended_on=D(2026, 10, 31)
    )
    assert cadre.get(reverse("oversight:cadre_report"), PERIOD).status_code == 404
    assert cadre.get(reverse("oversight:cadre_detail", args=[cadre_member.pk]), PERIOD).status_code == 404


# --- The calendar feed -----------------------------------------------------------------------------


def feed_meetings(client: Client, user) -> set[int]:
    feed = feed_create(user=user)
    response = client.get(reverse("meetings:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")]
    return {int(uid.removeprefix("meeting-").removesuffix("@chibo")) for uid in uids}


def test_every_meeting_in_a_feed_opens_for_its_user(tree, staff, secretary, cadre, plain_member, outsider, leader):
    """The feed answers from the pages' rules: nothing in it is a 404 for the user it belongs to."""
    for branch in (tree.branch, tree.sibling, tree.other_branch):
        make_meeting(branch, day=D(2026, 12, 5))
    guest_elsewhere = make_meeting(tree.other_branch, day=D(2027, 1, 9))
    member = plain_member.user.member
    guest_elsewhere.guests.create(cadre=member, name=member.full_name, expected=True)
    for client in (staff, secretary, cadre, plain_member, outsider, leader):
        for pk in feed_meetings(Client(), client.user):
            assert client.get(reverse("meetings:detail", args=[pk])).status_code == 200, (client.user, pk)
    assert guest_elsewhere.pk not in feed_meetings(Client(), plain_member.user)


def test_the_feed_of_a_moved_secretary_drops_the_old_branch_at_once(staff, tree):
    user = UserFactory(username="bi-thu")
    give_role(user, RoleKind.SECRETARY, tree.branch)
    give_role(user, RoleKind.MEMBER, tree.branch)
    member = MemberFactory(branch=tree.branch, user=user)
    Position.objects.create(member=member, branch=tree.branch, kind=PositionKind.SECRETARY, started_on=D(2021, 1, 1))
    old = make_meeting(tree.branch, day=D(2026, 12, 5))
    new = make_meeting(tree.sibling, day=D(2026, 12, 6))
    anonymous = Client()
    feed = feed_create(user=user)
    url = reverse("meetings:calendar_feed", args=[feed.token])

    def listed():
        events = icalendar.Calendar.from_ical(anonymous.get(url).content).walk("VEVENT")
        return {str(e["UID"]) for e in events}

    assert listed() == {f"meeting-{old.pk}@chibo"}
    data = {
        "full_name": member.full_name,
        "branch": tree.sibling.pk,
        "status": "full",
        "admitted_on": "2000-01-10",
        "full_member_on": "2001-01-10",
        "ethnicity": "Kinh",
        "party_card_number": member.party_card_number,
    }
    assert staff.post(reverse("members:edit", args=[member.pk]), data).status_code == 302
    # The same link, without anything done to it: now the new branch, and never the old one.
    assert listed() == {f"meeting-{new.pk}@chibo"}


def test_the_feed_of_a_cadre_stops_when_the_assignment_ends(staff, tree):
    user = UserFactory(username="can-bo")
    cadre_member = MemberFactory(branch=tree.sibling, user=user)
    give_role(user, RoleKind.MEMBER, tree.sibling)
    # A meeting inside the assignment's dates: only the ended role can take it off the feed.
    followed = make_meeting(tree.branch, day=D(2026, 11, 5))
    assignment = services.cadres.assignment_create(
        cadre=cadre_member, title=TITLE, branch=tree.branch, started_on=D(2026, 1, 1), by=staff.user
    )
    page = Client()
    page.force_login(user)
    detail = reverse("meetings:detail", args=[followed.pk])
    assert followed.pk in feed_meetings(Client(), user)
    assert page.get(detail).status_code == 200
    services.cadres.assignment_end(assignment=assignment, ended_on=D(2026, 11, 23), by=staff.user)
    assert followed.pk not in feed_meetings(Client(), user)
    assert page.get(detail).status_code == 404


def test_a_cadre_role_ends_with_an_assignment_that_runs_out_by_date(staff, tree, cadre, cadre_member, time_machine):
    """Entered with an end date, the assignment gives the role until then; the daily task takes it
    away after. A role given by an administrator without any assignment stays."""
    meeting = make_meeting(tree.sibling, day=D(2026, 11, 5))
    services.cadres.assignment_create(
        cadre=cadre_member,
        title=TITLE,
        branch=tree.sibling,
        started_on=D(2026, 1, 1),
        ended_on=D(2026, 11, 30),
        by=staff.user,
    )
    detail = reverse("meetings:detail", args=[meeting.pk])
    assert cadre.get(detail).status_code == 200
    assert expire_cadre_roles() == 0  # still running on 23/11
    time_machine.move_to(datetime.datetime(2026, 12, 1, 0, 20, tzinfo=TZ), tick=False)
    assert expire_cadre_roles() == 1
    assert expire_cadre_roles() == 0
    assert cadre.get(detail).status_code == 404
    # The persona's own cadre role at Song Khê came with no assignment: left alone.
    assert Role.objects.filter(user=cadre.user, kind=RoleKind.CADRE, organization=tree.branch).exists()


def test_an_assignment_entered_after_it_ended_gives_no_role(staff, tree, cadre_member):
    services.cadres.assignment_create(
        cadre=cadre_member,
        title=TITLE,
        branch=tree.sibling,
        started_on=D(2026, 1, 1),
        ended_on=D(2026, 6, 30),
        by=staff.user,
    )
    assert not Role.objects.filter(user=cadre_member.user, organization=tree.sibling, kind=RoleKind.CADRE).exists()
