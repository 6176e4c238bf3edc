"""Login throttling (django-axes): five wrong passwords lock the username, thirty the address, for
15 minutes, the lockout page does not tell whether the username exists, commune staff unlock
the accounts of their people, and nothing logged holds a password."""

import datetime
import logging
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from accounts.models import AccountEvent
from members.models import RoleKind

from ..factories import MemberFactory, UserFactory, give_role

PASSWORD = "matkhau-123"
WRONG = "sai-mat-khau-bi-mat"
LOCKOUT_WORDS = "Đăng nhập tạm dừng"


def attempt(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times=5):
    for _ in range(times):
        response = attempt(client, username, WRONG)
        assert response.status_code in (200, 429)


def page_text(response) -> str:
    """The page without its CSRF tokens and CSP nonces (they differ per session and response)."""
    return re.sub(r'(value="|X-CSRFToken": "|nonce=")[^"]*"', "", response.content.decode())


@pytest.fixture
def song_khe_secretary(tree):
    user = UserFactory(username="bithu-songkhe")
    give_role(user, RoleKind.SECRETARY, tree.branch)
    MemberFactory(branch=tree.branch, user=user, full_name="Nguyễn Thị Lan")
    return user


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_refused(song_khe_secretary):
    client = Client()
    for _ in range(4):
        assert attempt(client, "bithu-songkhe", WRONG).status_code == 200
    assert attempt(client, "bithu-songkhe", WRONG).status_code == 429

    response = attempt(client, "bithu-songkhe", PASSWORD)

    assert response.status_code == 429
    assert LOCKOUT_WORDS in response.content.decode()
    assert "bithu-songkhe" not in response.content.decode()
    assert not logged_in(client)
    assert AccountEvent.objects.filter(kind=AccountEvent.Kind.LOCKED_OUT, user=song_khe_secretary).count() == 1


def test_four_wrong_passwords_then_the_right_one_logs_in_and_clears_the_count(song_khe_secretary):
    client = Client()
    fail(client, "bithu-songkhe", times=4)
    attempt(client, "bithu-songkhe", PASSWORD)
    assert logged_in(client)
    assert not AccessAttempt.objects.filter(username="bithu-songkhe").exists()


def test_the_lockout_page_is_the_same_for_an_unknown_username(song_khe_secretary):
    known, unknown = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    fail(known, "bithu-songkhe")
    fail(unknown, "khong-ai-co-ten-nay")

    for_known = attempt(known, "bithu-songkhe", PASSWORD)
    for_unknown = attempt(unknown, "khong-ai-co-ten-nay", PASSWORD)

    assert for_known.status_code == for_unknown.status_code == 429
    assert page_text(for_known) == page_text(for_unknown)
    # Before any lock, a wrong password and an unknown username get the same answer too.
    UserFactory(username="bithu-phuthinh")
    wrong_password = attempt(Client(REMOTE_ADDR="10.0.0.3"), "bithu-phuthinh", WRONG)
    no_such_user = attempt(Client(REMOTE_ADDR="10.0.0.4"), "khong-ai-khac", WRONG)
    assert wrong_password.status_code == no_such_user.status_code == 200
    assert page_text(wrong_password) == page_text(no_such_user)


def test_the_address_is_locked_too_whatever_the_usernames(song_khe_secretary):
    guesser = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(29):
        assert attempt(guesser, f"doan-{n}", WRONG).status_code == 200  # not locked yet
    attempt(guesser, "doan-29", WRONG)

    assert attempt(guesser, "bithu-songkhe", PASSWORD).status_code == 429
    assert not logged_in(guesser)
    elsewhere = Client(REMOTE_ADDR="10.0.0.10")
    attempt(elsewhere, "bithu-songkhe", PASSWORD)
    assert logged_in(elsewhere)


def test_the_lock_lifts_after_15_minutes(song_khe_secretary):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        fail(client, "bithu-songkhe")
    # A try while locked starts the 15 minutes again.
    with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
        assert attempt(client, "bithu-songkhe", PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=28), tick=False):
        assert attempt(client, "bithu-songkhe", PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=44), tick=False):
        attempt(client, "bithu-songkhe", PASSWORD)
    assert logged_in(client)


def test_commune_staff_see_the_locked_account_and_unlock_it(staff, song_khe_secretary):
    client = Client()
    fail(client, "bithu-songkhe", times=6)

    page = staff.get("/accounts/")
    assert page.status_code == 200
    locked_section = page.content.decode().split('id="locked-accounts"')[1].split("</ul>")[0]
    assert "Nguyễn Thị Lan" in locked_section

    response = staff.post(f"/accounts/{song_khe_secretary.pk}/unlock/")

    assert response.status_code == 302
    event = AccountEvent.objects.get(kind=AccountEvent.Kind.UNLOCKED)
    assert (event.user, event.actor) == (song_khe_secretary, staff.user)
    # Her failures were also the address's only ones: from the same phone she logs in at once.
    attempt(client, "bithu-songkhe", PASSWORD)
    assert logged_in(client)
    assert 'id="locked-accounts"' not in staff.get("/accounts/").content.decode()


