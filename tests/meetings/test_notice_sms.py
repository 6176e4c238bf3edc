"""Every member hears of the meeting (issue 23): members on the register without a login get the
notice and the reminders by SMS on their mobile number; the notice page counts every channel and
lists whom nothing reaches; a member may refuse SMS (recorded)."""

import datetime
import json
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from meetings import reminders
from meetings.models import MeetingMove
from meetings.services.schedule import meeting_move, meeting_send_notice
from meetings.tasks import chase_meetings
from members.models import Member
from members.services.register import member_save
from notifications import dispatch
from notifications.models import ChannelPreference, Notification

from ..factories import MemberFactory, UserFactory
from .conftest import at

pytestmark = pytest.mark.system_scope

D = datetime.date
BEFORE = at(D(2026, 11, 28), 10)  # the meeting fixture: Saturday 5/12/2026, 19:30
SITE = "https://chibo.example.org"


@pytest.fixture
def people(tree, secretary, meeting, settings):
    settings.SITE_URL = SITE
    with_login = MemberFactory(branch=tree.branch, full_name="Nguyễn Văn Có", user=UserFactory(username="co"))
    phone = MemberFactory(branch=tree.branch, full_name="Trần Thị Số", phone="0912 345 678")
    plus84 = MemberFactory(branch=tree.branch, full_name="Lê Văn Quốc", phone="+84 987 654 321")
    no_number = MemberFactory(branch=tree.branch, full_name="Phạm Văn Không", residence="Xóm 3, thôn Song Khê")
    landline = MemberFactory(branch=tree.branch, full_name="Đỗ Thị Bàn", phone="024 3826 1234")
    refused = MemberFactory(branch=tree.branch, full_name="Vũ Văn Từ", phone="0933333333")
    member_save(member=refused, by=secretary.user, sms_opt_out=True)
    left = MemberFactory(
        branch=tree.branch, full_name="Hoàng Đã Đi", phone="0944444444", left_on=D(2026, 11, 1), leave_reason="transfer"
    )
    return type(
        "People",
        (),
        {
            "with_login": with_login,
            "phone": phone,
            "plus84": plus84,
            "no_number": no_number,
            "landline": landline,
            "refused": refused,
            "left": left,
            "secretary": secretary,
        },
    )


def phone_rows(kind, **filters):
    return Notification.objects.filter(kind=kind, recipient__isnull=True, **filters)


@time_machine.travel(BEFORE, tick=False)
def test_members_without_a_login_get_the_notice_and_reminders_by_sms_with_a_full_link(people, meeting):
    meeting_send_notice(meeting=meeting, by=people.secretary.user)

    notices = phone_rows(reminders.NOTICE)
    assert sorted(notices.values_list("address", "recipient_name")) == [
        ("0912345678", "Trần Thị Số"),
        ("0987654321", "Lê Văn Quốc"),
    ]
    link = f"{SITE}/meetings/{meeting.pk}/"
    for row in notices:
        assert row.channel == "sms" and row.status == "pending"
        assert link in row.body and "05/12/2026" in row.body
        assert row.link == f"/meetings/{meeting.pk}/"
    # The reminders 3 days and 1 day before, to the same numbers.
    assert sorted(phone_rows(reminders.REMINDER).values_list("address", "due_at")) == [
        ("0912345678", at(D(2026, 12, 2), 8)),
        ("0912345678", at(D(2026, 12, 4), 8)),
        ("0987654321", at(D(2026, 12, 2), 8)),
        ("0987654321", at(D(2026, 12, 4), 8)),
    ]
    assert all(link in body for body in phone_rows(reminders.REMINDER).values_list("body", flat=True))
    # No number, a landline, a refusal, a member who left: nothing.
    reached = set(Notification.objects.values_list("address", flat=True))
    assert not reached & {"02438261234", "0933333333", "0944444444"}
    # The member with a login is told in the app as before.
    assert Notification.objects.filter(recipient=people.with_login.user, kind=reminders.NOTICE).exists()


@time_machine.travel(BEFORE, tick=False)
def test_a_number_shared_by_two_members_gets_one_sms(tree, people, meeting):
    MemberFactory(branch=tree.branch, full_name="Trần Văn Chồng", phone="0912345678")
    meeting_send_notice(meeting=meeting, by=people.secretary.user)
    shared = phone_rows(reminders.NOTICE, address="0912345678").get()
    assert "Trần Thị Số" in shared.recipient_name and "Trần Văn Chồng" in shared.recipient_name
    assert phone_rows(reminders.REMINDER, address="0912345678").count() == 2


