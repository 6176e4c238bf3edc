"""The site is Vietnamese whatever the phone's language; English only when the user chooses it."""

import datetime
import re
import zoneinfo

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from meetings.forms.resolution import TaskOutcomeForm
from meetings.models import Meeting
from members.models import Organization
from oversight.forms.flags import FlagsFilterForm
from oversight.selectors.flags import Period

from .factories import MemberFactory
from .meetings.conftest import make_meeting

ENGLISH_PHONE = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _choose(client, language, next_url="/"):
    response = client.post(reverse("set_language"), {"language": language, "next": next_url}, **ENGLISH_PHONE)
    assert response.status_code == 302 and response["Location"] == next_url
    return response


@pytest.mark.django_db
def test_login_page_is_vietnamese_on_an_english_phone():
    response = Client().get(reverse("accounts:login"), **ENGLISH_PHONE)
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html and "Tên đăng nhập" in html
    assert "Log in" not in html and "Username" not in html
    assert response["Content-Language"] == "vi"
    assert "Accept-Language" not in response.get("Vary", "")


def test_home_and_member_list_are_vietnamese_on_an_english_phone(secretary):
    home = secretary.get(reverse("members:home"), **ENGLISH_PHONE).content.decode()
    assert '<html lang="vi">' in home and "Sinh hoạt" in home and ">Meetings<" not in home
    members = secretary.get(reverse("members:list"), **ENGLISH_PHONE).content.decode()
    assert "Đảng viên" in members and ">Members<" not in members


def test_the_user_menu_switches_to_english_and_it_is_remembered(secretary):
    home = secretary.get(reverse("members:home"), **ENGLISH_PHONE).content.decode()
    assert f'action="{reverse("set_language")}"' in home and 'value="en"' in home  # the switch in the menu

    response = _choose(secretary, "en", next_url=reverse("members:list"))
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 300 * 24 * 3600  # kept after the browser closes

    members = secretary.get(reverse("members:list"), **ENGLISH_PHONE).content.decode()
    assert '<html lang="en">' in members and ">Members<" in members
    home = secretary.get(reverse("members:home")).content.decode()  # any Accept-Language, or none
    assert ">Meetings<" in home and 'value="vi"' in home and "Tiếng Việt" in home  # and the way back

    _choose(secretary, "vi")
    assert '<html lang="vi">' in secretary.get(reverse("members:home"), **ENGLISH_PHONE).content.decode()


def test_the_login_page_follows_the_choice_after_logout(secretary):
    _choose(secretary, "en")
    secretary.post(reverse("accounts:logout"))
    assert "Log in" in secretary.get(reverse("accounts:login"), **ENGLISH_PHONE).content.decode()


def test_an_unknown_language_cookie_falls_back_to_vietnamese(secretary):
    secretary.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="vi">' in secretary.get(reverse("members:home"), **ENGLISH_PHONE).content.decode()


# --- What Django and the libraries say, in Vietnamese ---------------------------------------------


@pytest.mark.system_scope
def test_an_invalid_choice_is_refused_without_repeating_it(secretary, tree):
    huge = "x" * 10_000
    data = {
        "branch": tree.branch.pk,
        "kind": huge,
        "day": "05/12/2026",
        "start_time": "19:30",
        "end_time": "21:30",
        "place": "",
        "topic": "",
    }
    response = secretary.post(reverse("meetings:create"), data, **ENGLISH_PHONE)
    html = response.content.decode()
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "Hãy chọn một lựa chọn hợp lệ" in html
    assert huge[:50] not in html
    listing = secretary.get(reverse("members:list"), {"status": huge}, **ENGLISH_PHONE).content.decode()
    assert listing.count(huge) <= 1  # only the address the user asked for, kept by the language switch


def test_every_choice_field_refuses_without_the_value():
    """The message is installed on the classes that declare it, before any form exists."""
    huge = "y" * 10_000
    fields = [
        forms.ChoiceField(choices=[("a", "A")]),
        forms.TypedChoiceField(choices=[("a", "A")]),
        forms.MultipleChoiceField(choices=[("a", "A")]),
        forms.ModelChoiceField(queryset=Organization.objects.none()),
        forms.ModelMultipleChoiceField(queryset=Organization.objects.none()),
        # Declared when the module was imported; its queryset is given when the form is made.
        FlagsFilterForm(branches=Organization.objects.none(), default=Period.ending(datetime.date(2026, 11, 1))).fields[
            "branch"
        ],
        TaskOutcomeForm.base_fields["outcome"],
    ]
    with translation.override("vi"):
        for field in fields:
            value = [huge] if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField) else huge
            with pytest.raises(ValidationError) as refused:
                field.clean(value)
            (message,) = refused.value.messages
            assert huge[:20] not in message and message.startswith("Hãy chọn một lựa chọn hợp lệ"), message


@pytest.mark.django_db
def test_django_messages_are_vietnamese():
    with translation.override("vi"):
        with pytest.raises(ValidationError) as null:
            forms.CharField().clean("Nguyễn\x00Văn")
        assert null.value.messages == ["Không được nhập ký tự rỗng (null)."]
        with pytest.raises(ValidationError) as number:
            forms.IntegerField().clean("mười")
        assert number.value.messages == ["Hãy nhập một số nguyên."]
        with pytest.raises(ValidationError) as short:
            MinimumLengthValidator().validate("abc")
        assert short.value.messages == ["Mật khẩu quá ngắn: cần ít nhất 8 ký tự."]