def test_staff_of_another_commune_and_other_roles_get_404(tree, outsider, secretary, leader, song_khe_secretary):
    fail(Client(), "bithu-songkhe")
    for client in (outsider, secretary, leader):
        assert client.post(f"/accounts/{song_khe_secretary.pk}/unlock/").status_code == 404
        assert client.post(f"/accounts/{song_khe_secretary.pk}/reset-code/").status_code == 404
    for client in (secretary, leader):
        assert client.get("/accounts/").status_code == 404
    assert "bithu-songkhe" not in outsider.get("/accounts/").content.decode()
    assert AccessAttempt.objects.filter(username="bithu-songkhe").exists()
    assert not AccountEvent.objects.filter(kind=AccountEvent.Kind.UNLOCKED).exists()


def test_staff_cannot_take_over_an_account_that_reaches_beyond_their_commune(tree, staff):
    """A province official who is also a member of a Tam Hưng branch, an admin-site account and a
    superuser are not the commune's to reset."""
    province_staff = UserFactory(username="tinh-uy")
    give_role(province_staff, RoleKind.COMMUNE_STAFF, tree.province)
    MemberFactory(branch=tree.branch, user=province_staff)
    admin = UserFactory(username="quan-tri", is_staff=True)
    MemberFactory(branch=tree.branch, user=admin)
    root = UserFactory(username="root", is_superuser=True)
    give_role(root, RoleKind.MEMBER, tree.branch)
    listed = staff.get("/accounts/").content.decode().split('id="accounts"')[1]

    for user in (province_staff, admin, root, staff.user):
        assert f"({user.username})" not in listed
        assert staff.post(f"/accounts/{user.pk}/reset-code/").status_code == 404


def test_the_accounts_page_runs_a_fixed_number_of_queries(tree, staff, django_assert_max_num_queries):
    def measure(count):
        for _ in range(count):
            MemberFactory(branch=tree.branch, user=UserFactory())
        fail(Client(REMOTE_ADDR=f"10.1.0.{count}"), UserFactory().username)
        with django_assert_max_num_queries(14) as queries:
            assert staff.get("/accounts/").status_code == 200
        return len(queries)

    assert measure(2) == measure(12)


def test_nothing_logged_or_stored_holds_the_password(song_khe_secretary, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client()
    fail(client, "bithu-songkhe", times=6)
    attempt(client, "bithu-songkhe", PASSWORD)

    assert "AXES" in caplog.text  # the failures and the lockout were logged
    assert any("locked_out" in record.getMessage() for record in caplog.records)
    assert WRONG not in caplog.text and PASSWORD not in caplog.text
    for row in AccessAttempt.objects.values():
        assert WRONG not in str(row) and PASSWORD not in str(row)


def test_one_persons_lock_leaves_the_others_at_the_same_address_free(staff, song_khe_secretary):
    """A commune office shares one address: the staff who unlock her can still log in there."""
    office = Client(REMOTE_ADDR="10.0.0.20")
    fail(office, "bithu-songkhe", times=6)
    staff.user.set_password(PASSWORD)
    staff.user.save()

    colleague = Client(REMOTE_ADDR="10.0.0.20")
    attempt(colleague, staff.user.username, PASSWORD)

    assert logged_in(colleague)
    assert attempt(Client(REMOTE_ADDR="10.0.0.20"), "bithu-songkhe", PASSWORD).status_code == 429


def test_logging_into_ones_own_account_does_not_lift_anothers_lock(staff, song_khe_secretary):
    staff.user.set_password(PASSWORD)
    staff.user.save()
    guesser = Client(REMOTE_ADDR="10.0.0.30")
    fail(guesser, "bithu-songkhe", times=4)
    attempt(guesser, staff.user.username, PASSWORD)
    assert logged_in(guesser)
    guesser.logout()

    assert attempt(guesser, "bithu-songkhe", WRONG).status_code == 429


def test_the_menu_leads_commune_staff_to_their_peoples_accounts(staff, secretary):
    """The own account page is accounts' and cannot link members' page of accounts: the menu does."""
    assert 'href="/accounts/"' in staff.get("/account/").content.decode()
    assert 'href="/accounts/"' not in secretary.get("/account/").content.decode()