@time_machine.travel(BEFORE, tick=False)
def test_sent_again_or_after_getting_a_login_nothing_goes_twice(people, meeting):
    meeting_send_notice(meeting=meeting, by=people.secretary.user)
    before = sorted(Notification.objects.values_list("dedupe_key", "status"))
    reminders.meeting_notice_sent(meeting)
    assert sorted(Notification.objects.values_list("dedupe_key", "status")) == before

    # Trần Thị Số gets a login (and chose SMS on it too): the same notice and reminders are not
    # sent again to the account, in any channel.
    user = UserFactory(username="so", email="so@example.org")
    ChannelPreference.objects.create(user=user, sms_enabled=True, phone="0912345678")
    Member.objects.filter(pk=people.phone.pk).update(user=user)
    reminders.meeting_notice_sent(meeting)
    reminders.meeting_reminders_schedule(meeting)
    assert not Notification.objects.filter(recipient=user).exists()
    assert sorted(Notification.objects.values_list("dedupe_key", "status")) == before

    # The meeting moves: the old reminders are cancelled and the new ones go to her account only.
    meeting_move(
        meeting=meeting,
        new_start=at(D(2026, 12, 6), 19, 30),
        reason="Trùng lịch họp thôn",
        by=people.secretary.user,
    )
    assert MeetingMove.objects.filter(meeting=meeting).exists()
    old = phone_rows(reminders.REMINDER, address="0912345678")
    assert set(old.values_list("status", flat=True)) == {"cancelled"}
    new = Notification.objects.filter(kind=reminders.REMINDER, status="pending", recipient=user)
    assert set(new.values_list("channel", flat=True)) == {"inbox", "email", "sms"}
    assert not phone_rows(reminders.REMINDER, address="0912345678", status="pending").exists()


def test_a_member_who_leaves_gets_no_more_sms_reminders(people, meeting):
    with time_machine.travel(BEFORE, tick=False):
        meeting_send_notice(meeting=meeting, by=people.secretary.user)
    Member.objects.filter(pk=people.phone.pk).update(left_on=D(2026, 11, 30), leave_reason="transfer")
    with time_machine.travel(at(D(2026, 12, 1), 6), tick=False):
        chase_meetings()
    assert set(phone_rows(reminders.REMINDER, address="0912345678").values_list("status", flat=True)) == {"cancelled"}
    assert set(phone_rows(reminders.REMINDER, address="0987654321").values_list("status", flat=True)) == {"pending"}


def test_an_sms_to_a_number_waits_out_the_quiet_hours_then_reaches_the_gateway(people, meeting, settings, tmp_path):
    settings.SMS_BACKEND = "notifications.channels.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path)
    late = at(D(2026, 11, 28), 22)
    with time_machine.travel(late, tick=False):
        meeting_send_notice(meeting=meeting, by=people.secretary.user)
    ids = list(phone_rows(reminders.NOTICE).values_list("pk", flat=True))
    dispatch.send_many(ids, clock=lambda: late)
    held = phone_rows(reminders.NOTICE)
    assert set(held.values_list("status", flat=True)) == {"pending"}
    assert all(row.due_at == at(D(2026, 11, 29), 7) for row in held)
    assert not (tmp_path / "sms.log").exists()

    morning = at(D(2026, 11, 29), 7, 5)
    dispatch.send_many(ids, clock=lambda: morning)
    assert set(phone_rows(reminders.NOTICE).values_list("status", flat=True)) == {"sent"}
    sent = [json.loads(line) for line in Path(tmp_path / "sms.log").read_text().splitlines()]
    assert sorted(message["to"] for message in sent) == ["0912345678", "0987654321"]
    assert all(f"{SITE}/meetings/{meeting.pk}/" in message["text"] for message in sent)


# --- The notice page ----------------------------------------------------------------------------


