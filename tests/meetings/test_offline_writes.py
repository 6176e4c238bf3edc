"""Writes sent with an Idempotency-Key (meetings.offline): applied once, answered the same; the
last tap wins until adoption; after adoption nothing is applied and the secretary sees why."""

import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Attendance, KeyedWrite, MeetingStatus, Speech
from meetings.tasks import purge_keyed_writes

from ..factories import MemberFactory

pytestmark = pytest.mark.system_scope


@pytest.fixture
def member(tree):
    return MemberFactory(branch=tree.branch, full_name="Phạm Văn Đức")


def mark_url(meeting, member):
    return reverse("meetings:roll_mark", args=[meeting.pk, member.pk])


def ms(moment: datetime.datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def keyed(client, url, data, *, key=None, tapped=None, htmx=True):
    headers = {"Idempotency-Key": str(key or uuid.uuid4())}
    if tapped is not None:
        headers["X-Tapped-At"] = ms(tapped)
    if htmx:
        headers["HX-Request"] = "true"
    return client.post(url, data, headers=headers)


def marks(meeting, member):
    return list(Attendance.objects.filter(meeting=meeting, member=member).values_list("mark", "reason"))


def test_the_same_key_twice_applies_one_mark_and_answers_the_same(secretary, meeting, member):
    key = uuid.uuid4()
    first = keyed(secretary, mark_url(meeting, member), {"mark": "present"}, key=key)
    # Meanwhile the mark was changed on the page: the retry must not set it back.
    keyed(secretary, mark_url(meeting, member), {"mark": "late"})
    again = keyed(secretary, mark_url(meeting, member), {"mark": "present"}, key=key)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert marks(meeting, member) == [("late", "")]
    assert Attendance.history.count() == 2
    assert KeyedWrite.objects.filter(key=key).count() == 1


def test_a_redirect_is_answered_again_as_a_redirect(secretary, meeting, member):
    key = uuid.uuid4()
    first = keyed(secretary, mark_url(meeting, member), {"mark": "present"}, key=key, htmx=False)
    again = keyed(secretary, mark_url(meeting, member), {"mark": "present"}, key=key, htmx=False)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Attendance.history.count() == 1


def test_a_speech_sent_twice_is_recorded_once(secretary, meeting):
    item = AgendaItem.objects.create(meeting=meeting, title="Tình hình thôn", position=1)
    url = reverse("meetings:speech_add", args=[meeting.pk, item.pk])
    key = uuid.uuid4()
    data = {"speaker_name": "Đồng chí Hùng", "text": "Đề nghị sửa đường."}
    first = keyed(secretary, url, data, key=key)
    again = keyed(secretary, url, data, key=key)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert Speech.objects.filter(agenda_item=item).count() == 1


def test_a_later_tap_wins_whatever_the_order_of_arrival(secretary, staff, meeting, member):
    now = timezone.now()
    earlier, later = now - datetime.timedelta(minutes=5), now - datetime.timedelta(minutes=1)
    # The later tap (staff, online) arrives first; the earlier one (the secretary's offline phone) after.
    keyed(staff, mark_url(meeting, member), {"mark": "late"}, tapped=later)
    stale = keyed(secretary, mark_url(meeting, member), {"mark": "unexcused"}, tapped=earlier)
    assert marks(meeting, member) == [("late", "")]
    assert stale.status_code == 200
    assert stale["X-Chibo-Not-Applied"] == "stale"
    assert "Not applied" in stale.content.decode() or "Không áp dụng" in stale.content.decode()
    # The other order: the earlier tap arrives first, the later one replaces it.
    other = MemberFactory(branch=meeting.branch)
    keyed(secretary, mark_url(meeting, other), {"mark": "unexcused"}, tapped=earlier)
    applied = keyed(staff, mark_url(meeting, other), {"mark": "late"}, tapped=later)
    assert "X-Chibo-Not-Applied" not in applied
    assert marks(meeting, other) == [("late", "")]
    # The secretary sees what was not applied, and why.
    page = secretary.get(reverse("meetings:roll", args=[meeting.pk]))
    listed = page.context["not_applied"]
    assert [(w.user, w.outcome) for w in listed] == [(secretary.user, KeyedWrite.Outcome.STALE)]
    assert member.full_name in page.content.decode().split('id="not-applied"')[1]


def test_after_adoption_a_write_made_before_is_refused_with_its_reason(secretary, staff, meeting, member):
    tapped = timezone.now() - datetime.timedelta(minutes=10)
    meeting.status = MeetingStatus.ADOPTED
    meeting.actual_start = tapped - datetime.timedelta(hours=1)
    meeting.minutes_adopted_at = tapped + datetime.timedelta(minutes=5)
    meeting.save()
    for client in (secretary, staff):  # commune staff's queued change too: adopted is adopted
        refused = keyed(client, mark_url(meeting, member), {"mark": "present"}, tapped=tapped)
        assert refused.status_code == 409
        assert refused["X-Chibo-Not-Applied"] == "adopted"
    assert marks(meeting, member) == []
    written = KeyedWrite.objects.filter(meeting=meeting).values_list("outcome", flat=True)
    assert list(written) == ["adopted", "adopted"]
    # A correction commune staff tap after adoption follows the usual rule: applied.
    assert keyed(staff, mark_url(meeting, member), {"mark": "late"}, tapped=timezone.now()).status_code == 200
    assert marks(meeting, member) == [("late", "")]
    page = staff.get(reverse("meetings:roll", args=[meeting.pk]))
    assert len(page.context["not_applied"]) == 2


def test_a_key_reused_by_another_user_is_not_shared(secretary, staff, meeting, member):
    key = uuid.uuid4()
    keyed(secretary, mark_url(meeting, member), {"mark": "present"}, key=key, tapped=timezone.now())
    theirs = keyed(staff, mark_url(meeting, member), {"mark": "unexcused"}, key=key, tapped=timezone.now())
    assert "Idempotent-Replayed" not in theirs
    assert marks(meeting, member) == [("unexcused", "")]
    assert KeyedWrite.objects.filter(key=key).count() == 2


def test_a_key_reused_for_another_endpoint_is_refused(secretary, meeting, member):
    key = uuid.uuid4()
    keyed(secretary, mark_url(meeting, member), {"mark": "present"}, key=key)
    other = MemberFactory(branch=meeting.branch)
    reused = keyed(secretary, mark_url(meeting, other), {"mark": "present"}, key=key)
    assert reused.status_code == 422
    assert marks(meeting, other) == []


def test_a_refusal_the_retry_may_not_meet_is_not_kept(tree, meeting, member, secretary):
    """A CSRF failure (a page too old) is not the answer for ever: the retry after a reload applies."""
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(secretary.user)
    key = uuid.uuid4()
    assert keyed(strict, mark_url(meeting, member), {"mark": "present"}, key=key).status_code == 403
    assert not KeyedWrite.objects.filter(key=key).exists()
    assert keyed(secretary, mark_url(meeting, member), {"mark": "present"}, key=key).status_code == 200
    assert marks(meeting, member) == [("present", "")]


def test_an_outsider_learns_nothing_and_the_meeting_list_stays_clean(outsider, meeting, member):
    key = uuid.uuid4()
    assert keyed(outsider, mark_url(meeting, member), {"mark": "present"}, key=key).status_code == 404
    assert KeyedWrite.objects.get(key=key).meeting is None
    assert marks(meeting, member) == []


def test_keys_are_forgotten_after_30_days(secretary, meeting, member):
    keyed(secretary, mark_url(meeting, member), {"mark": "present"})
    old = keyed(secretary, mark_url(meeting, MemberFactory(branch=meeting.branch)), {"mark": "present"})
    assert old.status_code == 200
    KeyedWrite.objects.filter(pk=KeyedWrite.objects.order_by("pk").last().pk).update(
        received_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert purge_keyed_writes() == 1
    assert purge_keyed_writes() == 0
    assert KeyedWrite.objects.count() == 1
