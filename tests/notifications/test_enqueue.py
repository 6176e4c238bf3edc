import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from notifications import services
from notifications.models import ChannelPreference, Notification
from notifications.services import notification_enqueue, notification_retry, notifications_cancel
from tests.factories import UserFactory

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def enqueue(recipient, key="ping:1", **kwargs):
    values = {"kind": "test.ping", "dedupe_key": key, "context": {"name": "An", "note": "<b>x</b>"}, "now": NOW}
    return notification_enqueue(recipient=recipient, **{**values, **kwargs})


def test_one_row_per_chosen_channel_with_the_key_per_channel(person):
    rows = enqueue(person)
    assert sorted(row.channel for row in rows) == ["email", "inbox", "sms"]
    assert sorted(row.dedupe_key for row in rows) == ["ping:1:email", "ping:1:inbox", "ping:1:sms"]


def test_enqueuing_the_same_key_again_creates_nothing_and_returns_the_rows(person):
    first = enqueue(person)
    second = enqueue(person, context={"name": "Other"})
    assert [row.pk for row in first] == [row.pk for row in second]
    assert Notification.objects.count() == 3


def test_the_inbox_always_and_only_what_the_user_chose(db):
    plain = UserFactory(email="")  # no preference row, no email address: inbox only
    assert [row.channel for row in enqueue(plain)] == ["inbox"]
    chose_email = UserFactory(email="b@example.org")
    ChannelPreference.objects.create(user=chose_email, sms_enabled=True, phone="12345")  # invalid phone
    assert sorted(row.channel for row in enqueue(chose_email, key="k2")) == ["email", "inbox"]


def test_channels_narrow_the_choice_and_never_add_one(person):
    ChannelPreference.objects.filter(user=person).update(sms_enabled=False)
    person.refresh_from_db()
    rows = enqueue(person, channels=["sms", "inbox"])
    assert [row.channel for row in rows] == ["inbox"]
    with pytest.raises(ValueError, match="pigeon"):
        enqueue(person, key="k3", channels=["pigeon"])


def test_messages_are_rendered_in_vietnamese_as_plain_text_and_html(person, settings):
    settings.LANGUAGE_CODE = "en"
    rows = {row.channel: row for row in enqueue(person)}
    email = rows["email"]
    assert email.subject == "Tin thử gửi An"
    assert email.body.startswith("Kính gửi đồng chí An,")
    assert "Đây là tin thử từ Chi bộ. <b>x</b>" in email.body  # text is not HTML-escaped
    assert "&lt;b&gt;x&lt;/b&gt;" in email.body_html  # HTML is
    assert rows["sms"].body.startswith("Kính gửi đồng chí An,")
    assert len(rows["sms"].body) <= 160 and "\n" not in rows["sms"].body
    assert rows["sms"].body_html == rows["inbox"].body_html == ""


def test_inbox_due_now_is_delivered_at_once_and_a_later_one_waits(person):
    rows = {row.channel: row for row in enqueue(person)}
    assert rows["inbox"].status == "sent" and rows["inbox"].sent_at == NOW
    assert rows["email"].status == "pending"
    later = {row.channel: row for row in enqueue(person, key="later", due_at=NOW + datetime.timedelta(days=3))}
    assert later["inbox"].status == "pending"


def test_about_and_cancel(person):
    about = get_user_model().objects.create(username="the-object")
    enqueue(person, key="m:1:remind-3d", about=about, due_at=NOW + datetime.timedelta(days=3))
    enqueue(person, key="m:1:remind-1d", about=about, due_at=NOW + datetime.timedelta(days=4))
    enqueue(person, key="other", kind="test.ping")
    assert notifications_cancel(about=about, dedupe_prefix="m:1:remind-3d") == 3
    assert notifications_cancel(about=about, kinds=["something.else"]) == 0
    assert notifications_cancel(about=about) == 3
    assert Notification.objects.filter(status="cancelled").count() == 6
    assert Notification.objects.filter(dedupe_key__startswith="other", status="pending").count() == 2
    assert Notification.objects.get(dedupe_key="m:1:remind-3d:sms").about == about


def test_the_nudge_goes_after_commit_and_a_broker_failure_loses_nothing(
    person, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []

    def broker_down(ids):
        sent.append(ids)
        raise ConnectionError("broker down")

    monkeypatch.setattr(services, "enqueue_send", broker_down)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue(person)
        assert sent == []  # nothing reaches the broker inside the transaction
    assert len(sent) == 1 and len(sent[0]) == 2  # email and sms; the inbox needed no worker
    # The request did not fail; the rows wait for the periodic dispatch.
    assert set(Notification.objects.filter(status="pending").values_list("queued_at", flat=True)) == {None}


def test_retry_puts_a_failed_row_back_due_now(person, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(services, "enqueue_send", lambda ids: None)
    row = next(row for row in enqueue(person) if row.channel == "email")
    Notification.objects.filter(pk=row.pk).update(status="failed", attempts=5, last_error="boom")
    later = NOW + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = notification_retry(notification=row, now=later)
    assert (row.status, row.attempts, row.due_at) == ("pending", 0, later)
    assert len(callbacks) == 1
    # A row that is not failed is left alone.
    assert notification_retry(notification=row).status == "pending"


def test_history_reaches_the_inbox_but_sends_nothing_out(person, django_capture_on_commit_callbacks, monkeypatch):
    nudged = []
    monkeypatch.setattr(services, "enqueue_send", nudged.append)
    with django_capture_on_commit_callbacks(execute=True), services.recording_history():
        rows = enqueue(person)
    assert {row.channel: row.status for row in rows} == {"email": "cancelled", "inbox": "sent", "sms": "cancelled"}
    assert nudged == []

    # Outside the block, messages go out as usual.
    with django_capture_on_commit_callbacks(execute=True):
        rows = enqueue(person, key="ping:2")
    assert {row.channel: row.status for row in rows} == {"email": "pending", "inbox": "sent", "sms": "pending"}
    assert len(nudged) == 1