@time_machine.travel(BEFORE, tick=False)
def test_the_notice_page_counts_every_channel_and_lists_whom_nothing_reaches(people, meeting):
    response = people.secretary.get(reverse("meetings:send_notice", args=[meeting.pk]))
    assert response.status_code == 200
    # 1 member with a login (in the app), 2 by SMS on the register's number.
    assert response.context["recipients"] == 3
    assert response.context["channels"] == {"email": 0, "sms": 2, "inbox": 1}
    assert response.context["by_phone"] == 2
    html = response.content.decode()
    assert "3 người sẽ nhận" in html
    unreachable = {row["member"].full_name: row["reason"] for row in response.context["unreachable"]}
    assert unreachable == {
        "Phạm Văn Không": "không có số điện thoại trong danh sách",
        "Đỗ Thị Bàn": "số điện thoại trong danh sách không phải số di động",
        "Vũ Văn Từ": "không nhận tin nhắn SMS",
    }
    assert 'id="notice-unreachable"' in html and "Xóm 3" in html
    assert "Hoàng Đã Đi" not in html  # left: not expected
    assert reverse("meetings:notice_unreachable", args=[meeting.pk]) in html

    printable = people.secretary.get(reverse("meetings:notice_unreachable", args=[meeting.pk]))
    assert printable.status_code == 200
    page = printable.content.decode()
    for name in unreachable:
        assert name in page
    assert "data-print" in page


def test_the_printable_list_is_for_those_who_manage_the_meeting(people, meeting, tree):
    outsider = Client()
    outsider.force_login(UserFactory(username="outsider"))
    assert outsider.get(reverse("meetings:notice_unreachable", args=[meeting.pk])).status_code == 404


@pytest.mark.parametrize("extra", [0, 25])
def test_the_notice_page_runs_a_fixed_number_of_queries(people, meeting, tree, extra, django_assert_num_queries):
    for n in range(extra):
        MemberFactory(branch=tree.branch, phone=f"09{n:08d}" if n % 3 else "")
    if extra:
        for n in range(5):
            MemberFactory(branch=tree.branch, user=UserFactory(username=f"more-{n}", email=f"m{n}@example.org"))
    url = reverse("meetings:send_notice", args=[meeting.pk])
    with time_machine.travel(BEFORE, tick=False):
        people.secretary.get(url)  # warm the caches (roles, rules)
        with django_assert_num_queries(QUERIES):
            response = people.secretary.get(url)
    assert response.status_code == 200


QUERIES = 10


@time_machine.travel(BEFORE, tick=False)
def test_the_meeting_page_names_the_numbers_the_notice_went_to(people, meeting):
    people.secretary.post(reverse("meetings:send_notice", args=[meeting.pk]))
    html = people.secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Trần Thị Số (0912345678)" in html


# --- Refusing SMS -------------------------------------------------------------------------------


def form_data(member: Member, **changes) -> dict:
    data = {
        "full_name": member.full_name,
        "branch": member.branch_id,
        "status": member.status,
        "ethnicity": member.ethnicity,
        "party_card_number": member.party_card_number,
        "phone": member.phone,
    }
    if member.admitted_on:
        data["admitted_on"] = member.admitted_on.isoformat()
    if member.full_member_on:
        data["full_member_on"] = member.full_member_on.isoformat()
    return {**data, **changes}


def test_the_secretary_records_a_refusal_of_sms_with_who_and_when(people):
    member, secretary = people.phone, people.secretary
    url = reverse("members:edit", args=[member.pk])
    assert 'name="sms_opt_out"' in secretary.get(url).content.decode()
    with time_machine.travel(at(D(2026, 11, 20), 9), tick=False):
        response = secretary.post(url, form_data(member, sms_opt_out="on"))
    assert response.status_code == 302, response.context["form"].errors
    member.refresh_from_db()
    assert member.sms_opted_out_at == at(D(2026, 11, 20), 9)
    assert member.sms_opted_out_by == secretary.user
    page = secretary.get(reverse("members:member", args=[member.pk])).content.decode()
    assert 'id="sms-opt-out"' in page and "20/11/2026" in page

    # Saved again ticked: the first record stays; unticked: cleared.
    with time_machine.travel(at(D(2026, 11, 25), 9), tick=False):
        secretary.post(url, form_data(member, sms_opt_out="on"))
    member.refresh_from_db()
    assert member.sms_opted_out_at == at(D(2026, 11, 20), 9)
    secretary.post(url, form_data(member))
    member.refresh_from_db()
    assert member.sms_opted_out_at is None and member.sms_opted_out_by is None
    assert member.history.filter(sms_opted_out_at__isnull=False).exists()
