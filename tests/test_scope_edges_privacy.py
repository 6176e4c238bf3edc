"""Privacy at the edges (issue 11): the neutral party card message and the conflicts it leaves for
commune staff; the access log of pages and documents that name members, and who reads it."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from members.models import AccessLog, CardConflict, Member, RoleKind

from .factories import MemberFactory, UserFactory, give_role
from .meetings.conftest import make_meeting
from .meetings.test_documents import held_meeting
from .members.test_import import HEADERS, csv_file, preview_plan, upload_ok

pytestmark = pytest.mark.system_scope

NEUTRAL_VI = "Không dùng được số thẻ này; đề nghị liên hệ Văn phòng Đảng ủy."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def holders(tree):
    """Card holders: one in Phú Thịnh (same commune as Song Khê), one in phường Đức Thắng."""
    return {
        "sibling": MemberFactory(branch=tree.sibling, full_name="Hoàng Văn Kề", party_card_number="81000001"),
        "far": MemberFactory(branch=tree.other_branch, full_name="Đỗ Thị Xa", party_card_number="81000002"),
    }


def new_member(card: str, branch) -> dict:
    return {
        "full_name": "Phạm Thị Mới",
        "branch": branch.pk,
        "status": "full",
        "admitted_on": "2010-05-01",
        "full_member_on": "2011-05-01",
        "ethnicity": "Kinh",
        "party_card_number": card,
    }


# --- The party card number ----------------------------------------------------------------------


@pytest.mark.parametrize("card", ["81000001", "81000002"])
def test_the_form_refuses_a_card_held_outside_scope_in_neutral_words(secretary, tree, holders, card):
    response = secretary.post(reverse("members:create"), new_member(card, tree.branch))
    assert response.status_code == 200
    assert response.context["form"].errors["party_card_number"] == [NEUTRAL_VI]
    html = response.content.decode()
    assert "Hoàng Văn Kề" not in html and "Đỗ Thị Xa" not in html
    assert not Member.objects.filter(full_name="Phạm Thị Mới").exists()
    conflict = CardConflict.objects.get()
    holder = Member.objects.get(party_card_number=card)
    assert (conflict.tried_by, conflict.member, conflict.branch, conflict.member_branch, conflict.source) == (
        secretary.user,
        holder,
        tree.branch,
        holder.branch,
        "form",
    )


def test_the_same_words_for_a_card_nobody_holds_are_not_given(secretary, tree, holders):
    """A free number is accepted: only taken numbers get the neutral refusal (the same for all)."""
    response = secretary.post(reverse("members:create"), new_member("81000999", tree.branch))
    assert response.status_code == 302
    assert not CardConflict.objects.exists()


def test_a_card_held_by_a_member_the_user_sees_is_named_as_taken(staff, tree, holders):
    """Commune staff see Phú Thịnh's members: the clash is no secret to them, and nothing is recorded."""
    response = staff.post(reverse("members:create"), new_member("81000001", tree.branch))
    assert response.status_code == 200
    assert response.context["form"].errors["party_card_number"] == [
        "Số thẻ đảng viên này đã thuộc về một đảng viên khác."
    ]
    assert not CardConflict.objects.exists()


def test_the_importer_refuses_in_neutral_words_and_records_the_conflict_once(secretary, tree, holders):
    rows = [
        ["Người Một", "01/01/1970", "Nam", "Kinh", "", "81000001", "", "", "Dự bị", "", "", "", ""],
        ["Người Hai", "01/01/1971", "Nam", "Kinh", "", "81000002", "", "", "Dự bị", "", "", "", ""],
        ["Người Ba", "01/01/1972", "Nam", "Kinh", "", "81000003", "", "", "Dự bị", "", "", "", ""],
    ]
    batch = upload_ok(secretary, tree.branch, csv_file(rows, header=HEADERS))
    response, plan = preview_plan(secretary, batch)
    preview_plan(secretary, batch)  # a second look records nothing more
    html = response.content.decode()
    assert html.count(NEUTRAL_VI) == 2
    assert "Hoàng Văn Kề" not in html and "Đỗ Thị Xa" not in html
    assert [r.action for r in plan.rows] == ["error", "error", "create"]
    assert sorted(CardConflict.objects.values_list("member__full_name", "source")) == [
        ("Hoàng Văn Kề", "import"),
        ("Đỗ Thị Xa", "import"),
    ]


def test_conflicts_are_listed_for_staff_who_see_both_records(secretary, staff, outsider, leader, tree, holders):
    secretary.post(reverse("members:create"), new_member("81000001", tree.branch))  # both in Tam Hưng
    secretary.post(reverse("members:create"), new_member("81000002", tree.branch))  # the holder in Đức Thắng
    url = reverse("members:card_conflicts")
    listed = staff.get(url)
    assert listed.status_code == 200
    assert [c.member.full_name for c in listed.context["page"]] == ["Hoàng Văn Kề"]
    assert "Hoàng Văn Kề" in listed.content.decode()
    # Đức Thắng's staff see neither: one record of each conflict is outside their commune.
    assert list(outsider.get(url).context["page"]) == []
    province = UserFactory(username="tinh-uy")
    give_role(province, RoleKind.COMMUNE_STAFF, tree.province)
    assert len(client_for(province).get(url).context["page"]) == 2
    for refused in (secretary, leader):
        assert refused.get(url).status_code == 404


