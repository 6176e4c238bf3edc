"""Bad input, second pass (issue 22): only real phone numbers (digits 0-9, a Vietnamese mobile for
SMS), and names and titles without bidirectional overrides or zero-width characters."""

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import AgendaItem, CadreAssignment
from members.models import Member
from members.text import NotAsciiDigits, clean_name, normalize_phone, strip_controls
from notifications.addresses import address_for
from notifications.models import ChannelPreference, NotificationChannel
from tests.factories import MemberFactory, UserFactory
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.system_scope

DIGITS_ONLY = "Hãy gõ số điện thoại bằng các chữ số từ 0 đến 9."
ARABIC = "09١٢٣٤٥٦٧٨"
FULL_WIDTH = "０９１２３４５６７８"
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"


# --- The SMS phone -----------------------------------------------------------------------------


@pytest.fixture
def me(db):
    user = UserFactory(username="me", email="me@example.org")
    ChannelPreference.objects.create(user=user, email_enabled=True, sms_enabled=False, phone="")
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def post_preferences(client, phone):
    return client.post(
        reverse("notifications:preferences"),
        {"email_enabled": "on", "sms_enabled": "on", "phone": phone, "email": "me@example.org"},
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+84 912 345 678", "0912345678"),
        ("+84 (912) 345-678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0352 345 678", "0352345678"),
    ],
)
def test_a_mobile_number_is_stored_as_0_and_nine_digits(me, typed, stored):
    assert post_preferences(me, typed).status_code == 302
    assert ChannelPreference.objects.get(user=me.user).phone == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (ARABIC, DIGITS_ONLY),
        (FULL_WIDTH, DIGITS_ONLY),
        ("09²2345678", DIGITS_ONLY),
        ("02433123456", "Nhập số di động Việt Nam"),  # a landline gets no SMS
        ("0112345678", "Nhập số di động Việt Nam"),
        ("+1 202 555 0100", "Nhập số di động Việt Nam"),
    ],
)
def test_anything_but_a_mobile_in_digits_0_to_9_is_refused(me, typed, message):
    response = post_preferences(me, typed)

    assert response.status_code == 200
    assert message in response.content.decode()
    preference = ChannelPreference.objects.get(user=me.user)
    assert (preference.sms_enabled, preference.phone) == (False, "")


def test_a_stored_number_in_other_digits_is_not_dialled(db):
    user = UserFactory(username="old")
    preference = ChannelPreference.objects.create(user=user, sms_enabled=True, phone=ARABIC)
    assert address_for(user, NotificationChannel.SMS, preference) == ""
    preference.phone = "+84912345678"  # written before numbers were normalised: still dialled
    assert address_for(user, NotificationChannel.SMS, preference) == "+84912345678"


# --- The member's phone ----------------------------------------------------------------------


@pytest.mark.parametrize("typed", [ARABIC, FULL_WIDTH, "0912 345 67٨"])
def test_normalize_phone_refuses_other_digits(typed):
    with pytest.raises(NotAsciiDigits):
        normalize_phone(typed)


def member_data(tree, **fields):
    return {"full_name": "Phạm Thị Lan", "branch": tree.branch.pk, "status": "probationary", **fields}


@pytest.mark.parametrize("typed", [ARABIC, FULL_WIDTH])
def test_the_member_form_refuses_a_phone_in_other_digits(secretary, tree, typed):
    response = secretary.post(reverse("members:create"), member_data(tree, phone=typed))

    assert response.status_code == 200
    assert DIGITS_ONLY in response.content.decode()
    assert not Member.objects.exists()


# --- Names and titles --------------------------------------------------------------------------


def test_strip_controls_drops_every_invisible_format_character():
    assert strip_controls(f"Nguyễn{INVISIBLE} Văn An") == "Nguyễn Văn An"
    assert clean_name("\u202eNguyễn Văn\u200b An\u202c") == "Nguyễn Văn An"
    assert clean_name("Nguyễn\u2066 Văn An\u2069\ufeff") == "Nguyễn Văn An"


def test_a_members_name_loses_the_override_and_the_zero_width_space(secretary, tree):
    response = secretary.post(
        reverse("members:create"),
        member_data(tree, full_name="\u202eNguyễn\u200b Thị Lan\u202c", residence="Thôn\u200b Song Khê\u2067"),
    )

    assert response.status_code == 302
    member = Member.objects.get()
    assert (member.full_name, member.name_key, member.residence) == (
        "Nguyễn Thị Lan",
        "nguyen thi lan",
        "Thôn Song Khê",
    )


def test_a_name_of_nothing_but_invisible_characters_is_missing(secretary, tree):
    response = secretary.post(reverse("members:create"), member_data(tree, full_name="\u200b\u202e"))
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert not Member.objects.exists()


def test_titles_lose_them_too(staff, secretary, tree):
    meeting = make_meeting(tree.branch)
    response = secretary.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {"title": "Thảo luận\u200b nhiệm vụ\u202e", "kind": "other", "presenter": "\u2066Bí thư\u2069"},
    )
    assert response.status_code in (200, 302)
    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.title, item.presenter) == ("Thảo luận nhiệm vụ", "Bí thư")

    cadre = MemberFactory(branch=tree.branch, full_name="Lê Quang Vĩnh")
    response = staff.post(
        reverse("meetings:cadre_assignment_create"),
        {
            "cadre": cadre.pk,
            "title": "\u202ePhó Bí thư\u200d Đảng ủy",
            "branch": tree.branch.pk,
            "started_on": "01/01/2026",
        },
    )
    assert response.status_code == 302
    assert CadreAssignment.objects.get().title == "Phó Bí thư Đảng ủy"


def test_a_title_of_nothing_but_invisible_characters_is_missing(secretary, tree):
    meeting = make_meeting(tree.branch)
    response = secretary.post(
        reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "\u200b\u202e", "kind": "other"}
    )
    assert not AgendaItem.objects.filter(meeting=meeting).exists()
    assert response.status_code in (200, 302)
