import datetime

from django.test import Client
from django.urls import reverse

from notifications.models import ChannelPreference, Notification
from notifications.services import notification_enqueue
from tests.factories import UserFactory

NOW = datetime.datetime(2020, 12, 1, 9, 0, tzinfo=datetime.UTC)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def message(user, key):
    rows = notification_enqueue(
        recipient=user, kind="test.ping", dedupe_key=key, context={"name": key, "note": ""}, channels=["inbox"]
    )
    return rows[0]


def test_inbox_lists_only_my_messages_newest_first_with_the_unread_count(db):
    me, other = UserFactory(username="me"), UserFactory(username="other")
    first, second = message(me, "first"), message(me, "second")
    Notification.objects.filter(pk=first.pk).update(due_at=NOW)
    message(other, "someone-else")
    response = client_for(me).get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert [row.pk for row in response.context["notifications"]] == [second.pk, first.pk]
    assert "someone-else" not in response.content.decode()
    assert 'Hộp thư <span class="badge text-bg-light">2<' in response.content.decode()


def test_mark_one_and_all_read(db):
    me = UserFactory(username="me")
    first, second = message(me, "first"), message(me, "second")
    client = client_for(me)
    assert client.get(reverse("notifications:mark_read", args=[first.pk])).status_code == 405
    assert client.post(reverse("notifications:mark_read", args=[first.pk])).status_code == 302
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert Notification.objects.get(pk=second.pk).read_at is None
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'class="badge' not in client.get(reverse("notifications:inbox")).content.decode()


def test_another_users_message_is_not_found(db):
    me, other = UserFactory(username="me"), UserFactory(username="other")
    theirs = message(other, "theirs")
    assert client_for(me).post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_unread_count_is_one_query_and_only_when_shown(db, django_assert_num_queries):
    me = UserFactory(username="me")
    for number in range(5):
        message(me, f"m{number}")
    client = client_for(me)
    client.get(reverse("notifications:preferences"))  # warm the session
    with django_assert_num_queries(5):  # session, user, preference, the menu's roles, unread count
        client.get(reverse("notifications:preferences"))


def test_preferences_validate_the_phone_and_email(db):
    me = UserFactory(username="me", email="")
    client = client_for(me)
    url = reverse("notifications:preferences")
    response = client.post(url, {"email_enabled": "on", "sms_enabled": "on", "phone": "12345", "email": "x"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"phone", "email"}
    response = client.post(url, {"sms_enabled": "on", "phone": "091 234 5678", "email": "me@example.org"})
    assert response.status_code == 302
    preference = ChannelPreference.objects.get(user=me)
    assert (preference.email_enabled, preference.sms_enabled, preference.phone) == (False, True, "0912345678")
    me.refresh_from_db()
    assert me.email == "me@example.org"
    assert client.post(url, {"sms_enabled": "on", "phone": "+84912345678"}).status_code == 302
    assert client.get(url).status_code == 200
