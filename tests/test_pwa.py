"""The installable app (chibo/pwa.py) and which pages a phone may keep for use offline (meetings.offline)."""

import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from meetings.models import MeetingStatus

from .meetings.conftest import make_meeting

pytestmark = pytest.mark.system_scope


def test_the_manifest_names_the_app_in_vietnamese_with_icons_and_the_party_red(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Chi bộ"
    assert data["start_url"] == "/"
    assert data["display"] == "standalone"
    assert data["theme_color"] == "#b02a37"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL).lstrip("/").removeprefix("static/"))


def test_the_service_worker_is_served_from_the_root_with_its_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    source = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"X-Chibo-Offline" in source  # the Workbox bundle built from assets/sw.js


def test_the_policy_allows_this_sites_worker_and_manifest_only(secretary):
    policy = secretary.get("/").headers["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy


def test_the_offline_page_needs_no_login(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    assert "mạng" in response.content.decode()


@pytest.fixture
def meeting(tree):
    return make_meeting(tree.branch)


def pages(meeting):
    return [
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:roll", args=[meeting.pk]),
        reverse("meetings:minutes", args=[meeting.pk]) + "?step=speeches",
        reverse("petitions:record") + f"?meeting={meeting.pk}",
    ]


def test_the_secretary_may_keep_the_meetings_pages_offline(secretary, meeting):
    for url in pages(meeting):
        response = secretary.get(url)
        assert response.status_code == 200, url
        assert response["X-Chibo-Offline"] == f"meeting-{meeting.pk}", url
        assert b'data-offline-meeting="%d"' % meeting.pk in response.content
        assert b'data-offline-script="/static/build/offline.js"' in response.content


def test_commune_staff_and_a_plain_member_never_keep_them(staff, plain_member, meeting):
    for client in (staff, plain_member):
        for url in pages(meeting)[:2]:
            response = client.get(url)
            assert "X-Chibo-Offline" not in response, url
            assert b"build/offline.js" not in response.content


def test_the_chair_may_keep_them(plain_member, meeting):
    meeting.chair = plain_member.user.member
    meeting.save()
    response = plain_member.get(reverse("meetings:detail", args=[meeting.pk]))
    assert response["X-Chibo-Offline"] == f"meeting-{meeting.pk}"


def test_after_adoption_the_phone_is_told_to_forget_them(secretary, meeting):
    meeting.status = MeetingStatus.ADOPTED
    meeting.save()
    response = secretary.get(reverse("meetings:roll", args=[meeting.pk]))
    assert "X-Chibo-Offline" not in response
    assert response["X-Chibo-Offline-Forget"] == "1"


def test_logging_out_clears_what_the_site_stored_on_the_phone(secretary):
    response = secretary.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
