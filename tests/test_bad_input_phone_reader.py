"""Bad input, second pass (issue 22): one reader of phone numbers (notifications.phones) for the SMS
phone, the register and the member import: digits 0-9 only, "+84", "84", "0084", spaces, dots,
dashes and brackets normalised to 0xxxxxxxxx; the SMS phone a mobile (03, 05, 07, 08, 09); the
sender dials only a whole stored mobile number; a citizen ID in digits 0-9 too."""

import pytest
from django.urls import reverse

from members.models import Member
from members.services import imports
from notifications.addresses import address_for
from notifications.models import VN_MOBILE, ChannelPreference, NotificationChannel
from notifications.phones import NotAPhoneNumber, NotAsciiDigits, normalize_phone
from tests.factories import UserFactory

pytestmark = pytest.mark.system_scope

ARABIC = "09١٢٣٤٥٦٧٨"
FULL_WIDTH = "０９１２３４５６７８"


@pytest.mark.parametrize(
    "typed",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912 345 678",
        "+84912345678",
        "(+84) 0912 345 678",  # the country code and the leading 0 both typed
        "84912345678",
        "0084 912 345 678",
    ],
)
def test_a_mobile_number_however_typed_is_0_and_nine_digits(typed):
    assert normalize_phone(typed, mobile=True) == "0912345678"
    assert normalize_phone(typed) == "0912345678"


@pytest.mark.parametrize("prefix", ["03", "05", "07", "08", "09"])
def test_every_mobile_prefix(prefix):
    assert normalize_phone(f"{prefix}12345678", mobile=True) == f"{prefix}12345678"


@pytest.mark.parametrize("typed", [ARABIC, FULL_WIDTH, "09²2345678", "0912 345 67٨"])
def test_other_digits_are_refused_as_such(typed):
    with pytest.raises(NotAsciiDigits):
        normalize_phone(typed)


@pytest.mark.parametrize(
    "typed",
    ["091234567", "09123456789", "0112345678", "0212345678", "02433123456", "+1 202 555 0100", "0912abc678", ""],
)
def test_anything_else_is_not_a_mobile(typed):
    with pytest.raises(NotAPhoneNumber):
        normalize_phone(typed, mobile=True)


def test_a_landline_is_a_phone_but_not_a_mobile():
    assert normalize_phone("024 3312 3456") == "02433123456"
    assert normalize_phone("+84 24 3312 3456") == "02433123456"
    with pytest.raises(NotAPhoneNumber):
        normalize_phone("024 3312 3456", mobile=True)


# --- The sender ----------------------------------------------------------------------------------


@pytest.mark.parametrize("stored", ["0912345678\n", ARABIC, FULL_WIDTH, "0912345678 ", "x0912345678"])
def test_the_sender_dials_only_a_whole_stored_mobile_number(db, stored):
    user = UserFactory(username="old")
    preference = ChannelPreference.objects.create(user=user, sms_enabled=True, phone="0912345678")
    preference.phone = stored  # written before the forms normalised numbers
    assert address_for(user, NotificationChannel.SMS, preference) == ""
    preference.phone = "0912345678"
    assert address_for(user, NotificationChannel.SMS, preference) == "0912345678"


def test_the_stored_mobile_pattern_is_ascii():
    assert VN_MOBILE.regex.fullmatch("0912345678")
    assert not VN_MOBILE.regex.search(ARABIC)
    assert not VN_MOBILE.regex.search("0912345678\n")


# --- The SMS phone on the preferences page -------------------------------------------------------


def test_the_preferences_store_the_normalised_mobile_or_refuse_in_vietnamese(client, db):
    user = UserFactory(username="me", email="me@example.org")
    client.force_login(user)
    url = reverse("notifications:preferences")

    response = client.post(url, {"sms_enabled": "on", "phone": "(+84) 0912-345-678", "email": "me@example.org"})
    assert response.status_code == 302
    assert ChannelPreference.objects.get(user=user).phone == "0912345678"

    response = client.post(url, {"sms_enabled": "on", "phone": "024 3312 3456", "email": "me@example.org"})
    assert response.status_code == 200
    assert "Nhập số di động Việt Nam" in response.content.decode()
    assert ChannelPreference.objects.get(user=user).phone == "0912345678"


# --- The register and the import ----------------------------------------------------------------


def member_data(tree, **fields):
    return {"full_name": "Phạm Thị Lan", "branch": tree.branch.pk, "status": "probationary", **fields}


def test_the_register_keeps_a_landline_normalised(secretary, tree):
    response = secretary.post(reverse("members:create"), member_data(tree, phone="+84 24 3312 3456"))
    assert response.status_code == 302, response.context["form"].errors
    assert Member.objects.get().phone == "02433123456"


@pytest.mark.parametrize("typed", ["٠٠١٠٧٥٠١٢٣٤٥", "００１０７５０１２３４５"])
def test_a_citizen_id_in_other_digits_is_refused(secretary, tree, typed):
    response = secretary.post(reverse("members:create"), member_data(tree, citizen_id=typed))
    assert response.status_code == 200
    assert "citizen_id" in response.context["form"].errors
    assert not Member.objects.exists()


def row_errors(cells: dict[str, str]) -> list[str]:
    header = ["Họ và tên", "Ngày sinh", "Số CCCD", "Điện thoại"]
    row = [cells.get(name, "") for name in header]
    parsed = imports._read_table([header, ["Nguyễn Văn An", "15/03/1975", *row[2:]]])
    return [imports.row_error_message(error) for error in parsed.rows[0]["errors"]]


def test_the_import_names_a_phone_in_other_digits(settings):
    settings.LANGUAGE_CODE = "vi"
    assert row_errors({"Điện thoại": ARABIC}) == [
        f"Dòng 2: số điện thoại “{ARABIC}” phải được viết bằng các chữ số từ 0 đến 9."
    ]
    assert row_errors({"Điện thoại": "+84 912 345 678"}) == []
    assert row_errors({"Số CCCD": "٠٠١٠٧٥٠١٢٣٤٥"}) != []