# --- The access log ------------------------------------------------------------------------------


def test_pages_and_documents_that_name_members_are_logged_with_ids_only(staff, tree):
    meeting = held_meeting(tree)
    AccessLog.objects.all().delete()
    staff.get(reverse("members:list"))
    staff.get(reverse("members:list"), {"branch": tree.branch.pk})
    staff.get(reverse("members:organization", args=[tree.branch.pk]))
    staff.get(reverse("members:organization", args=[tree.commune.pk]))  # no names on a commune's page
    staff.get(reverse("meetings:roll", args=[meeting.pk]))
    staff.get(reverse("meetings:attendance_sheet", args=[meeting.pk]))
    assert staff.get(reverse("meetings:minutes_docx", args=[meeting.pk])).status_code == 200
    entries = list(
        AccessLog.objects.order_by("at", "pk").values_list(
            "user", "action", "member_id", "organization_id", "meeting_id"
        )
    )
    me, branch = staff.user.pk, tree.branch.pk
    assert entries == [
        (me, "view_member_list", None, None, None),
        (me, "view_member_list", None, branch, None),
        (me, "view_branch", None, branch, None),
        (me, "view_roll", None, branch, meeting.pk),
        (me, "view_attendance", None, branch, meeting.pk),
        (me, "minutes_document", None, branch, meeting.pk),
    ]
    # Only ids and the time: no field could hold a name, a phone or a reason.
    assert {f.name for f in AccessLog._meta.get_fields()} == {
        "id",
        "user",
        "action",
        "member_id",
        "organization_id",
        "meeting_id",
        "petition_id",
        "at",
    }


def test_a_refused_page_is_not_logged(outsider, tree):
    meeting = make_meeting(tree.branch)
    assert outsider.get(reverse("meetings:roll", args=[meeting.pk])).status_code == 404
    assert outsider.get(reverse("members:organization", args=[tree.branch.pk])).status_code == 404
    assert not AccessLog.objects.exists()


def test_staff_read_their_subtrees_access_log_and_superusers_all(staff, outsider, secretary, plain_member, tree):
    song_khe = MemberFactory(branch=tree.branch)
    far = MemberFactory(branch=tree.other_branch)
    secretary.get(reverse("members:member", args=[song_khe.pk]))
    plain_member.get(reverse("members:list"))
    outsider.get(reverse("members:member", args=[far.pk]))
    outsider.get(reverse("members:list"))
    # An entry from before branches were logged with member reads.
    AccessLog.objects.create(user=secretary.user, action="view_member", member_id=song_khe.pk)
    url = reverse("members:access_log")

    def seen(client):
        response = client.get(url)
        assert response.status_code == 200
        return sorted((e.user.username, e.action, e.member_id) for e in response.context["page"])

    assert seen(staff) == [
        ("member", "view_member_list", None),
        ("secretary", "view_member", song_khe.pk),
        ("secretary", "view_member", song_khe.pk),
    ]
    assert seen(outsider) == [("outsider", "view_member", far.pk), ("outsider", "view_member_list", None)]
    root = get_user_model().objects.create_superuser("root", password="x-123-long-pass")
    assert len(seen(client_for(root))) == 5
    for refused in (secretary, plain_member):
        assert refused.get(url).status_code == 404
    assert client_for(UserFactory(username="nobody")).get(url).status_code == 404


def test_the_access_log_is_paginated_and_filtered(staff, tree):
    for _ in range(55):
        AccessLog.objects.create(user=staff.user, action="view_branch", organization_id=tree.branch.pk)
    AccessLog.objects.create(user=staff.user, action="export_branch", organization_id=tree.sibling.pk)
    url = reverse("members:access_log")
    first = staff.get(url)
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.count == 56
    assert "Chi bộ thôn Song Khê" in first.content.decode()
    assert len(staff.get(url, {"page": 2}).context["page"]) == 6
    exported = staff.get(url, {"action": "export_branch"})
    assert [e.organization_id for e in exported.context["page"]] == [tree.sibling.pk]


@pytest.mark.parametrize("size", [3, 30])
def test_the_access_log_page_query_count_does_not_grow(staff, tree, size, django_assert_num_queries):
    for _ in range(size):
        AccessLog.objects.create(user=staff.user, action="view_branch", organization_id=tree.branch.pk)
    url = reverse("members:access_log")
    staff.get(url)
    with django_assert_num_queries(7):  # session, user, roles, count, page, branch names, unread count
        response = staff.get(url)
    assert response.status_code == 200


def test_staff_find_the_log_and_the_conflicts_from_the_home_page(staff, secretary):
    links = [reverse("members:access_log"), reverse("members:card_conflicts")]
    home = staff.get(reverse("members:home")).content.decode()
    assert all(link in home for link in links)
    home = secretary.get(reverse("members:home")).content.decode()
    assert not any(link in home for link in links)
