"""iCal: an .ics per meeting and each user's subscription feed."""

import datetime
import zoneinfo

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import access
from meetings.access import expected_meetings
from meetings.calendars import feed_create, feed_revoke
from meetings.models import AgendaItem, CadreAssignment, CalendarFeed, Guest, MeetingKind, MeetingStatus
from members.models import LeaveReason, RoleKind

from ..factories import MemberFactory, UserFactory, give_role
from .conftest import at, make_meeting

pytestmark = [pytest.mark.django_db, pytest.mark.system_scope]

D = datetime.date
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = at(D(2026, 11, 20), 10)


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


# --- One meeting ----------------------------------------------------------------------------------


def test_meeting_ics_parses_with_the_right_times_and_vietnamese_text(secretary, meeting):
    for position, title in enumerate(["Tuyên bố lý do, giới thiệu đại biểu", "Điểm danh", "Đảng viên thảo luận"]):
        AgendaItem.objects.create(meeting=meeting, position=position, title=title)
    response = secretary.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]

    calendar = icalendar.Calendar.from_ical(response.content)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Ho_Chi_Minh"
    [event] = calendar.walk("VEVENT")
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime.datetime(2026, 12, 5, 19, 30, tzinfo=TZ)
    assert end == datetime.datetime(2026, 12, 5, 21, 30, tzinfo=TZ)
    assert start.utcoffset() == datetime.timedelta(hours=7)
    assert start.astimezone(datetime.UTC).hour == 12
    assert event["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert str(event["UID"]) == f"meeting-{meeting.pk}@chibo"
    assert str(event["SUMMARY"]) == "Sinh hoạt chi bộ thường kỳ tháng 12/2026 – Chi bộ thôn Song Khê"
    assert str(event["LOCATION"]) == "Nhà văn hóa thôn Song Khê"
    description = str(event["DESCRIPTION"])
    assert "1. Tuyên bố lý do, giới thiệu đại biểu\n2. Điểm danh\n3. Đảng viên thảo luận" in description
    assert description.endswith(f"/meetings/{meeting.pk}/")
    assert str(event["STATUS"]) == "TENTATIVE"  # still a draft


def test_the_uid_is_stable_and_a_move_bumps_the_sequence(secretary, meeting):
    first = _events(secretary.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content)[0]
    new_start = at(D(2026, 12, 6), 8)
    meeting.moves.create(
        old_start=meeting.planned_start, new_start=new_start, reason="Trùng lịch họp xã", moved_by=secretary.user
    )
    meeting.planned_start, meeting.planned_end = new_start, new_start + datetime.timedelta(hours=2)
    meeting.save()
    second = _events(secretary.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content)[0]
    assert first["UID"] == second["UID"]
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)
    assert second.decoded("DTSTART") == datetime.datetime(2026, 12, 6, 8, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("kind", "status", "topic", "summary", "ical_status"),
    [
        (MeetingKind.REGULAR, MeetingStatus.NOTICE_SENT, "", "Sinh hoạt chi bộ thường kỳ tháng 12/2026", "CONFIRMED"),
        (MeetingKind.THEMATIC, MeetingStatus.HELD, "Nông thôn mới", "Sinh hoạt chuyên đề tháng 12/2026", "CONFIRMED"),
        (
            MeetingKind.COMBINED,
            MeetingStatus.ADOPTED,
            "",
            "Sinh hoạt chi bộ thường kỳ kết hợp chuyên đề tháng 12/2026",
            "CONFIRMED",
        ),
        (MeetingKind.EXTRAORDINARY, MeetingStatus.POSTPONED, "", "[Hoãn] Sinh hoạt chi bộ bất thường", "TENTATIVE"),
        (MeetingKind.REGULAR, MeetingStatus.CANCELLED, "", "[Hủy] Sinh hoạt chi bộ thường kỳ", "CANCELLED"),
    ],
)
def test_summary_and_status_by_kind(secretary, tree, kind, status, topic, summary, ical_status):
    meeting = make_meeting(tree.branch, kind=kind, status=status, topic=topic, status_reason="Mưa bão")
    [event] = _events(secretary.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content)
    assert str(event["SUMMARY"]).startswith(summary)
    assert str(event["STATUS"]) == ical_status
    if topic:
        assert f"Chuyên đề: {topic}" in str(event["DESCRIPTION"])


