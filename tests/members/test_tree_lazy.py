"""The organisation tree opens one level at a time, scoped like everything else."""

from django.test import Client
from django.urls import reverse

from members.models import Organization, Role, RoleKind

from ..factories import MemberFactory, UserFactory


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
