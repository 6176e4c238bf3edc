"""The organisation page (portal/views/organizations.py): what members shows of a node, and the
branch's rating panel, in the same number of queries whatever the branch's size."""

import pytest
from django.urls import reverse

from ..factories import MemberFactory


@pytest.mark.parametrize("size", [5, 50])
def test_branch_page_query_count_does_not_grow(staff, tree, size, django_assert_num_queries):
    MemberFactory.create_batch(size, branch=tree.branch)
    url = reverse("members:organization", args=[tree.branch.pk])
    staff.get(url)
    # + the unread count in the header, + the access log entry, + the two score look-ups of the branch's
    # meetings and the rules of its rating; a branch has no children to list (no query for them);
    # for commune staff, the office holders' history and the members to pick in the election form;
    # + the working members linked to the branch and those of its members linked elsewhere (issue 24)
    with django_assert_num_queries(17):
        response = staff.get(url)
    assert response.context["counts"]["total"] == size
