"""The home page says what to do next, per role, in a fixed number of queries.

- the secretary: the next meeting and what is still missing for it, each step a link;
- the cadre: the meetings to attend and the scores to confirm;
- the member: the next meeting with its date, time, place and materials;
- commune staff and leaders: the branches with the most urgent flags.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import AgendaItem, Attachment, Attendance, Meeting, MeetingStatus, Minutes
from members.models import RoleKind
from petitions.models import Body, Category, PetitionStatus
from petitions.services.catalogue import catalogue_ensure

from ..factories import MemberFactory, UserFactory, give_role, make_org
from ..meetings.conftest import at, make_meeting
from ..petitions.conftest import make_petition

pytestmark = pytest.mark.system_scope

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


@pytest.fixture(autouse=True)
def _first_of_december(settings, tmp_path):
    """1 December 2026, in the morning: Song Khê's meeting of 5 December is the next one."""
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ), tick=False):
        yield


def _home(client) -> str:
    response = client.get(reverse("members:home"))
    assert response.status_code == 200
    return response.content.decode()


def _attach(item: AgendaItem, user, name="bao-cao.pdf") -> Attachment:
    return Attachment.objects.create(
        agenda_item=item,
        file=ContentFile(b"%PDF-1.4\n", name=name),
        name=name,
        content_type="application/pdf",
        size=9,
        uploaded_by=user,
    )


def _steps(html: str) -> dict[str, str]:
    """Each step of the secretary's checklist and whether it is done, as the page says."""
    section = html.split('id="home-secretary"', 1)[1].split("</section>", 1)[0]
    found = {}
    for part in section.split('<li class="')[1:]:
        state, rest = part.split('"', 1)
        label = rest.split("</a>", 1)[0].rsplit(">", 1)[1]
        found[label] = state
    return found


# --- The secretary -------------------------------------------------------------------------------


def test_the_secretary_sees_what_is_missing_for_the_next_meeting(secretary, tree):
    meeting = make_meeting(tree.branch, day=D(2026, 12, 5))
    make_meeting(tree.branch, day=D(2027, 1, 5))  # next month's: not the one to prepare now
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Báo cáo tháng", kind="report")

    html = _home(secretary)
    assert "Cuộc sinh hoạt sắp tới" in html and "05/12/2026" in html and "Nhà văn hóa thôn Song Khê" in html
    assert _steps(html) == {
        "Chương trình sinh hoạt": "done",
        "Tài liệu": "todo",
        "Thông báo": "todo",
        "Điểm danh": "todo",
        "Biên bản": "todo",
        "Thông qua biên bản": "todo",
    }
    assert "Việc tiếp theo: Tài liệu" in html
    for name in ("meetings:send_notice", "meetings:roll", "meetings:minutes", "meetings:minutes_adopt"):
        assert f'href="{reverse(name, args=[meeting.pk])}"' in html
    assert f'href="{reverse("meetings:detail", args=[meeting.pk])}#agenda"' in html

    _attach(item, secretary.user)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.NOTICE_SENT, notice_sent_at=at(D(2026, 12, 1), 8))
    html = _home(secretary)
    assert _steps(html)["Tài liệu"] == "done" and _steps(html)["Thông báo"] == "done"
    assert "Việc tiếp theo: Điểm danh" in html


def test_a_held_meeting_waiting_for_its_minutes_comes_first(secretary, tree):
    held = make_meeting(tree.branch, day=D(2026, 11, 5), status=MeetingStatus.HELD)
    make_meeting(tree.branch, day=D(2026, 12, 5))
    member = MemberFactory(branch=tree.branch)
    Attendance.objects.create(meeting=held, member=member, mark="present", category="full", marked_by=secretary.user)

    html = _home(secretary)
    assert "05/11/2026" in html and "05/12/2026" not in html
    steps = _steps(html)
    assert steps["Thông báo"] == "done" and steps["Điểm danh"] == "done" and steps["Biên bản"] == "todo"
    assert "Việc tiếp theo: Chương trình" in html  # the agenda was never written: still missing