def test_a_held_meeting_shows_when_it_really_took_place(secretary, tree):
    meeting = make_meeting(
        tree.branch,
        status=MeetingStatus.HELD,
        actual_start=at(D(2026, 12, 5), 19, 45),
        actual_end=at(D(2026, 12, 5), 21, 50),
    )
    [event] = _events(secretary.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content)
    assert event.decoded("DTSTART") == datetime.datetime(2026, 12, 5, 19, 45, tzinfo=TZ)
    assert event.decoded("DTEND") == datetime.datetime(2026, 12, 5, 21, 50, tzinfo=TZ)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("secretary", 200),
        ("staff", 200),
        ("leader", 200),
        ("cadre", 200),
        ("plain_member", 200),
        ("outsider", 404),
    ],
)
def test_scope_of_the_meeting_ics(request, meeting, persona, status):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).status_code == status


def test_meeting_ics_needs_a_login_and_a_real_meeting(client, secretary, meeting, other_meeting):
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 302
    assert secretary.get(reverse("meetings:meeting_ics", args=[other_meeting.pk])).status_code == 404
    assert secretary.get(reverse("meetings:meeting_ics", args=[999_999])).status_code == 404


# --- Who is expected where ------------------------------------------------------------------------


@pytest.fixture
def person(tree):
    """A member of Song Khê with a login: cadre of Phú Thịnh for a while, secretary of nothing yet."""
    user = UserFactory(username="nguoidung")
    member = MemberFactory(branch=tree.branch, full_name="Phạm Văn Đức", user=user)
    give_role(user, RoleKind.MEMBER, tree.branch)
    give_role(user, RoleKind.CADRE, tree.sibling)
    return user, member


@time_machine.travel(NOW, tick=False)
def test_feed_lists_only_the_meetings_the_user_is_expected_at(tree, person):
    user, member = person
    own = make_meeting(tree.branch, D(2026, 12, 5))
    own_cancelled = make_meeting(tree.branch, D(2026, 11, 5), status=MeetingStatus.CANCELLED)
    too_old = make_meeting(tree.branch, D(2026, 1, 5))
    sibling_dec = make_meeting(tree.sibling, D(2026, 12, 5))
    sibling_jan = make_meeting(tree.sibling, D(2027, 1, 5))
    sibling_feb = make_meeting(tree.sibling, D(2027, 2, 5))
    elsewhere = make_meeting(tree.other_branch, D(2026, 12, 5))
    elsewhere_as_guest = make_meeting(tree.other_branch, D(2027, 1, 9))
    Guest.objects.create(meeting=elsewhere_as_guest, cadre=member, name=member.full_name, expected=True)
    Guest.objects.create(meeting=elsewhere, name="Ông Hàng xóm")  # someone else's guest row
    CadreAssignment.objects.create(
        cadre=member, title="Đảng ủy viên", branch=tree.sibling, started_on=D(2027, 1, 1), ended_on=D(2027, 1, 31)
    )

    assert set(expected_meetings(user)) == {own, own_cancelled, sibling_jan}
    assert too_old not in expected_meetings(user)
    # A guest row in another commune gives no scope there: the feed never links to a page that is a 404.
    assert not {sibling_dec, sibling_feb, elsewhere, elsewhere_as_guest} & set(expected_meetings(user))


@time_machine.travel(NOW, tick=False)
def test_the_feed_ends_with_the_scope(tree, person):
    """Roles removed: the meetings page shows nothing, and neither does the calendar feed."""
    user, member = person
    own = make_meeting(tree.branch, D(2026, 12, 5))
    assert list(expected_meetings(user)) == [own]
    user.roles.all().delete()
    access.forget_roles(user)
    assert list(access.meetings(user)) == []
    assert list(expected_meetings(user)) == []


@time_machine.travel(NOW, tick=False)
def test_secretary_role_brings_the_branch_meetings(tree):
    user = UserFactory(username="bithu")
    give_role(user, RoleKind.SECRETARY, tree.sibling)
    give_role(user, RoleKind.LEADER, tree.commune)  # reading rights do not make one expected
    sibling = make_meeting(tree.sibling, D(2026, 12, 5))
    make_meeting(tree.branch, D(2026, 12, 5))
    assert list(expected_meetings(user)) == [sibling]


@time_machine.travel(NOW, tick=False)
def test_a_member_who_left_is_no_longer_expected(tree, person):
    user, member = person
    make_meeting(tree.branch, D(2026, 12, 5))
    member.left_on, member.leave_reason = D(2026, 10, 1), LeaveReason.TRANSFER
    member.save()
    assert list(expected_meetings(user)) == []


def test_a_user_without_member_or_role_expects_nothing(tree, meeting):
    assert list(expected_meetings(UserFactory(username="khach"))) == []


