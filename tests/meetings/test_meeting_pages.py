"""The meeting pages: list, create, the meeting page's actions; scope and query counts. (The meeting
page itself is portal's: tests/portal/test_meeting_page.py.)"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import (
    DEFAULT_AGENDA,
    AgendaItemKind,
    Attachment,
    Guidance,
    Meeting,
    MeetingKind,
    MeetingStatus,
)

from ..factories import MemberFactory, UserFactory
from .conftest import TZ, at, make_meeting

pytestmark = pytest.mark.system_scope

D = datetime.date


def english(client):
    """Messages are checked in their English msgid: the user chose English (the language cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- Scope: every page that takes an id ----------------------------------------------------------


@pytest.fixture
def objects(tree, meeting, settings, tmp_path):
    """A meeting with an agenda item, a file and a guidance, all of Chi bộ thôn Song Khê / xã Tam Hưng."""
    settings.MEDIA_ROOT = tmp_path
    item = services.agenda.agenda_item_add(meeting=meeting, title="Báo cáo", kind=AgendaItemKind.REPORT)
    staff_user = UserFactory(username="publisher")
    guidance = Guidance.objects.create(
        organization=tree.commune, month=D(2026, 12, 1), title="Định hướng", body="…", published_by=staff_user
    )
    attachment = Attachment.objects.create(
        agenda_item=item,
        file="meetings/x.pdf",
        name="x.pdf",
        content_type="application/pdf",
        size=1,
        uploaded_by=staff_user,
    )
    return {
        "meeting": meeting.pk,
        "item": item.pk,
        "attachment": attachment.pk,
        "guidance": guidance.pk,
        "org": tree.commune.pk,
    }


PAGES = [
    ("meetings:detail", "meeting", "get"),
    ("meetings:edit", "meeting", "get"),
    ("meetings:move", "meeting", "get"),
    ("meetings:cancel", "meeting", "get"),
    ("meetings:postpone", "meeting", "get"),
    ("meetings:mark_held", "meeting", "get"),
    ("meetings:send_notice", "meeting", "post"),
    ("meetings:agenda_add", "meeting", "post"),
    ("meetings:agenda_copy_last", "meeting", "post"),
    ("meetings:agenda_edit", "item", "get"),
    ("meetings:agenda_delete", "item", "post"),
    ("meetings:attachment_upload", "item", "get"),
    ("meetings:attachment_download", "attachment", "get"),
    ("meetings:attachment_delete", "attachment", "post"),
    ("meetings:guidance_detail", "guidance", "get"),
    ("meetings:guidance_upload", "guidance", "post"),
    ("meetings:agenda_template", "org", "get"),
]
MANAGE_PAGES = [page for page in PAGES if page[0] not in ("meetings:detail", "meetings:attachment_download")]
MANAGE_PAGES = [page for page in MANAGE_PAGES if not page[0].startswith("meetings:guidance")]
MANAGE_PAGES = [page for page in MANAGE_PAGES if page[0] != "meetings:agenda_template"]


def _hit(client, name, key, method, objects):
    url = reverse(name, args=[objects[key]])
    return client.post(url) if method == "post" else client.get(url)


@pytest.mark.parametrize("persona", ["leader", "plain_member", "cadre"])
@pytest.mark.parametrize(("name", "key", "method"), MANAGE_PAGES)
def test_leaders_members_and_cadres_only_read(request, objects, persona, name, key, method):
    client = request.getfixturevalue(persona)
    assert _hit(client, name, key, method, objects).status_code == 404
    assert client.get(reverse("meetings:detail", args=[objects["meeting"]])).status_code == 200


def test_a_secretary_cannot_touch_another_branchs_meeting(secretary, tree):
    other = make_meeting(tree.sibling)
    for name, _key, method in PAGES[:9]:
        url = reverse(name, args=[other.pk])
        response = secretary.post(url, {"reason": "x"}) if method == "post" else secretary.get(url)
        assert response.status_code == 404, name
    assert secretary.post(reverse("meetings:cancel", args=[other.pk]), {"reason": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.status == MeetingStatus.DRAFT


# --- The list ---------------------------------------------------------------------------------------


def test_the_list_shows_meetings_in_scope_newest_first(secretary, staff, tree):
    older = make_meeting(tree.branch, day=D(2026, 11, 5))
    newer = make_meeting(tree.branch, day=D(2026, 12, 5))
    sibling = make_meeting(tree.sibling, day=D(2026, 12, 6))
    elsewhere = make_meeting(tree.other_branch, day=D(2026, 12, 7))
    assert list(secretary.get(reverse("meetings:list")).context["page"]) == [newer, older]
    assert list(staff.get(reverse("meetings:list")).context["page"]) == [sibling, newer, older]
    assert elsewhere not in staff.get(reverse("meetings:list")).context["page"]
    html = secretary.get(reverse("meetings:list")).content.decode()
    assert "05/12/2026 19:30" in html


def test_the_list_filters_by_branch_and_month(staff, tree):
    december = make_meeting(tree.branch, day=D(2026, 12, 5))
    make_meeting(tree.branch, day=D(2026, 11, 5))
    sibling = make_meeting(tree.sibling, day=D(2026, 12, 6))
    page = staff.get(reverse("meetings:list"), {"month": "2026-12"}).context["page"]
    assert list(page) == [sibling, december]
    page = staff.get(reverse("meetings:list"), {"month": "2026-12", "branch": tree.branch.pk}).context["page"]
    assert list(page) == [december]


def test_the_list_is_paginated(secretary, tree):
    for month in range(1, 13):
        make_meeting(tree.branch, day=D(2025, month, 5))
        make_meeting(tree.branch, day=D(2026, month, 5))
        make_meeting(tree.branch, day=D(2024, month, 5))
    first = secretary.get(reverse("meetings:list")).context["page"]
    assert (len(first), first.paginator.count, first.object_list[0].month) == (30, 36, D(2026, 12, 1))
    assert len(secretary.get(reverse("meetings:list"), {"page": 2}).context["page"]) == 6


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_list_runs_the_same_queries_for_3_or_30_meetings(staff, tree):
    for month in range(1, 4):
        make_meeting(tree.branch, day=D(2026, month, 5))
    small = _queries(staff, reverse("meetings:list"))
    for month in range(4, 13):
        make_meeting(tree.branch, day=D(2026, month, 5))
        make_meeting(tree.sibling, day=D(2026, month, 6))
        make_meeting(tree.sibling, day=D(2025, month, 6))
    assert _queries(staff, reverse("meetings:list")) == small
    assert small <= 8


# --- Creating -------------------------------------------------------------------------------------


def _create_data(branch, **extra):
    return {
        "branch": branch.pk,
        "kind": MeetingKind.REGULAR,
        "day": "2026-12-05",
        "start_time": "19:30",
        "end_time": "21:30",
        "place": "",
        "topic": "",
        **extra,
    }


def test_secretary_prepares_next_months_meeting_from_the_template(secretary, tree):
    page = secretary.get(reverse("meetings:create"), {"branch": tree.branch.pk})
    assert page.status_code == 200
    assert "held" not in page.context["form"].fields  # only commune staff log reported meetings
    response = secretary.post(reverse("meetings:create"), _create_data(tree.branch, held="on"))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    assert (meeting.planned_start, meeting.planned_end) == (at(D(2026, 12, 5), 19, 30), at(D(2026, 12, 5), 21, 30))
    assert (meeting.month, meeting.status, meeting.logged_by_commune) == (D(2026, 12, 1), MeetingStatus.DRAFT, False)
    assert meeting.place == "Nhà văn hóa thôn Song Khê"
    assert meeting.agenda_items.count() == len(DEFAULT_AGENDA)


def test_secretary_cannot_create_for_another_branch(secretary, tree):
    assert secretary.get(reverse("meetings:create"), {"branch": tree.sibling.pk}).status_code == 404
    response = secretary.post(reverse("meetings:create"), _create_data(tree.sibling))
    assert response.status_code == 200 and "branch" in response.context["form"].errors
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "plain_member", "cadre"])
def test_readers_cannot_create(request, persona):
    assert request.getfixturevalue(persona).get(reverse("meetings:create")).status_code == 404


@time_machine.travel(datetime.datetime(2026, 12, 6, 9, tzinfo=TZ), tick=False)  # after it was held
def test_commune_staff_log_a_meeting_a_branch_reported(staff, tree):
    response = staff.post(reverse("meetings:create"), _create_data(tree.sibling, held="on"))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.branch, meeting.status, meeting.logged_by_commune) == (tree.sibling, MeetingStatus.HELD, True)
    assert meeting.duration_minutes == 120