def test_a_constraint_says_what_is_wrong_in_vietnamese(tree):
    tree.branch.meeting_day, tree.branch.meeting_weekday, tree.branch.meeting_week = 5, 1, 1
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        tree.branch.validate_constraints()
    (message,) = refused.value.messages
    assert message == "Chỉ chọn một trong hai: ngày trong tháng hoặc thứ trong tuần để sinh hoạt."


def test_the_change_history_labels_are_vietnamese(staff, tree):
    member = MemberFactory(branch=tree.branch, full_name="Phạm Văn Lịch")
    member.phone = "0912345678"
    member.save()
    html = staff.get(reverse("members:member", args=[member.pk]), **ENGLISH_PHONE).content.decode()
    assert "Tạo mới" in html and "Sửa" in html
    assert ": Created" not in html and ": Changed" not in html


def test_the_breadcrumb_is_labelled_in_vietnamese(secretary, tree):
    meeting = make_meeting(tree.branch)
    html = secretary.get(reverse("meetings:detail", args=[meeting.pk]), **ENGLISH_PHONE).content.decode()
    assert 'aria-label="Đường dẫn"' in html and 'aria-label="breadcrumb"' not in html


# --- Dates, times and files whatever the phone's language ------------------------------------------


@pytest.mark.system_scope
def test_dates_and_times_are_typed_dd_mm_yyyy_and_24_hour(secretary, tree):
    html = secretary.get(reverse("meetings:create"), {"branch": tree.branch.pk}, **ENGLISH_PHONE).content.decode()
    for native in ('type="date"', 'type="time"', 'type="month"'):
        assert native not in html
    assert 'name="day" inputmode="numeric"' in html and 'placeholder="ngày/tháng/năm"' in html
    assert 'name="start_time" value="19:30" inputmode="numeric"' in html and 'placeholder="giờ:phút"' in html
    assert 'src="/static/js/inputs.js"' in html

    data = {"branch": tree.branch.pk, "kind": "regular", "day": "05/12/2026", "start_time": "19h30"}
    response = secretary.post(reverse("meetings:create"), {**data, "end_time": "21:30", "place": "", "topic": ""})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert timezone.localtime(meeting.planned_start) == datetime.datetime(2026, 12, 5, 19, 30, tzinfo=TZ)
    edit = secretary.get(reverse("meetings:move", args=[meeting.pk]), **ENGLISH_PHONE).content.decode()
    assert 'type="date"' not in edit and 'type="time"' not in edit


def test_member_dates_show_as_dd_mm_yyyy(secretary, tree):
    member = MemberFactory(branch=tree.branch, date_of_birth=datetime.date(1958, 3, 7))
    html = secretary.get(reverse("members:edit", args=[member.pk]), **ENGLISH_PHONE).content.decode()
    assert 'value="07/03/1958"' in html and 'type="date"' not in html


def test_the_flags_month_is_typed_as_thang_nam(staff):
    html = staff.get(reverse("oversight:flags"), **ENGLISH_PHONE).content.decode()
    assert 'placeholder="tháng/năm"' in html and "mm/yyyy" not in html and 'type="month"' not in html
    # Both ways of writing a month are understood.
    for start in ("06/2026", "2026-06"):
        page = staff.get(reverse("oversight:flags"), {"start": start, "end": "11/2026"})
        assert page.status_code == 200 and page.context["period"].first == datetime.date(2026, 6, 1)


def test_the_file_input_has_a_vietnamese_button_and_no_native_text(secretary, tree):
    html = secretary.get(reverse("members:import", args=[tree.branch.pk]), **ENGLISH_PHONE).content.decode()
    assert 'class="visually-hidden" data-file-pick' in html
    assert "Chọn tệp" in html and "Chưa chọn tệp nào" in html
    assert 'src="/static/js/inputs.js"' in html


def _msgstrs() -> list[str]:
    po = (settings.BASE_DIR / "locale/vi/LC_MESSAGES/django.po").read_text()
    texts = []
    for entry in po.split("\n\n"):
        _, found, rest = entry.partition("\nmsgstr")
        if found:
            texts.append("".join(part.split('"', 1)[1].rsplit('"', 1)[0] for part in rest.splitlines() if '"' in part))
    return texts


def test_users_are_addressed_as_dong_chi_never_ban():
    texts = _msgstrs()
    assert len(texts) > 1000
    assert any("đồng chí" in text for text in texts)
    offending = [text for text in texts if re.search(r"\b[Bb]ạn\b", text)]
    assert offending == []


def test_errors_name_dates_and_times_as_the_placeholders_do():
    # The placeholders say "ngày/tháng/năm", "giờ:phút", "tháng/năm"; the errors say the same.
    offending = [text for text in _msgstrs() if any(word in text for word in ("dd/mm/yyyy", "HH:MM", "mm/yyyy"))]
    assert offending == []


def test_empty_pickers_say_choose_not_dashes(secretary, tree):
    meeting = make_meeting(tree.branch)
    page = secretary.get(reverse("meetings:edit", args=[meeting.pk]), **ENGLISH_PHONE).content.decode()
    chair = re.search(r'<select name="chair".*?</select>', page, re.S).group()
    assert '<option value="" selected>— chọn —</option>' in chair
    assert "---------" not in page
    # A model field's own blank choice too (Field.get_choices), and in English.
    with translation.override("en"):
        assert Meeting._meta.get_field("kind").get_choices()[0] == ("", "— choose —")