def test_a_secretary_without_a_meeting_in_preparation_is_told_to_create_it(secretary, tree):
    make_meeting(tree.branch, day=D(2026, 11, 5), status=MeetingStatus.ADOPTED)
    html = _home(secretary)
    assert "chưa có cuộc sinh hoạt nào đang chuẩn bị" in html
    assert f'href="{reverse("meetings:create")}?branch={tree.branch.pk}"' in html


# --- The cadre -----------------------------------------------------------------------------------


def test_the_cadre_sees_meetings_to_attend_and_scores_to_confirm(cadre, tree):
    coming = make_meeting(tree.branch, day=D(2026, 12, 5))
    held = make_meeting(tree.branch, day=D(2026, 11, 5), status=MeetingStatus.HELD)
    Minutes.objects.create(meeting=held, score_total=92, score_level="good")
    confirmed = make_meeting(tree.branch, day=D(2026, 10, 5), status=MeetingStatus.ADOPTED)
    Minutes.objects.create(
        meeting=confirmed, score_total=80, score_level="fair", score_confirmed_at=at(D(2026, 10, 6), 8)
    )
    make_meeting(tree.sibling, day=D(2026, 12, 6))  # a branch the cadre does not follow

    html = _home(cadre)
    section = html.split('id="home-cadre"', 1)[1].split("</section>", 1)[0]
    assert "Cuộc sinh hoạt cần dự" in section and "05/12/2026" in section
    assert f'href="{coming.get_absolute_url()}"' in section
    assert "Chi bộ thôn Phú Thịnh" not in section
    assert "Điểm cần xác nhận" in section
    assert f'href="{reverse("meetings:score", args=[held.pk])}"' in section and "92 điểm" in section
    assert reverse("meetings:score", args=[confirmed.pk]) not in section


# --- The member ----------------------------------------------------------------------------------


def test_the_member_sees_the_next_meeting_with_time_place_and_materials(plain_member, tree):
    make_meeting(tree.branch, day=D(2026, 11, 5), status=MeetingStatus.ADOPTED)
    meeting = make_meeting(tree.branch, day=D(2026, 12, 5), topic="Học tập Nghị quyết")
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Báo cáo tháng", kind="report")
    attachment = _attach(item, UserFactory(username="uploader"), name="du-thao-nghi-quyet.pdf")

    html = _home(plain_member)
    section = html.split('id="home-member"', 1)[1].split("</section>", 1)[0]
    assert "05/12/2026" in section and "Từ 19:30 đến 21:30" in section
    assert "Nhà văn hóa thôn Song Khê" in section and "Học tập Nghị quyết" in section
    assert "du-thao-nghi-quyet.pdf" in section
    assert f'href="{reverse("meetings:attachment_download", args=[attachment.pk])}"' in section
    assert plain_member.get(reverse("meetings:attachment_download", args=[attachment.pk])).status_code == 200


def test_a_member_whose_branch_has_not_planned_a_meeting_is_told_so(plain_member):
    assert "chưa lên lịch buổi sinh hoạt tới" in _home(plain_member)


# --- Commune staff and leaders ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_overseers_see_the_most_urgent_flags(request, tree, who):
    client = request.getfixturevalue(who)
    # Song Khê met every month; Phú Thịnh never did: its missing months are flags.
    for month in range(6, 12):
        make_meeting(tree.branch, day=D(2026, month, 5), status=MeetingStatus.ADOPTED)
    html = _home(client)
    section = html.split('id="home-flags"', 1)[1].split("</section>", 1)[0]
    assert "Chi bộ cần đôn đốc trước" in section
    assert "Chi bộ thôn Phú Thịnh" in section
    assert f'href="{reverse("oversight:flags")}?branch={tree.sibling.pk}"' in section
    assert f'href="{reverse("oversight:flags")}"' in section


def test_the_panels_are_only_for_their_roles(plain_member, secretary):
    member_home = _home(plain_member)
    assert 'id="home-secretary"' not in member_home and 'id="home-flags"' not in member_home
    assert 'id="home-cadre"' not in member_home
    secretary_home = _home(secretary)
    assert 'id="home-member"' not in secretary_home and 'id="home-flags"' not in secretary_home


