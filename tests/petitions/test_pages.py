"""The petitions pages: who sees them, recording, the actions through the page, the list."""

import datetime
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.access import forget_roles
from petitions.models import Petition, PetitionEvent, PetitionStatus
from petitions.views.lookups import PAGE_SIZE

from ..factories import MemberFactory
from .conftest import NOW, D, make_meeting, make_petition

pytestmark = pytest.mark.system_scope

S = PetitionStatus


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def petition(tree, catalogue, root):
    return make_petition(tree.branch, catalogue.roads, root)


def detail(petition):
    return reverse("petitions:detail", args=[petition.pk])


def act(petition, action):
    return reverse("petitions:action", args=[petition.pk, action])


# --- Who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "secretary", "leader", "cadre", "plain_member"])
def test_the_list_detail_and_figures_open_for_the_branchs_people(request, who, petition):
    client = request.getfixturevalue(who)
    for url in (reverse("petitions:list"), detail(petition), reverse("petitions:figures")):
        response = client.get(url)
        assert response.status_code == 200, url
    assert petition.title in client.get(reverse("petitions:list")).content.decode()
    assert "Kiến nghị" in client.get(reverse("petitions:list")).content.decode()  # the menu item


def test_outsiders_get_404_and_see_nothing(outsider, petition, django_user_model):
    assert outsider.get(detail(petition)).status_code == 404
    assert outsider.post(act(petition, "forward"), {}).status_code == 404
    assert outsider.post(act(petition, "comment"), {"comment-text": "x"}).status_code == 404
    page = outsider.get(reverse("petitions:list"))
    assert page.status_code == 200 and petition.title not in page.content.decode()  # their own commune's list
    assert outsider.get(reverse("petitions:mine")).status_code == 404
    assert outsider.get(reverse("petitions:record") + f"?branch={petition.branch_id}").status_code == 404
    assert PetitionEvent.objects.count() == 0


def test_users_without_a_petition_role_get_404_everywhere(client, django_user_model, petition):
    nobody = django_user_model.objects.create_user("nobody", password="x-123-long-pass")
    client.force_login(nobody)
    for name in ("list", "export", "figures", "mine", "record", "catalogue_home"):
        assert client.get(reverse(f"petitions:{name}")).status_code == 404, name
    assert "Kiến nghị" not in client.get(reverse("members:home")).content.decode()


def test_a_plain_member_sees_no_residents_phone_and_no_actions(plain_member, secretary, petition):
    page = plain_member.get(detail(petition)).content.decode()
    assert "0912345678" not in page and "Nguyễn Văn Dân" not in page
    assert 'id="actions"' not in page
    assert plain_member.post(act(petition, "comment"), {"comment-text": "x"}).status_code == 404
    assert "0912345678" in secretary.get(detail(petition)).content.decode()


def test_unknown_action_is_404_and_get_is_refused(leader, petition):
    assert leader.post(act(petition, "delete"), {}).status_code == 404
    assert leader.get(act(petition, "forward")).status_code == 405


def test_only_the_allowed_actions_are_offered(leader, officer, secretary, cadre, tree, catalogue, root, meeting):
    # ``meeting``: held on 5/12, where an answer on the spot can be recorded.
    new = make_petition(tree.branch, catalogue.roads, root)
    page = leader.get(detail(new)).content.decode()
    for action in ("forward", "escalate", "decline", "comment", "attach"):
        assert f'id="action-{action}"' in page
    for action in ("start", "answer", "report_back", "answer_at_meeting", "extend_deadline"):
        assert f'id="action-{action}"' not in page
    forwarded = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED)
    page = officer.get(detail(forwarded)).content.decode()
    assert 'id="action-start"' in page and 'id="action-answer"' in page and 'id="action-forward"' not in page
    page = secretary.get(detail(new)).content.decode()
    assert 'id="action-answer_at_meeting"' in page and 'id="action-forward"' not in page
    assert 'id="action-answer_at_meeting"' in cadre.get(detail(new)).content.decode()


# --- Recording ----------------------------------------------------------------------------------


