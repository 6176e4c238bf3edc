"""The member list, search, forms and history pages."""

import datetime
import unicodedata

import pytest
from django.urls import reverse

from members.models import AccessLog, Member, Position, Role

from ..factories import MemberFactory

pytestmark = pytest.mark.system_scope


@pytest.fixture
def an(tree):
    return MemberFactory(branch=tree.branch, full_name="Nguyễn Văn An", party_card_number="55550001")


@pytest.mark.parametrize(
    "typed",
    ["nguyen van an", "NGUYỄN VĂN AN", "Nguyễn Văn An", unicodedata.normalize("NFD", "Nguyễn Văn An"), "van an"],
)
def test_search_ignores_accents_case_and_nfd(staff, an, tree, typed):
    MemberFactory(branch=tree.branch, full_name="Nguyễn Văn Bản")
    MemberFactory(branch=tree.branch, full_name="Trần Thị Bình")
    response = staff.get(reverse("members:list"), {"q": typed})
    assert [m.full_name for m in response.context["page"]] == ["Nguyễn Văn An"]


def test_list_filters(staff, tree):
    MemberFactory(branch=tree.branch, full_name="A Chính Thức")
    MemberFactory(branch=tree.sibling, full_name="B Dự Bị", status="probationary", full_member_on=None)
    MemberFactory(branch=tree.branch, full_name="C Miễn", exempt_since=datetime.date(2024, 1, 1))
    MemberFactory(branch=tree.branch, full_name="D Đã Đi", left_on=datetime.date(2025, 1, 1), leave_reason="transfer")

    def listed(**params):
        return {m.full_name for m in staff.get(reverse("members:list"), params).context["page"]}

    assert listed() == {"A Chính Thức", "B Dự Bị", "C Miễn"}
    assert listed(branch=tree.sibling.pk) == {"B Dự Bị"}
    assert listed(status="probationary") == {"B Dự Bị"}
    assert listed(exempt="true") == {"C Miễn"}
    assert listed(exempt="false") == {"A Chính Thức", "B Dự Bị"}
    assert listed(left="left") == {"D Đã Đi"}
    assert len(listed(left="all")) == 4


def test_list_paginates(staff, tree):
    MemberFactory.create_batch(55, branch=tree.branch)
    first = staff.get(reverse("members:list"))
    assert len(first.context["page"]) == 50
    second = staff.get(reverse("members:list"), {"page": 2})
    assert len(second.context["page"]) == 5


@pytest.mark.parametrize("size", [5, 50])
def test_member_list_query_count_does_not_grow(staff, tree, size, django_assert_num_queries):
    MemberFactory.create_batch(size, branch=tree.branch)
    url = reverse("members:list")
    staff.get(url)  # warm the session
    with django_assert_num_queries(9):  # + the unread count in the header, + the access log entry
        response = staff.get(url)
    assert response.status_code == 200


