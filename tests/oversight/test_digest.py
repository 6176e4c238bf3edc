"""The leaders' weekly digest: what it says, once per leader and ISO week, from the Monday task
or commune staff's button."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from chibo.celery import app
from meetings.models import Attendance, CadreAssignment, Guest, MeetingStatus
from members.models import RoleKind
from notifications.models import Notification
from oversight import digest, tasks
from petitions.models import Category, Petition
from petitions.services.catalogue import catalogue_ensure

from ..factories import MemberFactory, UserFactory, give_role
from ..meetings.conftest import at, make_meeting

D = datetime.date
MONDAY = at(D(2026, 12, 7), 7)  # ISO week 50 of 2026; "last month" is November


@pytest.fixture
def commune_data(tree, secretary):
    members = MemberFactory.create_batch(10, branch=tree.branch)
    meeting = make_meeting(
        tree.branch,
        day=D(2026, 11, 5),
        status=MeetingStatus.HELD,
        actual_start=at(D(2026, 11, 5), 19, 30),
        actual_end=at(D(2026, 11, 5), 21, 30),
    )
    for member in members[:2]:
        Attendance.objects.create(
            meeting=meeting, member=member, mark="present", category="full", marked_by=secretary.user
        )
    cadre = MemberFactory(branch=tree.sibling, full_name="Trần Văn Cán")
    CadreAssignment.objects.create(cadre=cadre, branch=tree.branch, title="Đảng ủy viên", started_on=D(2026, 1, 1))
    Guest.objects.create(meeting=meeting, cadre=cadre, name=cadre.full_name, expected=True, attended=False)
    catalogue_ensure(commune=tree.commune)
    catalogue_ensure(commune=tree.other_commune)
    Petition.objects.create(
        category=Category.objects.filter(commune=tree.commune).first(),
        branch=tree.branch,
        meeting=meeting,
        raised_on=D(2026, 11, 5),
        title="Sửa đường nội thôn",
        status="forwarded",
        deadline=D(2026, 11, 30),
        resident_name="Nguyễn Văn Dân",
        created_by=secretary.user,
    )
    # Another commune's petition: not in this leader's digest.
    Petition.objects.create(
        category=Category.objects.filter(commune=tree.other_commune).first(),
        branch=tree.other_branch,
        raised_on=D(2026, 11, 5),
        title="Ngoài phạm vi",
        status="forwarded",
        deadline=D(2026, 11, 30),
        resident_name="Người khác",
        created_by=secretary.user,
    )
    return meeting


@pytest.fixture
def leader_user(tree):
    user = UserFactory(username="bi-thu-dang-uy", first_name="Hùng")
    give_role(user, RoleKind.LEADER, tree.commune)
    return user


def test_the_digest_lists_what_needs_the_leaders_attention(tree, leader_user, commune_data):
    found = digest.digest_for(leader_user, today=MONDAY.date())
    assert [line.split(" – ")[0] for line in found.overdue_petitions] == ["Sửa đường nội thôn"]
    assert found.silent_branches == ["Chi bộ thôn Phú Thịnh"]
    assert len(found.low_attendance) == 1 and "Chi bộ thôn Song Khê" in found.low_attendance[0]
    assert found.cadres_missed == ["Trần Văn Cán: dự 0/1 cuộc họp (Chi bộ thôn Song Khê)"]


def test_the_monday_task_queues_one_digest_per_leader_and_week(tree, leader_user, commune_data):
    outsider = UserFactory(username="other-leader")
    give_role(outsider, RoleKind.LEADER, tree.other_commune)
    with time_machine.travel(MONDAY, tick=False):
        assert tasks.weekly_digest() == 2
        assert tasks.weekly_digest() == 0  # the same week: nothing new
    row = Notification.objects.get(recipient=leader_user, kind=digest.DIGEST)
    assert row.dedupe_key == f"digest.weekly:{leader_user.pk}:2026-W50:inbox"
    assert "1 kiến nghị quá hạn" in row.subject
    assert "Sửa đường nội thôn" in row.body and "Trần Văn Cán" in row.body
    assert "Ngoài phạm vi" not in row.body
    other = Notification.objects.get(recipient=outsider, kind=digest.DIGEST)
    assert "Sửa đường nội thôn" not in other.body
    with time_machine.travel(MONDAY + datetime.timedelta(days=7), tick=False):
        assert tasks.weekly_digest() == 2  # next week: a new one


def test_the_beat_runs_it_on_monday_at_seven():
    entry = app.conf.beat_schedule["weekly-digest"]
    assert entry["task"] == "oversight.tasks.weekly_digest"
    schedule = entry["schedule"]
    assert schedule.hour == {7} and schedule.minute == {0} and schedule.day_of_week == {1}


def test_staff_produce_it_on_demand_from_the_outbox_page(tree, staff, leader, leader_user, commune_data):
    outsider = UserFactory(username="other-leader")
    give_role(outsider, RoleKind.LEADER, tree.other_commune)
    page = staff.get(reverse("members:outbox")).content.decode()
    assert reverse("oversight:digest_now") in page
    with time_machine.travel(MONDAY, tick=False):
        assert staff.get(reverse("oversight:digest_now")).status_code == 405
        response = staff.post(reverse("oversight:digest_now"))
    assert response.status_code == 302
    assert set(Notification.objects.filter(kind=digest.DIGEST).values_list("recipient__username", flat=True)) == {
        "bi-thu-dang-uy",
        "leader",
    }


def test_only_commune_staff_may_press_the_button(leader, secretary):
    for client in (leader, secretary):
        assert client.post(reverse("oversight:digest_now")).status_code == 404
    assert not Notification.objects.exists()


def test_the_digest_links_to_the_flags_page_in_full(tree, leader_user, commune_data, settings):
    settings.SITE_URL = "https://chibo.example.org"
    leader_user.email = "leader@example.org"
    leader_user.save()
    with time_machine.travel(MONDAY, tick=False):
        tasks.weekly_digest()
    found = Notification.objects.filter(recipient=leader_user, kind=digest.DIGEST)
    assert set(found.values_list("channel", flat=True)) == {"inbox", "email"}
    for row in found:
        assert f"Xem chi tiết: https://chibo.example.org{reverse('oversight:flags')}" in row.body
        assert f"Kiến nghị: https://chibo.example.org{reverse('petitions:list')}" in row.body
        assert row.link == reverse("oversight:flags")
