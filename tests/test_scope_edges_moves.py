"""A member moved to another branch loses the old branch's roles and positions at once, whichever
path changed the branch: the member form, the importer, the admin (issue 11, roles and scope)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import Meeting
from members.models import CardConflict, Member, Position, PositionKind, Role, RoleKind

from .factories import MemberFactory, UserFactory, give_role
from .meetings.conftest import make_meeting
from .members.test_import import HEADERS, confirm, csv_file, preview_plan, upload_ok

pytestmark = pytest.mark.system_scope


@pytest.fixture
def moved(tree):
    """The secretary of Song Khê: a user with the secretary and member roles there, her member
    record in Song Khê, the secretary position held since 2021, and a meeting of the branch."""
    user = UserFactory(username="bi-thu-song-khe")
    give_role(user, RoleKind.SECRETARY, tree.branch)
    give_role(user, RoleKind.MEMBER, tree.branch)
    member = MemberFactory(branch=tree.branch, full_name="Nguyễn Thị Thu", user=user, party_card_number="71000001")
    Position.objects.create(
        member=member, branch=tree.branch, kind=PositionKind.SECRETARY, started_on=datetime.date(2021, 1, 1)
    )
    meeting = make_meeting(tree.branch)
    client = Client()
    client.force_login(user)
    client.user = user
    client.member = member
    client.meeting = meeting
    return client


def old_branch_pages(tree, meeting: Meeting) -> list[str]:
    return [
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:edit", args=[meeting.pk]),
        reverse("meetings:roll", args=[meeting.pk]),
        reverse("members:export", args=[tree.branch.pk]),
        reverse("members:organization", args=[tree.branch.pk]),
    ]


def assert_moved_out(moved, tree):
    """Roles, position and pages of Song Khê are gone; she is a member of Phú Thịnh now."""
    member = Member.objects.get(pk=moved.member.pk)
    assert member.branch == tree.sibling
    assert not Role.objects.filter(user=moved.user, organization=tree.branch).exists()
    assert Role.objects.filter(user=moved.user, organization=tree.sibling, kind=RoleKind.MEMBER).exists()
    position = Position.objects.get(member=member, branch=tree.branch)
    assert position.ended_on is not None and position.ended_on < member.joined_branch_on
    for url in old_branch_pages(tree, moved.meeting):
        assert moved.get(url).status_code == 404, url
    assert moved.get(reverse("members:organization", args=[tree.sibling.pk])).status_code == 200


def test_before_the_move_the_secretary_keeps_the_branch(moved, tree):
    """The pages the tests below expect to close are open to her while she is there."""
    for url in old_branch_pages(tree, moved.meeting):
        assert moved.get(url).status_code == 200, url


def form_data(member: Member, **changes) -> dict:
    data = {
        "full_name": member.full_name,
        "branch": member.branch_id,
        "status": member.status,
        "admitted_on": member.admitted_on.isoformat(),
        "full_member_on": member.full_member_on.isoformat(),
        "ethnicity": member.ethnicity,
        "party_card_number": member.party_card_number,
    }
    return {**data, **changes}


def test_moved_by_the_member_form(moved, staff, tree, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 9, 0), tick=False)
    response = staff.post(
        reverse("members:edit", args=[moved.member.pk]), form_data(moved.member, branch=tree.sibling.pk)
    )
    assert response.status_code == 302, response.context["form"].errors
    assert_moved_out(moved, tree)
    member = Member.objects.get(pk=moved.member.pk)
    # Nobody said when she joined Phú Thịnh: the day of the move; the position ended the day before.
    assert member.joined_branch_on == datetime.date(2026, 11, 20)
    assert Position.objects.get(member=member).ended_on == datetime.date(2026, 11, 19)
    assert Role.history.filter(user_id=moved.user.pk, history_type="-").first().history_user == staff.user


def test_an_edit_that_keeps_the_branch_keeps_the_roles(moved, staff, tree):
    response = staff.post(reverse("members:edit", args=[moved.member.pk]), form_data(moved.member, phone="0912345678"))
    assert response.status_code == 302
    assert Role.objects.filter(user=moved.user, organization=tree.branch).count() == 2
    assert Position.objects.get(member=moved.member).ended_on is None
    assert moved.get(reverse("meetings:detail", args=[moved.meeting.pk])).status_code == 200


def test_moved_by_an_import_into_another_branch(moved, staff, tree):
    row = ["Nguyễn Thị Thu", "01/05/1970", "Nữ", "Kinh", "", "71000001", "10/01/2000", "10/01/2001", "", "", "", "", ""]
    batch = upload_ok(staff, tree.sibling, csv_file([row], header=HEADERS))
    response, plan = preview_plan(staff, batch)
    assert [r.action for r in plan.rows] == ["move"]
    assert plan.rows[0].moved_from == tree.branch
    assert "Chi bộ thôn Song Khê" in response.content.decode()
    assert not CardConflict.objects.exists()  # staff keep both branches: a move, not a conflict
    assert confirm(staff, batch).status_code == 302
    assert_moved_out(moved, tree)
    assert Member.objects.get(pk=moved.member.pk).history.first().history_user == staff.user


def test_moved_by_the_admin(moved, tree, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x-123-long-pass")
    admin = Client()
    admin.force_login(root)
    url = reverse("admin:members_member_change", args=[moved.member.pk])
    form = admin.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else value
    data["branch"] = tree.sibling.pk
    response = admin.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert_moved_out(moved, tree)
    assert Role.history.filter(user_id=moved.user.pk, history_type="-").first().history_user == root
