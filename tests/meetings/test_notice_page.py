"""The secretary's "Send the notice": a confirmation saying who gets it and how, then who received it."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from meetings import reminders
from meetings.models import MeetingStatus
from members.models import RoleKind
from notifications.models import ChannelPreference, Notification
from notifications.selectors import channels_for

from ..factories import MemberFactory, UserFactory, give_role
from .conftest import at

BEFORE = at(datetime.date(2026, 11, 20), 9)


@pytest.fixture
def people(tree):
    email = MemberFactory(
        branch=tree.branch, full_name="Nguyễn Thị Email", user=UserFactory(username="e", email="e@example.org")
    )
    both = MemberFactory(
        branch=tree.branch, full_name="Trần Văn Cả", user=UserFactory(username="b", email="b@example.org")
    )
    ChannelPreference.objects.create(user=both.user, email_enabled=True, sms_enabled=True, phone="0912345678")
    inbox = MemberFactory(branch=tree.branch, full_name="Lê Văn Hộp", user=UserFactory(username="i"))
    ChannelPreference.objects.create(user=inbox.user, email_enabled=False, sms_enabled=True, phone="không có")
    MemberFactory(branch=tree.branch)  # no account: not counted
    return email, both, inbox


def test_channels_for_reads_the_preferences_in_one_query(people, django_assert_num_queries):
    users = [member.user for member in people]
    with django_assert_num_queries(1):
        found = channels_for(users)
    email, both, inbox = people
    assert found == {
        email.user_id: {"inbox", "email"},
        both.user_id: {"inbox", "email", "sms"},
        inbox.user_id: {"inbox"},
    }


@time_machine.travel(BEFORE, tick=False)
def test_get_asks_for_confirmation_with_the_counts_and_sends_nothing(secretary, meeting, people):
    assert set(u.pk for u in reminders.notice_recipients(meeting)) == {m.user_id for m in people}
    response = secretary.get(reverse("meetings:send_notice", args=[meeting.pk]))
    assert response.status_code == 200
    assert response.context["recipients"] == 3
    assert response.context["channels"] == {"email": 2, "sms": 1, "inbox": 3}
    html = response.content.decode()
    assert "3 người sẽ nhận" in html or "3 people" in html
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT
    assert not Notification.objects.exists()
    # The meeting page's button leads to this page.
    page = secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert f'href="{reverse("meetings:send_notice", args=[meeting.pk])}"' in page


@time_machine.travel(BEFORE, tick=False)
def test_post_sends_and_the_meeting_page_shows_who_received_it(secretary, meeting, people, tree):
    response = secretary.post(reverse("meetings:send_notice", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NOTICE_SENT
    notices = Notification.objects.filter(kind=reminders.NOTICE)
    assert notices.count() == 6  # 3 inbox, 2 email, 1 SMS
    page = secretary.get(reverse("meetings:detail", args=[meeting.pk]))
    rows = list(page.context["notice_rows"])
    assert len(rows) == 6
    html = page.content.decode()
    assert 'id="notice-recipients"' in html
    for name in ("Nguyễn Thị Email", "Trần Văn Cả", "Lê Văn Hộp"):
        assert name in html
    # A second GET of the confirmation is refused plainly: the notice is already sent.
    again = secretary.get(reverse("meetings:send_notice", args=[meeting.pk]))
    assert again.status_code == 302


@time_machine.travel(BEFORE, tick=False)
def test_members_do_not_see_the_recipients(tree, meeting, people, secretary):
    secretary.post(reverse("meetings:send_notice", args=[meeting.pk]))
    member = people[0]
    give_role(member.user, RoleKind.MEMBER, tree.branch)
    client = Client()
    client.force_login(member.user)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert page.status_code == 200
    assert 'id="notice-recipients"' not in page.content.decode()
