"""The organisation tree opens one level at a time, scoped like everything else."""

import pytest
from django.test import Client
from django.urls import reverse

from members import selectors
from members.models import Organization, Role, RoleKind

from ..factories import MemberFactory, UserFactory

pytestmark = pytest.mark.system_scope


def children_url(org):
    return reverse("members:tree_children", args=[org.pk])


def test_tree_page_lists_the_users_own_nodes_with_counts(staff, tree):
    MemberFactory.create_batch(3, branch=tree.branch)
    MemberFactory(branch=tree.other_branch)
    page = staff.get(reverse("members:tree"))
    assert page.status_code == 200
    assert [org.pk for org in page.context["organizations"]] == [tree.commune.pk]
    top = page.context["organizations"][0]
    assert (top.branch_count, top.member_count) == (2, 3)
    html = page.content.decode()
    assert children_url(tree.commune) in html
    assert "Chi bộ thôn Song Khê" not in html  # children come on demand


def test_children_come_with_their_counts(tree, staff):
    MemberFactory.create_batch(2, branch=tree.branch)
    left = MemberFactory(branch=tree.sibling)
    left.left_on, left.leave_reason = left.admitted_on or left.date_of_birth, "death"
    left.save()
    user = UserFactory(username="province-leader")
    Role.objects.create(user=user, kind=RoleKind.LEADER, organization=tree.province)
    province = Client()
    province.force_login(user)
    communes = province.get(children_url(tree.province))
    assert communes.status_code == 200
    counts = {org.name: (org.branch_count, org.member_count) for org in communes.context["children"]}
    assert counts == {"Đảng bộ xã Tam Hưng": (2, 2), "Đảng bộ phường Đức Thắng": (1, 0)}
    branches = staff.get(children_url(tree.commune))
    assert [(o.pk, o.member_count) for o in branches.context["children"]] == [
        (tree.branch.pk, 2),
        (tree.sibling.pk, 0),
    ]


def test_outsiders_get_404_for_nodes_they_do_not_reach(outsider, secretary, tree):
    assert outsider.get(children_url(tree.commune)).status_code == 404
    assert outsider.get(children_url(tree.province)).status_code == 404
    assert secretary.get(children_url(tree.commune)).status_code == 404
    assert secretary.get(children_url(tree.branch)).status_code == 200


def test_a_node_opens_in_a_fixed_number_of_queries(tree, staff, django_assert_max_num_queries):
    for i in range(6):
        Organization.objects.get(pk=tree.commune.pk).add_child(
            name=f"Chi bộ {i}", kind="branch", code=f"extra-{i}", branch_type="village"
        )
    with django_assert_max_num_queries(8):
        page = staff.get(children_url(tree.commune))
    assert len(page.context["children"]) == 8


def _extra_branches(tree, count):
    for i in range(count):
        Organization.objects.get(pk=tree.commune.pk).add_child(
            name=f"Chi bộ thêm {i}", kind="branch", code=f"extra-{i}", branch_type="village"
        )


def test_a_node_with_many_children_opens_one_page_at_a_time(tree, staff, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(selectors, "CHILDREN_PER_PAGE", 3)
    _extra_branches(tree, 3)  # 5 branches under the commune
    MemberFactory.create_batch(2, branch=tree.sibling)
    first = staff.get(children_url(tree.commune), headers={"HX-Request": "true"})
    html = first.content.decode()
    assert [o.pk for o in first.context["children"]] == [tree.branch.pk, tree.sibling.pk] + [
        o.pk for o in Organization.objects.filter(code="extra-0")
    ]
    assert html.count("<ul") == 1 and html.count("<li") == 4  # three children and the "more" button
    assert f'hx-get="{children_url(tree.commune)}?page=2"' in html
    assert "Xem thêm (đã hiện 3/5)" in html
    with django_assert_max_num_queries(9):
        second = staff.get(children_url(tree.commune) + "?page=2", headers={"HX-Request": "true"})
    rest = second.content.decode()
    # The next page replaces the button inside the same list: items only, no second list, no button.
    assert "<ul" not in rest and rest.count("<li") == 2 and "page=3" not in rest
    assert [o.name for o in second.context["children"]] == ["Chi bộ thêm 1", "Chi bộ thêm 2"]
    assert [o.member_count for o in first.context["children"]] == [0, 2, 0]


def test_the_organisation_page_lists_its_children_a_page_at_a_time(tree, staff, monkeypatch):
    monkeypatch.setattr(selectors, "CHILDREN_PER_PAGE", 3)
    _extra_branches(tree, 3)
    first = staff.get(reverse("members:organization", args=[tree.commune.pk]))
    assert len(first.context["page"].object_list) == 3
    assert 'href="?&amp;page=2"' in first.content.decode()
    second = staff.get(reverse("members:organization", args=[tree.commune.pk]) + "?page=2")
    assert [o.name for o in second.context["page"].object_list] == ["Chi bộ thêm 1", "Chi bộ thêm 2"]
    branch = staff.get(reverse("members:organization", args=[tree.branch.pk]))
    assert branch.context["page"] is None
