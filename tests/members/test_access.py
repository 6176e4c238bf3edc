"""Each persona sees exactly its scope; everything else is a 404."""

import pytest
from django.test import Client
from django.urls import reverse

from meetings.access import visible_guidance
from meetings.models import Guidance
from members import access
from members.access import scope_for, system_scope
from members.models import RoleKind

from ..factories import MemberFactory, UserFactory, give_role

pytestmark = pytest.mark.system_scope


@pytest.fixture
def people(tree):
    return {
        "song_khe": MemberFactory(branch=tree.branch, full_name="Nguyễn Văn An"),
        "phu_thinh": MemberFactory(branch=tree.sibling, full_name="Trần Văn Bình"),
        "duc_thang": MemberFactory(branch=tree.other_branch, full_name="Lê Văn Cường"),
    }


def names(queryset):
    return set(queryset.values_list("full_name", flat=True))


def test_commune_staff_sees_its_commune_only(staff, people):
    assert names(access.members(staff.user)) == {"Nguyễn Văn An", "Trần Văn Bình"}
    assert "Đảng bộ phường Đức Thắng" not in names_of_orgs(staff.user)


def test_secretary_sees_own_branch_only(secretary, people):
    assert names(access.members(secretary.user)) == {"Nguyễn Văn An"}
    assert names_of_orgs(secretary.user) == {"Chi bộ thôn Song Khê"}


def test_leader_reads_the_whole_commune_but_edits_nothing(leader, people, tree):
    assert names(access.members(leader.user)) == {"Nguyễn Văn An", "Trần Văn Bình"}
    assert not access.can_edit_member(leader.user, people["song_khe"])
    assert not access.editable_branches(leader.user).exists()


def test_cadre_reads_assigned_branch(cadre, people):
    assert names(access.members(cadre.user)) == {"Nguyễn Văn An"}
    assert not access.can_edit_member(cadre.user, people["song_khe"])


def test_member_sees_own_record_and_branch_only(plain_member, people):
    assert names(access.members(plain_member.user)) == {"Lê Thị Hoa"}
    assert names_of_orgs(plain_member.user) == {"Chi bộ thôn Song Khê"}


def test_user_without_role_sees_nothing(tree, people):
    user = UserFactory(username="nobody")
    assert not access.members(user).exists()
    assert not access.organizations(user).exists()


def test_roles_in_two_places_add_up(tree, people):
    user = UserFactory(username="two")
    give_role(user, RoleKind.SECRETARY, tree.branch)
    give_role(user, RoleKind.LEADER, tree.other_commune)
    assert names(access.members(user)) == {"Nguyễn Văn An", "Lê Văn Cường"}
    assert access.can_edit_member(user, people["song_khe"])
    assert not access.can_edit_member(user, people["duc_thang"])


def names_of_orgs(user):
    return set(access.organizations(user).values_list("name", flat=True))


# Every page that takes an id answers 404 to outsiders: tests/test_url_walk.py walks them all.


def test_secretary_of_branch_a_cannot_see_branch_b(secretary, tree, people):
    for url in [
        reverse("members:organization", args=[tree.sibling.pk]),
        reverse("members:member", args=[people["phu_thinh"].pk]),
        reverse("members:edit", args=[people["phu_thinh"].pk]),
        reverse("members:export", args=[tree.sibling.pk]),
        reverse("members:import", args=[tree.sibling.pk]),
    ]:
        assert secretary.get(url).status_code == 404, url


def test_staff_of_commune_x_cannot_see_commune_y(staff, tree, people):
    for url in [
        reverse("members:organization", args=[tree.other_commune.pk]),
        reverse("members:organization", args=[tree.other_branch.pk]),
        reverse("members:member", args=[people["duc_thang"].pk]),
        reverse("members:edit", args=[people["duc_thang"].pk]),
    ]:
        assert staff.get(url).status_code == 404, url
    response = staff.get(reverse("members:list"), {"q": "Lê Văn Cường"})
    assert list(response.context["page"]) == []


def test_readers_cannot_edit(leader, cadre, plain_member, tree, people):
    member = people["song_khe"].pk
    for client in (leader, cadre, plain_member):
        assert client.get(reverse("members:edit", args=[member])).status_code == 404
        assert client.get(reverse("members:organization_edit", args=[tree.branch.pk])).status_code == 404
        assert client.get(reverse("members:create")).status_code == 404


def test_plain_member_cannot_open_other_members(plain_member, people):
    assert plain_member.get(reverse("members:member", args=[people["song_khe"].pk])).status_code == 404
    own = plain_member.user.member
    assert plain_member.get(reverse("members:member", args=[own.pk])).status_code == 200


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("members:organization", args=[tree.branch.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_officer_of_a_body_reads_none_of_the_partys_pages(tree):
    """Officers answer petitions (petitions/access.py); the tree, branch pages and the commune's
    guidance are the party's own (members.access.READERS, meetings.access.READERS)."""
    officer = UserFactory(username="officer")
    give_role(officer, RoleKind.OFFICER, tree.commune)
    with system_scope():
        Guidance.objects.create(
            organization=tree.commune, month="2026-12-01", title="T", body="B", published_by=officer
        )
    client = Client()
    client.force_login(officer)
    assert client.get(f"/organizations/{tree.branch.pk}/").status_code == 404
    with scope_for(officer):
        assert not access.organizations(officer).exists()
        assert not access.branches(officer).exists()
        assert access.top_nodes(officer) == []
        assert not access.can_open_organization(officer, tree.branch)
        assert not visible_guidance(officer).exists()