def test_create_member_keeps_input_and_explains_errors(secretary, tree):
    data = {
        "full_name": "Phạm Thị Lan",
        "branch": tree.branch.pk,
        "status": "full",
        "admitted_on": "2010-05-01",
        "full_member_on": "2009-05-01",
        "phone": "12345",
        "citizen_id": "123",
        "ethnicity": "Kinh",
    }
    response = secretary.post(reverse("members:create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "full_member_on" in form.errors
    assert "phone" in form.errors
    assert "citizen_id" in form.errors
    assert 'value="Phạm Thị Lan"' in response.content.decode()
    assert not Member.objects.filter(full_name="Phạm Thị Lan").exists()


def test_create_member_normalises_phone_and_records_author(secretary, tree):
    data = {
        "full_name": "Phạm Thị Lan",
        "branch": tree.branch.pk,
        "status": "full",
        "admitted_on": "01/05/2010",
        "full_member_on": "01/05/2011",
        "phone": "+84 912 345 678",
        "ethnicity": "Kinh",
    }
    response = secretary.post(reverse("members:create"), data)
    member = Member.objects.get(full_name="Phạm Thị Lan")
    assert response.status_code == 302
    assert member.phone == "0912345678"
    assert member.history.get().history_user == secretary.user


def test_secretary_cannot_move_member_into_another_branch(secretary, tree, an):
    data = {"full_name": an.full_name, "branch": tree.sibling.pk, "status": "full", "ethnicity": "Kinh"}
    response = secretary.post(reverse("members:edit", args=[an.pk]), data)
    assert response.status_code == 200
    assert "branch" in response.context["form"].errors
    an.refresh_from_db()
    assert an.branch == tree.branch


def test_edit_is_recorded_and_shown_to_editors_only(secretary, leader, an, tree):
    data = {
        "full_name": "Nguyễn Văn An",
        "branch": tree.branch.pk,
        "status": "full",
        "admitted_on": "2000-01-10",
        "full_member_on": "2001-01-10",
        "phone": "0987654321",
        "ethnicity": "Kinh",
        "party_card_number": an.party_card_number,
    }
    assert secretary.post(reverse("members:edit", args=[an.pk]), data).status_code == 302
    page = secretary.get(reverse("members:member", args=[an.pk]))
    changes = [c for entry in page.context["history"] for c in entry["changes"]]
    assert {"old": "", "new": "0987654321"}.items() <= next(c for c in changes if c["new"] == "0987654321").items()
    assert page.context["history"][0]["record"].history_user == secretary.user
    assert "history" not in leader.get(reverse("members:member", args=[an.pk])).context


def test_leaving_keeps_the_record(secretary, an):
    url = reverse("members:leave", args=[an.pk])
    bad = secretary.post(url, {"left_on": "", "leave_reason": ""})
    assert bad.status_code == 200 and bad.context["form"].errors
    response = secretary.post(url, {"left_on": "15/11/2026", "leave_reason": "transfer", "leave_note": "Chuyển đi"})
    assert response.status_code == 302
    an.refresh_from_db()
    assert an.left_on == datetime.date(2026, 11, 15)
    assert an.leave_reason == "transfer"
    assert secretary.get(reverse("members:member", args=[an.pk])).status_code == 200


def test_pages_render_for_each_persona(staff, secretary, leader, cadre, plain_member, tree, an):
    for client in (staff, secretary, leader, cadre, plain_member):
        for url in [reverse("members:home"), reverse("members:tree"), reverse("members:list")]:
            assert client.get(url).status_code == 200, url
        assert client.get(reverse("members:organization", args=[tree.branch.pk])).status_code == 200


def test_login_page_is_vietnamese(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


def test_reading_and_exporting_member_data_is_logged_without_personal_data(staff, an, tree):

    staff.get(reverse("members:member", args=[an.pk]))
    staff.get(reverse("members:export", args=[tree.branch.pk]))
    entries = list(AccessLog.objects.order_by("at", "pk").values_list("user", "action", "member_id", "organization_id"))
    assert entries == [
        (staff.user.pk, "view_member", an.pk, tree.branch.pk),
        (staff.user.pk, "export_branch", None, tree.branch.pk),
    ]


def test_member_who_leaves_loses_branch_roles_and_positions(secretary, plain_member, tree):

    member = plain_member.user.member
    position = Position.objects.create(
        member=member, branch=tree.branch, kind="committee", started_on=datetime.date(2020, 1, 1)
    )
    response = secretary.post(
        reverse("members:leave", args=[member.pk]), {"left_on": "15/11/2026", "leave_reason": "expulsion"}
    )
    assert response.status_code == 302
    assert not Role.objects.filter(user=plain_member.user).exists()
    position.refresh_from_db()
    assert position.ended_on == datetime.date(2026, 11, 15)
    assert plain_member.get(reverse("members:organization", args=[tree.branch.pk])).status_code == 404
    assert Role.history.filter(user_id=plain_member.user.pk, history_type="-").get().history_user == secretary.user


def test_readers_do_not_see_citizen_ids(leader, secretary, an):
    Member.objects.filter(pk=an.pk).update(citizen_id="001075012345")
    assert "001075012345" not in leader.get(reverse("members:member", args=[an.pk])).content.decode()
    assert "001075012345" in secretary.get(reverse("members:member", args=[an.pk])).content.decode()


def test_bad_branch_parameter_is_ignored(secretary):
    assert secretary.get(reverse("members:create"), {"branch": "abc"}).status_code == 200


def test_secretary_edits_the_meeting_place_but_not_the_branch_name_or_code(secretary, staff, tree):
    url = reverse("members:organization_edit", args=[tree.branch.pk])
    data = {"name": "Đổi tên", "code": "doi-ma", "meeting_place": "Nhà văn hóa mới", "meeting_day": 10}
    assert secretary.post(url, data).status_code == 302
    tree.branch.refresh_from_db()
    assert (tree.branch.name, tree.branch.code) == ("Chi bộ thôn Song Khê", "song-khe")
    assert (tree.branch.meeting_place, tree.branch.meeting_day) == ("Nhà văn hóa mới", 10)
    assert staff.post(url, {**data, "name": "Chi bộ thôn Song Khê 1"}).status_code == 302
    tree.branch.refresh_from_db()
    assert tree.branch.name == "Chi bộ thôn Song Khê 1"