# --- The feed URL ---------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_feed_needs_no_login_only_the_token(client, tree, person):
    user, _member = person
    meeting = make_meeting(tree.branch, D(2026, 12, 5))
    make_meeting(tree.other_branch, D(2026, 12, 5))
    feed = feed_create(user=user)
    response = client.get(reverse("meetings:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Lịch sinh hoạt chi bộ"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@chibo"
    assert event.decoded("DTSTART") == datetime.datetime(2026, 12, 5, 19, 30, tzinfo=TZ)


def test_revoked_token_is_404(client, person):
    user, _member = person
    feed = feed_create(user=user)
    url = reverse("meetings:calendar_feed", args=[feed.token])
    assert client.get(url).status_code == 200
    feed_revoke(feed=feed)
    assert client.get(url).status_code == 404


def test_unknown_token_is_404(client, person):
    feed_create(user=person[0])
    assert client.get(reverse("meetings:calendar_feed", args=["not-a-real-token"])).status_code == 404


def test_a_deactivated_users_feed_is_404(client, person):
    user, _member = person
    feed = feed_create(user=user)
    user.is_active = False
    user.save()
    assert client.get(reverse("meetings:calendar_feed", args=[feed.token])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_feed_query_count_does_not_grow_with_meetings(client, tree, person):
    user, member = person
    feed = feed_create(user=user)
    CadreAssignment.objects.create(cadre=member, title="Đảng ủy viên", branch=tree.sibling, started_on=D(2026, 1, 1))
    counts = []
    for months in ((12,), (1, 2, 3, 4, 5, 6)):
        for month in months:
            for branch in (tree.branch, tree.sibling):
                meeting = make_meeting(branch, D(2027, month, 5))
                AgendaItem.objects.create(meeting=meeting, title="Đảng viên thảo luận")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("meetings:calendar_feed", args=[feed.token]))
        counts.append(len(queries))
    assert len(_events(response.content)) == 14
    assert counts[0] == counts[1]


# --- Managing one's links -------------------------------------------------------------------------


def test_create_see_and_revoke_a_feed(plain_member):
    url = reverse("meetings:calendar_feeds")
    assert plain_member.get(url).status_code == 200
    response = plain_member.post(url)
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=plain_member.user)
    page = plain_member.get(url).content.decode()
    assert f"http://testserver/meetings/calendar/{feed.token}.ics" in page
    assert f"webcal://testserver/meetings/calendar/{feed.token}.ics" in page

    response = plain_member.post(reverse("meetings:calendar_feed_revoke", args=[feed.pk]))
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert feed.token not in plain_member.get(url).content.decode()


def test_revoke_is_post_only_and_only_for_ones_own_feeds(plain_member, outsider):
    feed = feed_create(user=plain_member.user)
    revoke = reverse("meetings:calendar_feed_revoke", args=[feed.pk])
    assert plain_member.get(revoke).status_code == 405
    assert outsider.post(revoke).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None
    assert feed.token not in outsider.get(reverse("meetings:calendar_feeds")).content.decode()


def test_managing_feeds_needs_a_login(client):
    response = client.get(reverse("meetings:calendar_feeds"))
    assert response.status_code == 302
    assert CalendarFeed.objects.count() == 0


# --- The alarm the day before ---------------------------------------------------------------------


def _alarms(event) -> list:
    return [component for component in event.subcomponents if component.name == "VALARM"]


def test_the_meeting_ics_carries_an_alarm_the_day_before_and_the_page_links_it(secretary, meeting):
    url = reverse("meetings:meeting_ics", args=[meeting.pk])
    [event] = _events(secretary.get(url).content)
    [alarm] = _alarms(event)
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger") == -datetime.timedelta(days=1)
    assert "TRIGGER:-P1D" in alarm.to_ical().decode()
    assert "Ngày mai" in str(alarm["description"])
    assert f'href="{url}"' in secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()


def test_a_cancelled_meeting_has_no_alarm(secretary, tree):
    meeting = make_meeting(tree.branch, status=MeetingStatus.CANCELLED)
    [event] = _events(secretary.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content)
    assert _alarms(event) == []


def test_the_feed_events_carry_the_alarm(client, tree, person):
    meeting = make_meeting(tree.branch, planned_start=at(D(2026, 12, 5), 19), planned_end=at(D(2026, 12, 5), 21))
    feed = feed_create(user=person[0])
    with time_machine.travel(NOW, tick=False):
        body = client.get(reverse("meetings:calendar_feed", args=[feed.token])).content
    events = {str(event["uid"]): event for event in _events(body)}
    [alarm] = _alarms(events[f"meeting-{meeting.pk}@chibo"])
    assert alarm.decoded("trigger") == -datetime.timedelta(days=1)


def test_outsider_gets_404_on_the_ics_of_a_meeting(outsider, meeting):
    assert outsider.get(reverse("meetings:meeting_ics", args=[meeting.pk])).status_code == 404
