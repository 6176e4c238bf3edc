"""Positions and the tree: no overlapping terms, no probationary member on the committee, "has a
committee" from elected positions, and nothing under a branch."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members.admin import PositionAdminForm
from members.models import MemberStatus, Organization, OrganizationKind, Position, PositionKind
from members.selectors import has_committee
from members.services.organizations import organization_add, organization_check_parent, organization_save
from members.services.positions import position_save

from .factories import MemberFactory, make_org

pytestmark = pytest.mark.system_scope

D = datetime.date


@pytest.fixture
def people(tree):
    return MemberFactory.create_batch(4, branch=tree.branch)


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        (D(2022, 1, 1), D(2022, 12, 31), False),  # inside the first term
        (D(2024, 12, 31), None, False),  # starts on the first term's last day: shares it
        (D(2025, 1, 1), None, True),  # the day after
        (D(2020, 1, 1), D(2020, 12, 31), True),  # before it
        (D(2019, 6, 1), D(2021, 1, 1), False),  # over its start
    ],
)
def test_terms_of_the_same_post_do_not_overlap(tree, people, start, end, ok):
    first, second = people[:2]
    position_save(
        member=first,
        branch=tree.branch,
        kind=PositionKind.SECRETARY,
        started_on=D(2021, 1, 1),
        ended_on=D(2024, 12, 31),
    )
    if ok:
        position_save(member=second, branch=tree.branch, kind=PositionKind.SECRETARY, started_on=start, ended_on=end)
    else:
        with pytest.raises(ValidationError) as error:
            position_save(
                member=second, branch=tree.branch, kind=PositionKind.SECRETARY, started_on=start, ended_on=end
            )
        assert "started_on" in error.value.message_dict


def test_committee_members_sit_together_but_one_member_holds_one_seat(tree, people):
    MemberFactory.create_batch(5, branch=tree.branch)  # nine full members: a chi ủy may be elected
    for member in people[:3]:
        position_save(member=member, branch=tree.branch, kind=PositionKind.COMMITTEE, started_on=D(2025, 1, 1))
    with pytest.raises(ValidationError):
        position_save(member=people[0], branch=tree.branch, kind=PositionKind.COMMITTEE, started_on=D(2025, 6, 1))
    # The same post in another branch is another post.
    other = MemberFactory(branch=tree.sibling)
    position_save(member=other, branch=tree.sibling, kind=PositionKind.SECRETARY, started_on=D(2025, 1, 1))
    position_save(member=people[3], branch=tree.branch, kind=PositionKind.SECRETARY, started_on=D(2025, 1, 1))


@pytest.mark.parametrize("kind", list(PositionKind))
def test_a_probationary_member_cannot_hold_a_committee_position(tree, kind):
    MemberFactory.create_batch(9, branch=tree.branch)  # a branch that may elect a chi ủy
    probationary = MemberFactory(branch=tree.branch, status=MemberStatus.PROBATIONARY, full_member_on=None)
    with pytest.raises(ValidationError) as error:
        position_save(member=probationary, branch=tree.branch, kind=kind, started_on=D(2026, 1, 1))
    assert "member" in error.value.message_dict
    # Full only from a later day: not yet full on the day the term starts.
    soon_full = MemberFactory(branch=tree.branch, admitted_on=D(2025, 6, 1), full_member_on=D(2026, 6, 1))
    with pytest.raises(ValidationError):
        position_save(member=soon_full, branch=tree.branch, kind=kind, started_on=D(2026, 1, 1))
    position_save(member=soon_full, branch=tree.branch, kind=kind, started_on=D(2026, 6, 1))


def test_the_admin_form_uses_the_same_rules(tree, people):
    position_save(member=people[0], branch=tree.branch, kind=PositionKind.DEPUTY, started_on=D(2025, 1, 1))
    form = PositionAdminForm(
        data={"member": people[1].pk, "branch": tree.branch.pk, "kind": PositionKind.DEPUTY, "started_on": "2025-03-01"}
    )
    assert not form.is_valid()


def test_has_committee_comes_from_elected_positions_not_the_member_count(tree):
    many = MemberFactory.create_batch(12, branch=tree.branch)
    position_save(member=many[0], branch=tree.branch, kind=PositionKind.SECRETARY, started_on=D(2020, 1, 1))
    position_save(member=many[1], branch=tree.branch, kind=PositionKind.DEPUTY, started_on=D(2020, 1, 1))
    assert not has_committee(tree.branch, D(2026, 12, 5))  # twelve members, only a secretary and a deputy
    position_save(
        member=many[2],
        branch=tree.branch,
        kind=PositionKind.COMMITTEE,
        started_on=D(2025, 1, 1),
        ended_on=D(2026, 6, 30),
    )
    assert has_committee(tree.branch, D(2025, 1, 1))
    assert has_committee(tree.branch, D(2026, 6, 30))
    assert not has_committee(tree.branch, D(2026, 7, 1))
    # A committee recorded before the rule (test_rules_composition.py) in a branch of three: still read as one.
    few = MemberFactory.create_batch(3, branch=tree.sibling)
    Position.objects.create(member=few[0], branch=tree.sibling, kind=PositionKind.COMMITTEE, started_on=D(2024, 1, 1))
    assert has_committee(tree.sibling, D(2026, 12, 5))


@pytest.mark.parametrize(
    ("kind", "parent", "ok"),
    [
        (OrganizationKind.BRANCH, "branch", False),
        (OrganizationKind.COMMUNE, "branch", False),
        (OrganizationKind.SUBCOMMITTEE, "branch", False),
        (OrganizationKind.COMMUNE, "commune", False),
        (OrganizationKind.BRANCH, "commune", True),
        (OrganizationKind.COMMUNE, "province", True),
        (OrganizationKind.BRANCH, None, False),
        (OrganizationKind.PROVINCE, None, True),
    ],
)
def test_what_may_sit_under_what(tree, kind, parent, ok):
    parent_node = {"branch": tree.branch, "commune": tree.commune, "province": tree.province, None: None}[parent]
    fields = {"name": "Mới", "kind": kind, "code": f"new-{kind}-{parent}".lower()}
    if kind == OrganizationKind.BRANCH:
        fields["branch_type"] = "village"
    if ok:
        node = organization_add(parent=parent_node, fields=fields)
        assert Organization.objects.get_parent(node) == parent_node
    else:
        with pytest.raises(ValidationError) as error:
            organization_add(parent=parent_node, fields=fields)
        assert "kind" in error.value.message_dict
        assert not Organization.objects.filter(code=fields["code"]).exists()


def test_a_node_with_units_under_it_cannot_become_a_branch(tree):
    tree.commune.kind = OrganizationKind.BRANCH
    with pytest.raises(ValidationError):
        tree.commune.full_clean()
    with pytest.raises(ValidationError):
        organization_check_parent(kind=OrganizationKind.BRANCH, parent=tree.branch)
    grassroots = make_org("Đảng bộ cơ sở", OrganizationKind.GRASSROOTS, tree.commune, code="gr")
    grassroots.kind = OrganizationKind.COMMUNE
    with pytest.raises(ValidationError):
        organization_save(organization=grassroots, by=None)
