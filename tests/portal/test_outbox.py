"""Commune staff's outbox: the rows about their subtree, filters, failed rows and the retry button.

A row is listed by what it is about (a meeting, a petition, a digest's node), not by who got it.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.access import users_in_scope
from members.models import RoleKind
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_enqueue
from petitions.services.catalogue import catalogue_ensure
from tests.factories import MemberFactory, UserFactory, give_role
from tests.petitions.conftest import make_meeting, make_petition

pytestmark = pytest.mark.system_scope


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ping(user, key, about, kind="test.ping"):
    return notification_enqueue(
        recipient=user, kind=kind, about=about, dedupe_key=key, context={"name": key, "note": ""}, channels=["inbox"]
    )[0]


@pytest.fixture
def people(tree):
    staff = UserFactory(username="tam-hung-staff")
    give_role(staff, RoleKind.COMMUNE_STAFF, tree.commune)
    secretary = UserFactory(username="song-khe-secretary")
    give_role(secretary, RoleKind.SECRETARY, tree.branch)
    member = UserFactory(username="phu-thinh-member", first_name="Lan", last_name="Nguyễn")
    MemberFactory(branch=tree.sibling, user=member)
    outsider = UserFactory(username="duc-thang-secretary")
    give_role(outsider, RoleKind.SECRETARY, tree.other_branch)
    leader = UserFactory(username="tam-hung-leader")
    give_role(leader, RoleKind.LEADER, tree.commune)
    return {
        "staff": staff,
        "secretary": secretary,
        "member": member,
        "outsider": outsider,
        "leader": leader,
        # What the messages are about: a meeting of each commune.
        "here": make_meeting(tree.branch),
        "there": make_meeting(tree.other_branch),
    }


def test_users_in_scope_are_role_holders_and_members_under_the_staff_node(people):
    found = set(users_in_scope(people["staff"]).values_list("username", flat=True))
    assert found == {"tam-hung-staff", "song-khe-secretary", "phu-thinh-member", "tam-hung-leader"}
    assert not users_in_scope(people["leader"]).exists()
    assert not users_in_scope(people["outsider"]).exists()


def test_staff_see_their_subtree_newest_first_and_filter(people):
    mine = ping(people["secretary"], "a", people["here"])
    theirs = ping(people["outsider"], "b", people["there"])
    other_kind = ping(people["member"], "c", people["here"], kind="meeting.agenda_empty")
    Notification.objects.filter(pk=mine.pk).update(status=NotificationStatus.FAILED, last_error="SMTP 550 refused")
    client = client_for(people["staff"])
    response = client.get(reverse("members:outbox"))
    assert response.status_code == 200
    rows = [row.pk for row in response.context["page"]]
    assert rows == [other_kind.pk, mine.pk]
    assert theirs.pk not in rows
    html = response.content.decode()
    assert "SMTP 550 refused" in html
    assert reverse("members:outbox_retry", args=[mine.pk]) in html
    assert "Nguyễn" in html or "Lan" in html

    failed = client.get(reverse("members:outbox"), {"status": "failed"})
    assert [row.pk for row in failed.context["page"]] == [mine.pk]
    by_kind = client.get(reverse("members:outbox"), {"kind": "test.ping"})
    assert [row.pk for row in by_kind.context["page"]] == [mine.pk]


def test_only_commune_staff_open_the_page_and_the_home_page_links_it_for_them(people):
    assert client_for(people["leader"]).get(reverse("members:outbox")).status_code == 404
    assert client_for(people["secretary"]).get(reverse("members:outbox")).status_code == 404
    outbox = reverse("members:outbox")
    assert outbox in client_for(people["staff"]).get(reverse("members:home")).content.decode()
    assert outbox not in client_for(people["leader"]).get(reverse("members:home")).content.decode()


def test_retry_a_failed_row_in_the_subtree_and_404_outside(people):
    mine = ping(people["secretary"], "a", people["here"])
    theirs = ping(people["outsider"], "b", people["there"])
    Notification.objects.filter(pk__in=[mine.pk, theirs.pk]).update(
        status=NotificationStatus.FAILED, attempts=5, last_error="boom"
    )
    client = client_for(people["staff"])
    assert client.get(reverse("members:outbox_retry", args=[mine.pk])).status_code == 405
    assert client.post(reverse("members:outbox_retry", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).status == NotificationStatus.FAILED
    response = client.post(reverse("members:outbox_retry", args=[mine.pk]))
    assert response.status_code == 302
    row = Notification.objects.get(pk=mine.pk)
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 0)
    # A leader (no outbox) cannot retry either.
    Notification.objects.filter(pk=mine.pk).update(status=NotificationStatus.FAILED)
    assert client_for(people["leader"]).post(reverse("members:outbox_retry", args=[mine.pk])).status_code == 404


def _queries_for_page(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:outbox"))
    assert response.status_code == 200
    return len(queries)


def test_the_page_runs_a_fixed_number_of_queries(tree, people):
    client = client_for(people["staff"])

    def add(count, start):
        for number in range(start, start + count):
            user = UserFactory(username=f"member-{number}")
            MemberFactory(branch=tree.branch, user=user)
            row = ping(user, f"k{number}", make_meeting(tree.branch, topic=f"T{number}"))
            if number % 2:
                Notification.objects.filter(pk=row.pk).update(status=NotificationStatus.FAILED, last_error="x")

    add(3, 0)
    small = _queries_for_page(client)
    add(40, 3)
    assert _queries_for_page(client) == small


def their_staff(tree) -> Client:
    user = UserFactory(username="duc-thang-staff")
    give_role(user, RoleKind.COMMUNE_STAFF, tree.other_commune)
    return client_for(user)


def test_a_message_is_listed_by_its_subject_not_by_its_recipient(tree, people):
    """Issue 21: a petition of phường Đức Thắng sent to an officer whose member record is in Tam
    Hưng is Đức Thắng's business: Tam Hưng's staff neither list nor retry it; Đức Thắng's do."""
    catalogue_ensure(commune=tree.commune)
    catalogue_ensure(commune=tree.other_commune)
    officer = UserFactory(username="duc-thang-officer")
    give_role(officer, RoleKind.OFFICER, tree.other_commune)
    MemberFactory(branch=tree.branch, user=officer)  # a party member of Song Khê, Tam Hưng
    category = tree.other_commune.petition_categories.first()
    theirs = make_petition(tree.other_branch, category, officer, title="Tố cáo cán bộ phường nhận hối lộ")
    ours = make_petition(tree.branch, tree.commune.petition_categories.first(), officer, title="Sửa đường")
    about_theirs = ping(officer, "p1", theirs, kind="petition.overdue")
    about_ours = ping(officer, "p2", ours, kind="petition.overdue")
    about_nothing = ping(people["secretary"], "p3", None)
    about_their_commune = ping(officer, "p4", tree.other_commune, kind="digest.weekly")
    Notification.objects.filter(pk__in=[about_theirs.pk, about_nothing.pk]).update(status=NotificationStatus.FAILED)

    staff = client_for(people["staff"])
    response = staff.get(reverse("members:outbox"))
    assert [row.pk for row in response.context["page"]] == [about_ours.pk]
    assert "hối lộ" not in response.content.decode()
    for row in (about_theirs, about_nothing):
        assert staff.post(reverse("members:outbox_retry", args=[row.pk])).status_code == 404
        assert Notification.objects.get(pk=row.pk).status == NotificationStatus.FAILED

    listed = their_staff(tree).get(reverse("members:outbox"))
    assert {row.pk for row in listed.context["page"]} == {about_theirs.pk, about_their_commune.pk}