def test_leaders_get_no_button_to_what_only_commune_staff_keep(leader, staff):
    template, rules = reverse("meetings:agenda_template_home"), reverse("meetings:rules_home")
    leader_home = _home(leader)
    assert template not in leader_home and rules not in leader_home
    assert leader.get(template).status_code == 404  # what the buttons led to
    staff_home = _home(staff)
    assert template in staff_home and rules in staff_home


# --- Officers of commune bodies -----------------------------------------------------------------


def test_the_officer_sees_the_petitions_waiting_for_an_answer(tree, client, secretary):
    catalogue_ensure(commune=tree.commune)
    ubnd = Body.objects.get(commune=tree.commune, name="UBND xã Tam Hưng")
    farmers = Body.objects.get(commune=tree.commune, name="Hội Nông dân xã Tam Hưng")
    roads = Category.objects.get(commune=tree.commune, name="Giao thông – đường sá")
    officer = UserFactory(username="ubnd-officer")
    give_role(officer, RoleKind.OFFICER, tree.commune)
    ubnd.officers.add(officer)
    by = secretary.user
    late = make_petition(
        tree.branch,
        roads,
        by,
        PetitionStatus.FORWARDED,
        title="Sửa cống",
        deadline=D(2026, 11, 20),
        raised_on=D(2026, 11, 2),
    )
    soon = make_petition(tree.branch, roads, by, PetitionStatus.IN_PROGRESS, title="Đèn đường", deadline=D(2026, 12, 9))
    make_petition(tree.branch, roads, by, PetitionStatus.ANSWERED, title="Đã trả lời")
    make_petition(tree.branch, roads, by, PetitionStatus.FORWARDED, title="Việc của Hội", body=farmers)

    client.force_login(officer)
    html = _home(client)
    section = html.split('id="home-officer"', 1)[1].split("</section>", 1)[0]
    assert section.index("Sửa cống") < section.index("Đèn đường")  # the nearest deadline first
    assert f'href="{late.get_absolute_url()}"' in section and f'href="{soon.get_absolute_url()}"' in section
    assert section.count("Trễ hạn") == 1 and "hạn 20/11/2026" in section
    assert "Đã trả lời" not in section and "Việc của Hội" not in section
    assert client.get(late.get_absolute_url()).status_code == 200
    # The officer's place speaks of petitions, not of the commune's branches and members.
    assert "đảng viên" not in html.split('id="home-officer"', 1)[1]
    assert "Kiến nghị của cử tri gửi đến cơ quan của đồng chí" in html
    assert f'href="{reverse("petitions:mine")}"' in html


# --- A fixed number of queries ------------------------------------------------------------------

# The home page without panels runs 8 (session, user, roles, two summaries, the inbox count, the
# greeting's member); the panels add theirs (meetings/selectors/home.py): the secretary's 1, the
# cadre's 2, the member's 3, the overseers' flags 6, the officer's 3 (petitions/selectors/home.py).
# The same at both data sizes.
# Leaders and staff: +2 for the new petitions waiting to be forwarded (the first few, and the count).
EXPECTED_QUERIES = {"secretary": 9, "cadre": 11, "member": 10, "staff": 16, "leader": 16, "officer": 11}


