"""The roll of 161 (and 300+) names: look-alike names told apart wherever a member is picked or
listed (roll, speakers, chair and minute-taker, cadre pickers), and the search box on the roll."""

import datetime

import pytest
from django.urls import reverse

from meetings.forms.cadres import CadreAssignmentForm
from meetings.forms.minutes import SpeechForm
from meetings.forms.schedule import MeetingEditForm
from members.forms.fields import MemberChoiceField
from members.models import Member, Organization

from .factories import MemberFactory
from .meetings.conftest import make_meeting

pytestmark = pytest.mark.system_scope


def _oanh(branch, year, residence, **fields):
    return MemberFactory(
        branch=branch,
        full_name="Nguyễn Thị Oanh",
        date_of_birth=datetime.date(year, 3, 1),
        residence=residence,
        **fields,
    )


@pytest.mark.parametrize(
    ("residence", "place"),
    [
        ("Xóm 3, thôn Song Khê, xã Tam Hưng, Hà Nội", "Xóm 3"),
        ("Thôn Phú Thịnh, xã Tam Hưng, Hà Nội", "Thôn Phú Thịnh"),
        ("Số 12 ngõ 4 đường Đức Thắng, Tổ dân phố số 7, phường Đức Thắng", "Tổ dân phố số 7"),
        ("Số 5 đường Nguyễn Huệ, khóm 3, phường 1, Cao Lãnh", "khóm 3"),
        ("Ấp Hòa Khánh, xã Mỹ Hiệp", "Ấp Hòa Khánh"),
        ("Số 9 phố Viên", "Số 9 phố Viên"),
        ("", ""),
    ],
)
def test_place_is_the_hamlet_or_group_of_the_residence(residence, place):
    assert Member(full_name="A", residence=residence).place == place


def test_distinct_label_has_birth_year_and_hamlet():
    member = Member(full_name="Nguyễn Thị Oanh", date_of_birth=datetime.date(1962, 1, 1), residence="Xóm 3, thôn X")
    assert member.distinct_label == "Nguyễn Thị Oanh (1962, Xóm 3)"
    assert Member(full_name="Lê Văn Ba").distinct_label == "Lê Văn Ba"
    assert Member(full_name="Lê Văn Ba", date_of_birth=datetime.date(1950, 1, 1)).distinct_label == "Lê Văn Ba (1950)"


def test_labels_add_the_suffix_only_where_names_collide(tree):
    first = _oanh(tree.branch, 1962, "Xóm 3, thôn Song Khê")
    second = _oanh(tree.branch, 1975, "Xóm 5, thôn Song Khê")
    third = MemberFactory(branch=tree.branch, full_name="Trần Văn Bình")
    labels = Member.labels([first, second, third])
    assert labels == {
        first.pk: "Nguyễn Thị Oanh (1962, Xóm 3)",
        second.pk: "Nguyễn Thị Oanh (1975, Xóm 5)",
        third.pk: "Trần Văn Bình",
    }


def test_labels_still_differ_when_year_and_hamlet_are_the_same(tree):
    first = _oanh(tree.branch, 1962, "Xóm 3")
    second = _oanh(tree.branch, 1962, "Xóm 3")
    labels = Member.labels([first, second])
    assert len(set(labels.values())) == 2
    assert labels[first.pk] == f"Nguyễn Thị Oanh (1962, Xóm 3) #{first.pk}"


def test_the_roll_tells_look_alikes_apart_and_has_a_search_box(secretary, tree):
    meeting = make_meeting(tree.branch)
    _oanh(tree.branch, 1962, "Xóm 3, thôn Song Khê")
    _oanh(tree.branch, 1975, "Xóm 5, thôn Song Khê")
    MemberFactory(branch=tree.branch, full_name="Phạm Văn Khải")
    html = secretary.get(reverse("meetings:roll", args=[meeting.pk])).content.decode()
    assert "Nguyễn Thị Oanh (1962, Xóm 3)" in html
    assert "Nguyễn Thị Oanh (1975, Xóm 5)" in html
    assert "Phạm Văn Khải</span>" in html  # no suffix where the name is unique
    assert 'id="roll-search"' in html and "data-roll-search" in html
    # The sheet on paper too.
    sheet = secretary.get(reverse("meetings:attendance_sheet", args=[meeting.pk])).content.decode()
    assert "Nguyễn Thị Oanh (1975, Xóm 5)" in sheet


def test_chair_minute_taker_and_cadre_pickers_tell_look_alikes_apart(tree):
    meeting = make_meeting(tree.branch)
    first = _oanh(tree.branch, 1962, "Xóm 3")
    second = _oanh(tree.branch, 1975, "Xóm 5")
    form = MeetingEditForm(instance=meeting)
    for name in ("chair", "minute_taker"):
        assert isinstance(form.fields[name], MemberChoiceField)
        labels = dict((str(value), label) for value, label in form.fields[name].choices)
        assert labels[str(first.pk)] == "Nguyễn Thị Oanh (1962, Xóm 3)"
        assert labels[str(second.pk)] == "Nguyễn Thị Oanh (1975, Xóm 5)"
        assert "data-filter" in str(form[name])  # static/js/pick.js filters it as you type
    cadres = CadreAssignmentForm(cadres=Member.objects.filter(branch=tree.branch), branches=Organization.objects.none())
    labels = [label for _value, label in cadres.fields["cadre"].choices]
    assert "Nguyễn Thị Oanh (1975, Xóm 5)" in labels


def test_a_speaker_picked_by_label_is_that_member(tree):
    first = _oanh(tree.branch, 1962, "Xóm 3")
    second = _oanh(tree.branch, 1975, "Xóm 5")
    members = Member.objects.filter(branch=tree.branch)
    form = SpeechForm({"speaker_name": "Nguyễn Thị Oanh (1975, Xóm 5)", "text": "Ý kiến."}, members=members)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["speaker"] == second
    assert form.cleaned_data["speaker_name"] == "Nguyễn Thị Oanh"  # the minutes keep the plain name
    # The bare name is ambiguous: kept as typed, linked to nobody.
    form = SpeechForm({"speaker_name": "Nguyễn Thị Oanh", "text": "Ý kiến."}, members=members)
    assert form.is_valid()
    assert form.cleaned_data["speaker"] is None
    form = SpeechForm({"speaker_name": "Nguyễn Thị Oanh (1962, Xóm 3)", "text": "Ý kiến."}, members=members)
    assert form.is_valid()
    assert form.cleaned_data["speaker"] == first


def test_the_minutes_speaker_list_offers_the_labels(secretary, tree):
    meeting = make_meeting(tree.branch)
    _oanh(tree.branch, 1962, "Xóm 3")
    _oanh(tree.branch, 1975, "Xóm 5")
    html = secretary.get(reverse("meetings:minutes", args=[meeting.pk]) + "?step=speeches").content.decode()
    assert '<option value="Nguyễn Thị Oanh (1962, Xóm 3)">' in html
    assert '<option value="Nguyễn Thị Oanh (1975, Xóm 5)">' in html