def test_a_second_regular_meeting_in_a_month_is_refused_plainly(secretary, tree):
    make_meeting(tree.branch, day=D(2026, 12, 5))
    response = english(secretary).post(reverse("meetings:create"), _create_data(tree.branch, day="2026-12-19"))
    assert response.status_code == 200
    assert "already has a regular meeting for 12/2026" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_a_thematic_meeting_needs_a_topic_and_end_after_start(secretary, tree):
    response = secretary.post(
        reverse("meetings:create"), _create_data(tree.branch, kind=MeetingKind.THEMATIC, end_time="19:00")
    )
    assert set(response.context["form"].errors) == {"topic", "end_time"}
    assert not Meeting.objects.exists()


# --- Actions on the meeting page ---------------------------------------------------------------------


def test_moving_through_the_page_keeps_the_old_date_and_reason(secretary, meeting):
    url = reverse("meetings:move", args=[meeting.pk])
    assert secretary.get(url).context["form"].initial["day"] == D(2026, 12, 5)
    response = secretary.post(
        url, {"day": "2026-12-06", "start_time": "08:00", "end_time": "10:00", "reason": "Trùng lịch họp thôn"}
    )
    assert response.status_code == 302
    move = meeting.moves.get()
    assert (move.old_start, move.new_start, move.reason) == (
        at(D(2026, 12, 5), 19, 30),
        at(D(2026, 12, 6), 8),
        "Trùng lịch họp thôn",
    )
    html = english(secretary).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Moved from 05/12/2026 19:30 to 06/12/2026 08:00: Trùng lịch họp thôn" in html


