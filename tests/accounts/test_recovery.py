"""Account recovery: a one-time reset code from commune staff (shown once, kept only as a hash,
used once, dead after 24 hours), and the emailed reset link for users with an email address."""

import datetime
import logging
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import AccountEvent, ResetCode
from accounts.tasks import send_password_reset
from members.models import RoleKind

from ..factories import MemberFactory, UserFactory, give_role

NEW_PASSWORD = "Song-Khe-moi-2026"


@pytest.fixture
def member_user(tree):
    user = UserFactory(username="dangvien-hoa")
    give_role(user, RoleKind.MEMBER, tree.branch)
    MemberFactory(branch=tree.branch, user=user, full_name="Lê Thị Hoa")
    return user


def issue(staff, user) -> str:
    response = staff.post(f"/accounts/{user.pk}/reset-code/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return re.search(r'id="reset-code">([A-Z0-9-]+)<', response.content.decode())[1]


def redeem(username, code, password=NEW_PASSWORD):
    return Client().post(
        "/password/code/",
        {"username": username, "code": code, "new_password1": password, "new_password2": password},
    )


def can_log_in(username, password) -> bool:
    client = Client(REMOTE_ADDR="10.9.9.9")
    client.post("/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


def test_staff_issue_a_code_and_the_member_sets_a_new_password_once(staff, member_user):
    code = issue(staff, member_user)

    row = ResetCode.objects.get(user=member_user)
    assert code.replace("-", "") not in row.digest and len(code.replace("-", "")) == 12
    assert row.expires_at - row.issued_at == datetime.timedelta(hours=24)
    response = redeem("dangvien-hoa", code.lower().replace("-", " "))
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert can_log_in("dangvien-hoa", NEW_PASSWORD)

    again = redeem("dangvien-hoa", code, password="Mot-mat-khau-khac-9")
    assert again.status_code == 200
    assert "do not match a valid code" in again.content.decode() or "không khớp" in again.content.decode()
    assert can_log_in("dangvien-hoa", NEW_PASSWORD)
    kinds = list(AccountEvent.objects.filter(user=member_user).order_by("at").values_list("kind", "actor"))
    assert kinds == [("reset_code_issued", staff.user.pk), ("reset_code_used", None)]


def test_a_code_is_dead_after_24_hours(staff, member_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        code = issue(staff, member_user)
    with time_machine.travel(start + datetime.timedelta(hours=24, minutes=1), tick=False):
        assert redeem("dangvien-hoa", code).status_code == 200
    assert not can_log_in("dangvien-hoa", NEW_PASSWORD)
    with time_machine.travel(start + datetime.timedelta(hours=23, minutes=59), tick=False):
        assert redeem("dangvien-hoa", code).status_code == 302


def test_a_new_code_voids_the_older_one_and_a_code_works_only_for_its_user(tree, staff, member_user):
    other = UserFactory(username="dangvien-khac")
    MemberFactory(branch=tree.branch, user=other)
    first = issue(staff, member_user)
    second = issue(staff, member_user)

    assert redeem("dangvien-khac", second).status_code == 200
    assert redeem("dangvien-hoa", first).status_code == 200
    assert redeem("dangvien-hoa", second).status_code == 302


def test_a_weak_password_is_refused_and_the_code_stays_usable(staff, member_user):
    code = issue(staff, member_user)
    assert redeem("dangvien-hoa", code, password="12345678").status_code == 200
    assert ResetCode.objects.get(user=member_user).used_at is None
    assert redeem("dangvien-hoa", code).status_code == 302


def test_setting_a_password_with_a_code_lifts_the_lockout(staff, member_user):
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "dangvien-hoa", "password": "sai"})
    code = issue(staff, member_user)
    redeem("dangvien-hoa", code)
    client.post("/login/", {"username": "dangvien-hoa", "password": NEW_PASSWORD})
    assert "_auth_user_id" in client.session


def test_the_login_page_links_to_both_ways_of_recovery(db):
    page = Client().get("/login/").content.decode()
    assert 'href="/password/reset/"' in page and 'href="/password/code/"' in page
    assert Client().get("/password/reset/").status_code == 200
    assert Client().get("/password/code/").status_code == 200


@pytest.fixture
def worker(monkeypatch):
    """The reset mail's task, run where a worker would run it: after the request, from the queue."""
    queued = []
    monkeypatch.setattr(send_password_reset, "apply_async", lambda args, **options: queued.append(args))

    def run():
        while queued:
            send_password_reset(*queued.pop(0))

    run.queued = queued
    return run


def ask_reset(client, email, capture):
    with capture(execute=True) as callbacks:
        response = client.post("/password/reset/", {"email": email})
    assert len(callbacks) == 1
    return response


def test_email_reset_sends_a_link_that_sets_the_password_once(member_user, worker, django_capture_on_commit_callbacks):
    member_user.email = "hoa@example.org"
    member_user.save()
    client = Client()

    response = ask_reset(client, "hoa@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/password/reset/sent/"
    assert mail.outbox == []  # queued, not sent inside the request
    worker()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hoa@example.org"]
    link = re.search(r"https?://[^/]+(/password/reset/[^\s]+/)", mail.outbox[0].body)[1]

    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.status_code == 200 and done.redirect_chain[-1][0] == "/password/reset/done/"
    assert can_log_in("dangvien-hoa", NEW_PASSWORD)
    assert Client().get(link).status_code == 404  # used: the link no longer works
    assert set(AccountEvent.objects.filter(user=member_user).values_list("kind", flat=True)) == {
        "reset_email_sent",
        "reset_by_email",
    }


def test_email_reset_answers_alike_and_without_a_lookup_for_a_known_and_an_unknown_address(
    member_user, worker, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Timing: the request neither looks the address up nor sends mail, so a known address takes
    no longer than an unknown one; the worker sends the mail, or nothing."""
    member_user.email = "hoa@example.org"
    member_user.save()
    answers = []
    for email in ("hoa@example.org", "khong-co@example.org"):
        with django_assert_num_queries(0):
            response = ask_reset(Client(), email, django_capture_on_commit_callbacks)
        answers.append((response.status_code, response["Location"], response.content))
    assert answers[0] == answers[1] == (302, "/password/reset/sent/", b"")
    assert mail.outbox == []
    assert [args[0] for args in worker.queued] == ["hoa@example.org", "khong-co@example.org"]

    worker()

    assert [message.to for message in mail.outbox] == [["hoa@example.org"]]


def test_nothing_logged_or_stored_holds_the_code_or_the_password(staff, member_user, caplog):
    caplog.set_level(logging.DEBUG)
    code = issue(staff, member_user)
    redeem("dangvien-hoa", code)

    assert code not in caplog.text and code.replace("-", "") not in caplog.text
    assert NEW_PASSWORD not in caplog.text
    assert "reset_code_used" in caplog.text
    stored = str(list(ResetCode.objects.values())) + str(list(AccountEvent.objects.values()))
    assert code.replace("-", "") not in stored and NEW_PASSWORD not in stored


def test_the_reset_link_is_on_the_sites_address_not_the_requests_host(
    member_user, worker, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://chibo.example.org"
    member_user.email = "hoa@example.org"
    member_user.save()
    ask_reset(Client(HTTP_HOST="localhost"), "hoa@example.org", django_capture_on_commit_callbacks)
    worker()
    assert re.search(r"^https://chibo\.example\.org/password/reset/[^\s]+/$", mail.outbox[0].body, re.M)
    assert "localhost" not in mail.outbox[0].body