def test_a_meeting_message_of_another_commune_is_invisible_whoever_got_it(tree, people):
    # Tam Hưng's secretary (a user in Tam Hưng's scope) was told of Đức Thắng's meeting.
    row = ping(people["secretary"], "m1", people["there"], kind="meeting.notice")
    Notification.objects.filter(pk=row.pk).update(status=NotificationStatus.FAILED)
    staff = client_for(people["staff"])
    assert row.pk not in [r.pk for r in staff.get(reverse("members:outbox")).context["page"]]
    assert staff.post(reverse("members:outbox_retry", args=[row.pk])).status_code == 404
    assert row.pk in [r.pk for r in their_staff(tree).get(reverse("members:outbox")).context["page"]]


def test_retry_every_failed_message_of_a_filter_at_once(people):
    """After an outage: one button sends every failed message of the filter again, only those the
    staff may see, and only of the kind chosen."""
    mine = [ping(people["secretary"], f"a{n}", people["here"], kind="meeting.notice") for n in range(3)]
    other_kind = ping(people["secretary"], "k", people["here"], kind="meeting.reminder")
    theirs = ping(people["outsider"], "b", people["there"], kind="meeting.notice")
    failed = [*mine, other_kind, theirs]
    Notification.objects.filter(pk__in=[row.pk for row in failed]).update(
        status=NotificationStatus.FAILED, attempts=29, last_error="421 busy"
    )
    client = client_for(people["staff"])
    page = client.get(reverse("members:outbox"), {"status": "failed", "kind": "meeting.notice"})
    assert reverse("members:outbox_retry_all") in page.content.decode()
    assert reverse("members:outbox_retry_all") not in client.get(reverse("members:outbox")).content.decode()

    response = client.post(reverse("members:outbox_retry_all"), {"kind": "meeting.notice"}, follow=True)

    assert "3 tin nhắn sẽ được gửi lại" in response.content.decode()
    statuses = dict(Notification.objects.filter(pk__in=[row.pk for row in failed]).values_list("pk", "status"))
    assert {statuses[row.pk] for row in mine} == {NotificationStatus.PENDING}
    assert statuses[other_kind.pk] == statuses[theirs.pk] == NotificationStatus.FAILED
    assert client_for(people["leader"]).post(reverse("members:outbox_retry_all")).status_code == 404