def test_recording_at_a_meeting_twice_with_the_same_key_records_once(secretary, tree, catalogue, meeting):
    member = MemberFactory(branch=tree.branch, full_name="Phạm Văn Nêu")
    url = reverse("petitions:record") + f"?meeting={meeting.pk}"
    page = secretary.get(url)
    assert page.status_code == 200
    key = page.context["form"].initial["submit_key"]
    data = {
        "title": "Sửa chữa tuyến đường nội thôn",
        "content": "Đường xóm 3 xuống cấp.",
        "category": catalogue.roads.pk,
        "raised_by_member": member.pk,
        "priority": "high",
        "submit_key": str(key),
    }
    first = secretary.post(url, data)
    second = secretary.post(url, data)
    petition = Petition.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == detail(petition)
    assert (petition.meeting, petition.raised_on, petition.raised_by_member, petition.priority) == (
        meeting,
        meeting.day,
        member,
        "high",
    )
    assert PetitionEvent.objects.filter(petition=petition).count() == 1


def test_bad_input_keeps_what_was_typed(secretary, tree, catalogue):
    url = reverse("petitions:record") + f"?branch={tree.branch.pk}"
    data = {
        "title": "Nước sạch xóm 2",
        "content": "Giếng bị nhiễm phèn.",
        "category": "",
        "resident_name": "",
        "resident_phone": "abc",
        "priority": "normal",
        "raised_on": "05/12/2030",
        "submit_key": str(uuid.uuid4()),
    }
    page = secretary.post(url, data)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Nước sạch xóm 2"' in html and "Giếng bị nhiễm phèn." in html
    assert "Chọn lĩnh vực." in html  # Choose a category.
    assert "Chọn đảng viên đã nêu, hoặc ghi tên người dân." in html
    assert not Petition.objects.exists()
    # The category chosen, the date in the future: the service's message, on its field.
    data.update(category=catalogue.water.pk, resident_name="Nguyễn Thị Dân", resident_phone="0912 345 678")
    html = secretary.post(url, data).content.decode()
    assert "Ngày nêu kiến nghị không được ở tương lai." in html
    assert 'value="Nguyễn Thị Dân"' in html
    assert not Petition.objects.exists()


def test_staff_choose_the_branch_first(staff, tree, catalogue):
    page = staff.get(reverse("petitions:record"))
    assert page.status_code == 200 and "Chi bộ thôn Phú Thịnh" in page.content.decode()
    assert staff.get(reverse("petitions:record") + f"?branch={tree.sibling.pk}").status_code == 200
    assert staff.get(reverse("petitions:record") + f"?branch={tree.other_branch.pk}").status_code == 404


def test_a_member_or_leader_cannot_record(plain_member, leader, tree):
    for client in (plain_member, leader):
        assert client.get(reverse("petitions:record") + f"?branch={tree.branch.pk}").status_code == 404


# --- Actions through the page -------------------------------------------------------------------


def test_the_leader_forwards_the_officer_starts_and_answers_the_secretary_reports_back(
    leader, officer, secretary, petition, catalogue, tree
):
    response = leader.post(
        act(petition, "forward"),
        {"forward-body": catalogue.ubnd.pk, "forward-officer": "", "forward-deadline": "24/12/2026",
         "forward-version": petition.version},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == detail(petition)
    petition.refresh_from_db()
    assert (petition.status, petition.body, petition.deadline) == (S.FORWARDED, catalogue.ubnd, D(2026, 12, 24))

    assert officer.post(act(petition, "start"), {"start-version": petition.version}).status_code == 302
    petition.refresh_from_db()
    assert (petition.status, petition.officer) == (S.IN_PROGRESS, officer.user)
    assert petition.title in officer.get(reverse("petitions:mine")).content.decode()

    response = officer.post(
        act(petition, "answer"), {"answer-answer": "Đã bố trí kinh phí sửa đường.", "answer-version": petition.version}
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.status, petition.answered_on) == (S.ANSWERED, D(2026, 12, 10))

    later = make_meeting(tree.branch, D(2026, 12, 10))
    data = {"report_back-meeting": later.pk, "report_back-version": petition.version}
    assert secretary.post(act(petition, "report_back"), data).status_code == 302
    petition.refresh_from_db()
    assert (petition.status, petition.reported_back_at_meeting) == (S.REPORTED_BACK, later)
    page = secretary.get(detail(petition)).content.decode()
    for kind in ("recorded", "forwarded", "started", "answered", "reported_back"):
        assert f'data-kind="{kind}"' in page or kind == "recorded"  # made straight, without its entry
    assert "Đã bố trí kinh phí sửa đường." in page


def test_a_refused_transition_says_why_and_changes_nothing(leader, tree, catalogue, root):
    forwarded = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED)
    response = leader.post(act(forwarded, "forward"), {"forward-body": catalogue.ubnd.pk}, follow=True)
    assert response.status_code == 200
    assert "không thể chuyển đi; chỉ kiến nghị mới được chuyển." in response.content.decode()
    assert not PetitionEvent.objects.filter(petition=forwarded).exists()