def test_moving_without_a_reason_is_refused(secretary, meeting):
    url = reverse("meetings:move", args=[meeting.pk])
    response = secretary.post(url, {"day": "2026-12-06", "start_time": "08:00", "end_time": "10:00", "reason": " "})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not meeting.moves.exists()


@pytest.mark.parametrize(
    ("name", "status"), [("meetings:cancel", MeetingStatus.CANCELLED), ("meetings:postpone", MeetingStatus.POSTPONED)]
)
def test_cancel_and_postpone_through_the_page(secretary, meeting, name, status):
    response = secretary.post(reverse(name, args=[meeting.pk]), {"reason": "Bão số 3"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_reason) == (status, "Bão số 3")
    assert "Bão số 3" in secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()


def test_send_notice_through_the_page(secretary, meeting):
    assert secretary.get(reverse("meetings:send_notice", args=[meeting.pk])).status_code == 200  # the confirmation
    secretary.post(reverse("meetings:send_notice", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NOTICE_SENT and meeting.notice_sent_at is not None
    response = english(secretary).post(reverse("meetings:send_notice", args=[meeting.pk]), follow=True)
    assert "draft" in response.content.decode()  # refused plainly the second time


@time_machine.travel(datetime.datetime(2026, 12, 5, 21, 30, tzinfo=TZ), tick=False)  # as it ends
def test_mark_held_through_the_page(secretary, meeting):
    response = secretary.post(
        reverse("meetings:mark_held", args=[meeting.pk]),
        {"day": "2026-12-05", "start_time": "19:35", "end_time": "21:10"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.actual_start, meeting.duration_minutes) == (
        MeetingStatus.HELD,
        at(D(2026, 12, 5), 19, 35),
        95,
    )


def test_edit_sets_chair_and_minute_taker_from_the_branch(secretary, meeting, song_khe_members, tree):
    outsider_member = MemberFactory(branch=tree.sibling)
    url = reverse("meetings:edit", args=[meeting.pk])
    chair, taker = song_khe_members[0], song_khe_members[1]
    data = {
        "kind": "combined",
        "place": "Hội trường",
        "topic": "Nông thôn mới",
        "chair": chair.pk,
        "minute_taker": taker.pk,
    }
    assert secretary.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.kind, meeting.place, meeting.topic, meeting.chair, meeting.minute_taker) == (
        "combined",
        "Hội trường",
        "Nông thôn mới",
        chair,
        taker,
    )
    response = secretary.post(url, {**data, "chair": outsider_member.pk})
    assert "chair" in response.context["form"].errors