def _world(tree, size: int) -> dict:
    """Song Khê (and ``size`` more branches) with ``size`` meetings, each with items, files, a roll
    and scored minutes; one user of each role, the cadre and the member with their member records."""
    uploader = UserFactory(username=f"uploader-{size}")
    for n in range(size):
        make_org(f"Chi bộ số {n}", "branch", tree.commune, code=f"extra-{size}-{n}", branch_type="village")
    members = MemberFactory.create_batch(size, branch=tree.branch)
    for n in range(size):
        meeting = make_meeting(tree.branch, day=D(2026, 12, 5) + datetime.timedelta(days=31 * n))
        held = make_meeting(tree.branch, day=D(2026, 11 - n, 5), status=MeetingStatus.HELD)
        Minutes.objects.create(meeting=held, score_total=90)
        for position in range(size):
            item = AgendaItem.objects.create(meeting=meeting, position=position, title=f"Mục {position}")
            _attach(item, uploader, name=f"tai-lieu-{position}.pdf")
        for member in members:
            Attendance.objects.create(meeting=held, member=member, mark="present", category="full", marked_by=uploader)
    users = {}
    for kind, who in [
        (RoleKind.SECRETARY, "secretary"),
        (RoleKind.CADRE, "cadre"),
        (RoleKind.MEMBER, "member"),
        (RoleKind.COMMUNE_STAFF, "staff"),
        (RoleKind.LEADER, "leader"),
    ]:
        user = UserFactory(username=f"{who}-{size}")
        give_role(user, kind, tree.commune if who in ("staff", "leader") else tree.branch)
        users[who] = user
    MemberFactory(branch=tree.branch, user=users["member"])
    MemberFactory(branch=tree.sibling, user=users["cadre"])
    catalogue_ensure(commune=tree.commune)
    ubnd = Body.objects.get(commune=tree.commune, name="UBND xã Tam Hưng")
    roads = Category.objects.get(commune=tree.commune, name="Giao thông – đường sá")
    users["officer"] = UserFactory(username=f"officer-{size}")
    give_role(users["officer"], RoleKind.OFFICER, tree.commune)
    ubnd.officers.add(users["officer"])
    for n in range(size * 3):
        make_petition(tree.branch, roads, uploader, PetitionStatus.FORWARDED, title=f"Kiến nghị {n}")
        make_petition(tree.branch, roads, uploader, title=f"Kiến nghị mới {n}")
    return users


@pytest.mark.parametrize("size", [1, 4])
def test_the_home_page_runs_a_fixed_number_of_queries(tree, client, size):
    counts = {}
    for who, user in _world(tree, size).items():
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("members:home"))
        assert response.status_code == 200
        counts[who] = len(queries)
    assert counts == EXPECTED_QUERIES


def test_home_shows_roles(staff, tree):
    response = staff.get(reverse("members:home"))
    assert "Đảng bộ xã Tam Hưng" in response.content.decode()


def test_home_page_queries_do_not_grow_with_roles(tree):
    counts = []
    for n, places in enumerate([[tree.branch], [tree.branch, tree.sibling, tree.other_commune, tree.commune]]):
        user = UserFactory(username=f"many{n}")
        for place in places:
            give_role(user, RoleKind.LEADER, place)
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("members:home"))
        counts.append(len(queries))
        branches = {role.organization: summary["branches"] for role, summary, _opens in response.context["places"]}
        assert branches == {place: 2 if place == tree.commune else 1 for place in places}
    assert counts[0] == counts[1]


def test_a_secretary_who_is_a_member_of_the_branch_sees_one_card_for_the_next_meeting(secretary, tree):
    MemberFactory(branch=tree.branch, user=secretary.user)
    make_meeting(tree.branch, day=D(2026, 12, 5))
    html = _home(secretary)
    assert html.count('id="home-secretary"') == 1
    assert 'id="home-member"' not in html


def test_leaders_and_staff_see_new_petitions_with_a_count_on_their_home(tree, leader, staff, secretary):
    catalogue_ensure(commune=tree.commune)
    roads = Category.objects.get(commune=tree.commune, name="Giao thông – đường sá")
    for n in range(7):
        make_petition(tree.branch, roads, secretary.user, title=f"Đèn đường xóm {n}")
    make_petition(tree.branch, roads, secretary.user, PetitionStatus.FORWARDED, title="Đã chuyển đi")
    for client in (leader, staff):
        html = client.get(reverse("members:home")).content.decode()
        assert "Kiến nghị mới cần chuyển giải quyết" in html and 'data-count="7"' in html
        assert "Đèn đường xóm 0" in html and "Đã chuyển đi" not in html
    assert "Kiến nghị mới cần chuyển giải quyết" not in secretary.get(reverse("members:home")).content.decode()