def test_an_action_the_user_has_no_right_to_is_404(secretary, officer, tree, catalogue, root, petition):
    assert secretary.post(act(petition, "forward"), {"forward-body": catalogue.ubnd.pk}).status_code == 404
    foreign = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED, body=catalogue.farmers)
    assert officer.get(detail(foreign)).status_code == 404  # not their body's
    assert officer.post(act(foreign, "start"), {}).status_code == 404


def test_the_services_message_is_shown_and_the_input_kept(leader, tree, catalogue, root):
    forwarded = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED)  # deadline 20/12
    response = leader.post(
        act(forwarded, "extend_deadline"),
        {
            "extend_deadline-deadline": "15/12/2026",
            "extend_deadline-reason": "Chờ dự toán",
            "extend_deadline-version": 1,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thời hạn mới phải sau thời hạn hiện tại (20/12/2026)." in html
    assert "Chờ dự toán" in html and 'id="action-extend_deadline" open' in html
    response = leader.post(
        act(forwarded, "extend_deadline"), {"extend_deadline-deadline": "28/12/2026", "extend_deadline-version": 1}
    )
    assert "Hãy ghi lý do gia hạn." in response.content.decode()
    forwarded.refresh_from_db()
    assert forwarded.deadline == D(2026, 12, 20)


def test_a_stale_page_is_refused(leader, officer, tree, catalogue, root):
    forwarded = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED)
    old_version = forwarded.version
    officer.post(act(forwarded, "comment"), {"comment-text": "Đã gọi điện cho người dân.", "comment-version": 1})
    assert PetitionEvent.objects.filter(petition=forwarded, kind="comment").exists()
    response = leader.post(
        act(forwarded, "decline"), {"decline-reason": "Không thuộc thẩm quyền", "decline-version": old_version}
    )
    assert response.status_code == 200
    forwarded.refresh_from_db()
    assert forwarded.status == S.FORWARDED


def test_attachments_download_within_scope_only(secretary, outsider, petition, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("anh.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = secretary.post(act(petition, "attach"), {"attach-upload": upload, "attach-version": petition.version})
    assert response.status_code == 302
    attachment = petition.attachments.get()
    url = reverse("petitions:attachment_download", args=[attachment.pk])
    assert url in secretary.get(detail(petition)).content.decode()
    download = secretary.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "no-store" in download["Cache-Control"]
    assert outsider.get(url).status_code == 404


# --- The list -------------------------------------------------------------------------------------


def test_filters_counts_and_sorting(leader, tree, catalogue, root):
    late = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED, deadline=D(2026, 12, 4), title="Trễ hạn")
    make_petition(tree.sibling, catalogue.water, root, title="Nước sạch Phú Thịnh")
    make_petition(tree.branch, catalogue.roads, root, raised_on=D(2026, 10, 1), title="Cũ")
    page = leader.get(reverse("petitions:list"))
    assert [p.title for p in page.context["page"]][0] == "Trễ hạn"  # most overdue first
    assert page.context["counts"]["total"] == 3 and page.context["counts"]["overdue"] == 1
    page = leader.get(reverse("petitions:list"), {"branch": tree.sibling.pk})
    assert [p.title for p in page.context["page"]] == ["Nước sạch Phú Thịnh"]
    page = leader.get(
        reverse("petitions:list"), {"raised_from": "01/11/2026", "raised_to": "31/12/2026", "sort": "raised"}
    )
    assert {p.title for p in page.context["page"]} == {"Trễ hạn", "Nước sạch Phú Thịnh"}
    page = leader.get(reverse("petitions:list"), {"overdue": "on"})
    assert [p.title for p in page.context["page"]] == ["Trễ hạn"]
    assert late.title in page.content.decode()
    page = leader.get(reverse("petitions:list"), {"raised_from": "31/02/2026", "status": "open"})
    assert page.status_code == 200 and "Nhập ngày theo dạng ngày/tháng/năm." in page.content.decode()
    assert {p.title for p in page.context["page"]} == {"Trễ hạn", "Nước sạch Phú Thịnh", "Cũ"}


def test_bulk_forward_reports_the_refused_ones(leader, secretary, tree, catalogue, root):
    new = make_petition(tree.branch, catalogue.roads, root, title="Mới 1")
    other = make_petition(tree.sibling, catalogue.water, root, title="Mới 2")
    forwarded = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED, title="Đã chuyển rồi")
    assert 'id="bulk"' in leader.get(reverse("petitions:list")).content.decode()
    assert 'id="bulk"' not in secretary.get(reverse("petitions:list")).content.decode()
    response = leader.post(
        reverse("petitions:bulk"),
        {"petitions": [new.pk, other.pk, forwarded.pk], "action": "forward", "body": catalogue.ubnd.pk,
         "deadline": "28/12/2026", "query": "status=new"},
        follow=True,
    )  # fmt: skip
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("petitions:list") + "?status=new"
    assert "Đã chuyển 2 kiến nghị." in html
    assert "Đã chuyển rồi" in html and "không thể chuyển đi" in html
    assert set(Petition.objects.filter(status=S.FORWARDED).values_list("pk", flat=True)) == {
        new.pk,
        other.pk,
        forwarded.pk,
    }
    assert Petition.objects.get(pk=new.pk).deadline == D(2026, 12, 28)
    assert secretary.post(reverse("petitions:bulk"), {"petitions": [new.pk]}).status_code == 404


def _many(tree, catalogue, root, size):
    statuses = [S.NEW, S.FORWARDED, S.IN_PROGRESS, S.ANSWERED]
    Petition.objects.bulk_create(
        Petition(
            branch=[tree.branch, tree.sibling][i % 2],
            category=catalogue.roads,
            body=None if statuses[i % 4] == S.NEW else catalogue.ubnd,
            title=f"Kiến nghị {i}",
            raised_on=D(2026, 9, 1),
            deadline=D(2026, 9, 1) + datetime.timedelta(days=i % 90),
            status=statuses[i % 4],
            answer="Đã trả lời" if statuses[i % 4] == S.ANSWERED else "",
            answered_on=D(2026, 10, 1) if statuses[i % 4] == S.ANSWERED else None,
            created_by=root,
        )
        for i in range(size)
    )


@pytest.mark.parametrize("size", [20, 500])
def test_the_list_page_runs_the_same_queries_at_any_size(
    leader, tree, catalogue, root, officer, size, django_assert_num_queries
):
    """Session, user, roles; the page's count, its counts, its rows and the announced days; the
    filter's choices (branches, categories, bodies, officers); the bulk form's communes, bodies
    and officers; the unread count in the header: 15 whatever the number of petitions."""
    _many(tree, catalogue, root, size)
    Petition.objects.filter(status=S.IN_PROGRESS).update(officer=officer.user)
    forget_roles(leader.user)
    leader.get(reverse("petitions:list"))  # sessions, content types: warmed up
    with django_assert_num_queries(15):
        page = leader.get(reverse("petitions:list"), {"page": 2, "sort": "deadline"})
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == min(PAGE_SIZE, size - PAGE_SIZE) or size <= PAGE_SIZE


def test_an_attachment_named_over_200_characters_keeps_its_extension(secretary, petition, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = "Ảnh chụp hiện trạng đường thôn Song Khê bị sạt lở sau mưa lũ " * 5 + ".pdf"
    upload = SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = secretary.post(act(petition, "attach"), {"attach-upload": upload, "attach-version": petition.version})
    assert response.status_code == 302
    attachment = petition.attachments.get()
    assert len(attachment.name) <= 200 and attachment.name.endswith(".pdf")
    assert attachment.file.name.endswith(".pdf")
