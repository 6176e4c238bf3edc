"""The branch's composition and its office holders (Điều lệ Đảng; docs/domain.md#positions; issue 20):
office holders are full members of the branch, neither exempt nor suspended; a chi ủy only with 9
or more full members; fewer than 3 full members is flagged; commune staff keep the office holders
from the branch page and the secretary's role follows the post the same day."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import MemberStatus, Organization, Position, PositionKind, Role, RoleKind
from members.selectors import small_branches
from members.services.positions import position_elect, position_end, position_save
from members.services.register import member_suspend
from members.tasks import follow_secretary_posts

from .factories import MemberFactory, UserFactory, give_role
from .meetings.conftest import at, make_meeting

pytestmark = pytest.mark.system_scope

D = datetime.date
DAY = D(2026, 3, 1)


def committee(member, branch):
    return position_save(member=member, branch=branch, kind=PositionKind.COMMITTEE, started_on=DAY)


# Composition -------------------------------------------------------------------------------------


def test_eight_full_members_elect_no_committee_nine_do(tree):
    members = MemberFactory.create_batch(8, branch=tree.branch)
    MemberFactory(branch=tree.branch, status=MemberStatus.PROBATIONARY, full_member_on=None)  # does not count
    with pytest.raises(ValidationError) as refused:
        committee(members[0], tree.branch)
    assert refused.value.error_dict["kind"][0].code == "no_committee"
    # The secretary and the deputy are elected in a branch of any size.
    position_save(member=members[1], branch=tree.branch, kind=PositionKind.SECRETARY, started_on=DAY)
    position_save(member=members[2], branch=tree.branch, kind=PositionKind.DEPUTY, started_on=DAY)
    MemberFactory(branch=tree.branch)  # the ninth full member
    committee(members[0], tree.branch)


def test_a_member_who_became_full_later_does_not_count_on_the_day(tree):
    members = MemberFactory.create_batch(8, branch=tree.branch)
    MemberFactory(branch=tree.branch, admitted_on=D(2025, 3, 2), full_member_on=D(2026, 3, 2))
    with pytest.raises(ValidationError):
        committee(members[0], tree.branch)  # 1/3: eight full members
    position_save(member=members[0], branch=tree.branch, kind=PositionKind.COMMITTEE, started_on=D(2026, 3, 2))


@pytest.mark.parametrize("kind", list(PositionKind))
def test_an_office_holder_is_a_full_member_of_that_branch_not_exempt_nor_suspended(tree, kind):
    MemberFactory.create_batch(9, branch=tree.branch)
    elsewhere = MemberFactory(branch=tree.sibling)
    exempt = MemberFactory(branch=tree.branch, exempt_since=D(2025, 1, 1), exempt_reason="Tuổi cao")
    suspended = member_suspend(
        member=MemberFactory(branch=tree.branch),
        suspended_from=D(2026, 1, 1),
        suspended_until=None,
        decision="3",
        by=None,
    )
    for member, code in ((elsewhere, "branch"), (exempt, "exempt"), (suspended, "suspended")):
        with pytest.raises(ValidationError) as refused:
            position_save(member=member, branch=tree.branch, kind=kind, started_on=DAY)
        assert refused.value.error_dict["member"][0].code == code
    assert not Position.objects.exists()


def test_branches_under_three_full_members_are_flagged(tree):
    MemberFactory.create_batch(2, branch=tree.sibling)
    MemberFactory(branch=tree.sibling, status=MemberStatus.PROBATIONARY, full_member_on=None)
    MemberFactory(branch=tree.sibling, left_on=D(2025, 1, 1), leave_reason="death")
    MemberFactory.create_batch(3, branch=tree.branch)
    branches = Organization.objects.filter(pk__in=[tree.branch.pk, tree.sibling.pk, tree.other_branch.pk])
    flagged = {branch.pk: branch.full_count for branch in small_branches(branches)}
    assert flagged == {tree.sibling.pk: 2, tree.other_branch.pk: 0}


def test_the_commune_page_and_the_branch_page_show_the_flag(tree, staff):
    MemberFactory.create_batch(2, branch=tree.sibling)
    MemberFactory.create_batch(3, branch=tree.branch)
    html = staff.get(tree.commune.get_absolute_url()).content.decode()
    flags = html.split('id="small-branches"', 1)[1].split("</div>", 1)[0]
    assert tree.sibling.name in flags and tree.branch.name not in flags
    assert 'id="small-branch"' in staff.get(tree.sibling.get_absolute_url()).content.decode()
    assert 'id="small-branch"' not in staff.get(tree.branch.get_absolute_url()).content.decode()


# The secretary's role follows the post -----------------------------------------------------------


def account(member, kind=RoleKind.MEMBER):
    member.user = UserFactory()
    member.save()
    give_role(member.user, kind, member.branch)
    return member


def roles_of(member):
    return set(Role.objects.filter(user=member.user, organization=member.branch).values_list("kind", flat=True))


def test_staff_record_a_new_secretary_from_the_branch_page_and_the_role_moves_the_same_day(tree, staff):
    today = timezone.localdate()
    old = account(MemberFactory(branch=tree.branch, full_name="Nguyễn Văn Cũ"), RoleKind.SECRETARY)
    Position.objects.create(member=old, branch=tree.branch, kind=PositionKind.SECRETARY, started_on=D(2020, 1, 1))
    new = account(MemberFactory(branch=tree.branch, full_name="Trần Thị Mới"))
    page = staff.get(tree.branch.get_absolute_url()).content.decode()
    assert reverse("members:positions", args=[tree.branch.pk]) in page
    response = staff.post(
        reverse("members:positions", args=[tree.branch.pk]),
        {
            "kind": PositionKind.SECRETARY,
            "member": new.pk,
            "started_on": today.strftime("%d/%m/%Y"),
            "decision_number": "25-QĐ/ĐU",
        },
    )
    assert response.status_code == 302
    assert roles_of(new) == {RoleKind.MEMBER, RoleKind.SECRETARY}
    assert roles_of(old) == {RoleKind.MEMBER}
    handed = Position.objects.get(member=old)
    assert handed.ended_on == today - datetime.timedelta(days=1)
    assert Position.objects.get(member=new).decision_number == "25-QĐ/ĐU"
    # She opens the roll of today's meeting; he no longer can.
    meeting = make_meeting(tree.branch, day=today, planned_start=at(today, 8), planned_end=at(today, 10))
    roll = reverse("meetings:roll", args=[meeting.pk])
    for member, can in ((new, True), (old, False)):
        client = Client()
        client.force_login(member.user)
        html = client.get(roll).content.decode()
        assert ('name="unexcused"' in html) is can


def test_a_term_recorded_ahead_moves_the_role_on_its_day(tree):
    old = account(MemberFactory(branch=tree.branch), RoleKind.SECRETARY)
    position_save(member=old, branch=tree.branch, kind=PositionKind.SECRETARY, started_on=D(2020, 1, 1))
    new = account(MemberFactory(branch=tree.branch))
    with time_machine.travel(at(D(2026, 5, 31), 9), tick=False):
        position_elect(member=new, branch=tree.branch, kind=PositionKind.SECRETARY, started_on=D(2026, 6, 1))
        assert RoleKind.SECRETARY in roles_of(old) and RoleKind.SECRETARY not in roles_of(new)
    with time_machine.travel(at(D(2026, 6, 1), 0, 10), tick=False):
        assert follow_secretary_posts() == 1
    assert RoleKind.SECRETARY in roles_of(new) and RoleKind.SECRETARY not in roles_of(old)


def test_ending_a_term_takes_the_role(tree, staff):
    secretary = account(MemberFactory(branch=tree.branch), RoleKind.SECRETARY)
    term = position_save(member=secretary, branch=tree.branch, kind=PositionKind.SECRETARY, started_on=D(2020, 1, 1))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = staff.post(reverse("members:position_end", args=[term.pk]), {"ended_on": yesterday.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.ended_on == yesterday
    assert roles_of(secretary) == {RoleKind.MEMBER}
    with pytest.raises(ValidationError):
        position_end(position=term, last_day=D(2019, 12, 31))


def test_a_refused_election_comes_back_with_the_reason(tree, staff):
    MemberFactory.create_batch(3, branch=tree.branch)
    member = MemberFactory(branch=tree.branch)
    response = staff.post(
        reverse("members:positions", args=[tree.branch.pk]),
        {"kind": PositionKind.COMMITTEE, "member": member.pk, "started_on": "01/03/2026"},
    )
    assert response.status_code == 200
    assert "chi ủy" in response.content.decode()
    assert not Position.objects.exists()


def test_only_commune_staff_keep_office_holders(tree, secretary, outsider, leader):
    member = MemberFactory(branch=tree.branch)
    term = position_save(member=member, branch=tree.branch, kind=PositionKind.DEPUTY, started_on=DAY)
    url = reverse("members:positions", args=[tree.branch.pk])
    for client in (secretary, outsider, leader):
        assert client.get(url).status_code == 404
        post = {"kind": PositionKind.DEPUTY, "member": member.pk, "started_on": "01/04/2026"}
        assert client.post(url, post).status_code == 404
        end = reverse("members:position_end", args=[term.pk])
        assert client.post(end, {"ended_on": "01/04/2026"}).status_code == 404
    term.refresh_from_db()
    assert term.ended_on is None and Position.objects.count() == 1
