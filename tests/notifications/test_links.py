"""Every message leads somewhere: SITE_URL (required in production), full links in e-mail and SMS
bodies, and inbox messages that open their page (notifications/links.py, rendering.py, views.py)."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse

from notifications import checks
from notifications.links import absolute_url, site_path
from notifications.models import Notification
from notifications.rendering import render_message
from notifications.services import notification_enqueue
from tests.factories import MemberFactory, UserFactory

SITE = "https://chibo.example.org"


# --- The setting --------------------------------------------------------------------------------


def test_the_development_site_links_to_what_make_run_serves():
    # The test run is a development configuration (DEBUG unset): the default applies.
    assert django_settings.SITE_URL == "http://127.0.0.1:8000"


def test_deploy_check_reports_a_missing_site_url(settings):
    settings.SITE_URL = ""
    found = checks.site_url_check()
    assert [problem.id for problem in found] == ["chibo.E001"]
    assert "SITE_URL" in found[0].msg and found[0].is_serious()
    with pytest.raises(SystemCheckError, match="SITE_URL"):
        call_command("check", deploy=True, tags=["security"], fail_level="ERROR")


def test_deploy_check_wants_https_on_an_allowed_host(settings):
    settings.ALLOWED_HOSTS = ["chibo.example.org"]
    settings.SITE_URL = SITE
    assert checks.site_url_check() == []
    settings.SITE_URL = "http://chibo.example.org"
    assert [problem.id for problem in checks.site_url_check()] == ["chibo.W001"]
    settings.SITE_URL = "https://other.example.org"
    assert [problem.id for problem in checks.site_url_check()] == ["chibo.W002"]


def test_the_ci_deploy_step_sets_it_and_env_example_documents_it():
    base = Path(django_settings.BASE_DIR)
    run = (base / ".ci" / "run").read_text()
    deploy_step = run[run.index('step "Deploy check in production mode"') :]
    assert "SITE_URL=https://chibo.example.org" in deploy_step.split("check --deploy")[0]
    assert "# SITE_URL=https://chibo.example.org" in (base / ".env.example").read_text()


# --- Absolute links -------------------------------------------------------------------------------


def test_absolute_url_and_site_path(settings):
    settings.SITE_URL = SITE + "/"
    assert absolute_url("/petitions/15/") == f"{SITE}/petitions/15/"
    assert absolute_url("https://else.example.org/x/") == "https://else.example.org/x/"
    assert absolute_url("") == ""
    assert site_path(f"{SITE}/meetings/30/") == "/meetings/30/"
    assert site_path("/meetings/30/?tab=1") == "/meetings/30/?tab=1"
    # Never another site's page, nor a scheme-relative or backslash trick.
    for other in ("https://evil.example.org/x/", "//evil.example.org/", "/\\evil.example.org", "javascript:x"):
        assert site_path(other) == ""


KINDS = sorted(
    path.name
    for path in (Path(django_settings.BASE_DIR) / "templates" / "notifications").iterdir()
    if path.is_dir() and path.name != "test.ping"
)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_puts_a_link_in_its_body_and_its_sms(kind):
    """A new kind without a link in its e-mail or SMS fails here."""
    folder = Path(django_settings.BASE_DIR) / "templates" / "notifications" / kind
    for name in ("body.txt", "sms.txt"):
        text = (folder / name).read_text()
        assert "url }}" in text, f"{kind}/{name} carries no link"


def test_the_renderer_makes_every_url_absolute_and_keeps_the_path(settings):
    settings.SITE_URL = SITE
    context = {
        "url": "/petitions/15/",
        "title": "Sửa đường",
        "branch": "Chi bộ thôn Song Khê",
        "body": "UBND xã",
        "raised_on": "01/12/2026",
        "deadline": "14/12/2026",
        "petition_id": 15,
        "answer": "Đã sửa.",
        "answered_on": "10/12/2026",
        "answered_by": "",
    }
    message = render_message("petition.answered", context, None)
    assert f"Xem kiến nghị: {SITE}/petitions/15/" in message.body
    assert message.sms.endswith(f"{SITE}/petitions/15/")
    assert message.link == "/petitions/15/"
    assert "Xem kiến nghị: /petitions/15/" not in message.body


def test_a_stored_row_has_its_link_and_full_addresses(db, settings):
    settings.SITE_URL = SITE
    user = UserFactory(username="an", email="an@example.org")
    rows = notification_enqueue(
        recipient=user,
        kind="meeting.agenda_empty",
        dedupe_key="k",
        context={"url": "/meetings/30/", "branch": "Chi bộ", "date": "05/12/2026", "time": "19:30", "days_left": 3},
    )
    assert {row.channel for row in rows} == {"inbox", "email"}
    for row in rows:
        assert row.link == "/meetings/30/"
        assert f"{SITE}/meetings/30/" in row.body


# --- The inbox ------------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def inbox_row(user, key, url="/notifications/preferences/"):
    rows = notification_enqueue(
        recipient=user,
        kind="meeting.agenda_empty",
        dedupe_key=key,
        context={"url": url, "branch": "Chi bộ", "date": "05/12/2026", "time": "19:30", "days_left": 3},
        channels=["inbox"],
    )
    return rows[0]


def test_an_inbox_message_is_a_big_link_that_opens_its_page_and_is_read(db):
    me = UserFactory(username="me")
    row = inbox_row(me, "one")
    client = client_for(me)
    page = client.get(reverse("notifications:inbox")).content.decode()
    opener = reverse("notifications:open", args=[row.pk])
    assert f'<form novalidate method="post" action="{opener}">' in page
    assert '<button type="submit" class="inbox-open list-group-item-action">' in page
    css = (Path(django_settings.BASE_DIR) / "static" / "css" / "chibo.css").read_text()
    assert ".inbox-open { display: block; width: 100%; min-height: 44px;" in css

    assert client.get(opener).status_code == 405  # a GET writes nothing
    assert Notification.objects.get(pk=row.pk).read_at is None
    response = client.post(opener)
    assert response.status_code == 302 and response["Location"] == "/notifications/preferences/"
    assert Notification.objects.get(pk=row.pk).read_at is not None
    assert client.get(response["Location"]).status_code == 200


def test_a_page_the_reader_lost_access_to_stays_a_404(db, tree):
    """The inbox only leads there; the page itself decides (here a member the reader cannot see)."""
    me = UserFactory(username="me")
    someone = MemberFactory(branch=tree.branch)
    row = inbox_row(me, "gone", url=reverse("members:member", args=[someone.pk]))
    client = client_for(me)
    response = client.post(reverse("notifications:open", args=[row.pk]))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 404


def test_another_users_message_is_not_found_and_a_foreign_link_is_not_followed(db):
    me, other = UserFactory(username="me"), UserFactory(username="other")
    theirs = inbox_row(other, "theirs")
    assert client_for(me).post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    mine = inbox_row(me, "mine")
    Notification.objects.filter(pk=mine.pk).update(link="//evil.example.org/")
    response = client_for(me).post(reverse("notifications:open", args=[mine.pk]))
    assert response["Location"] == reverse("notifications:inbox")
