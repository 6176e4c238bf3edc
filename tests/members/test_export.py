"""Exporting a branch's members to Excel, and the import template."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from members.models import ImportBatch, Member, MemberStatus, RoleKind
from members.services import exports, imports

from ..factories import MemberFactory, UserFactory, give_role
from .test_import import HEADERS as IMPORTED_HEADERS  # the file format, pinned once

# And the column that marks a linked working member (issue 24): empty for the branch's own members.
HEADERS = [*IMPORTED_HEADERS, "Chi bộ nơi công tác"]

pytestmark = pytest.mark.system_scope


def open_xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content))


def export_url(branch):
    return reverse("members:export", args=[branch.pk])


@pytest.fixture
def members(tree):
    an = MemberFactory(
        branch=tree.branch,
        full_name="Nguyễn Văn An",
        date_of_birth=datetime.date(1975, 3, 15),
        sex="male",
        citizen_id="001075012345",
        party_card_number="00012345",
        admitted_on=datetime.date(2000, 5, 19),
        full_member_on=datetime.date(2001, 5, 19),
        phone="0912345678",
        residence="Thôn Song Khê",
    )
    binh = MemberFactory(
        branch=tree.branch,
        full_name="Trần Thị Bình",
        sex="female",
        status=MemberStatus.PROBATIONARY,
        admitted_on=datetime.date(2024, 2, 3),
        full_member_on=None,
        party_card_number="",
    )
    MemberFactory(
        branch=tree.branch, full_name="Người Đã Chuyển", left_on=datetime.date(2024, 1, 1), leave_reason="transfer"
    )
    MemberFactory(branch=tree.sibling, full_name="Người Chi Bộ Khác")
    return an, binh


def test_export_lists_the_branch_members(secretary, tree, members):
    response = secretary.get(export_url(tree.branch))
    assert response["Content-Disposition"] == 'attachment; filename="dang-vien-song-khe.xlsx"'
    assert "no-store" in response["Cache-Control"]
    sheet = open_xlsx(response).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    # Active members of this branch only, in name order.
    assert [row[0] for row in rows[1:]] == ["Nguyễn Văn An", "Trần Thị Bình"]
    an = dict(zip(HEADERS, rows[1], strict=True))
    assert an["Ngày sinh"] == datetime.datetime(1975, 3, 15)
    assert sheet["B2"].number_format == "DD/MM/YYYY"
    assert an["Giới tính"] == "Nam"
    assert an["Số CCCD"] == "001075012345"  # text, leading zeros kept
    assert an["Số thẻ đảng viên"] == "00012345"
    assert an["Trạng thái"] == "Chính thức"
    assert an["Điện thoại"] == "0912345678"
    binh = dict(zip(HEADERS, rows[2], strict=True))
    assert binh["Giới tính"] == "Nữ"
    assert binh["Trạng thái"] == "Dự bị"
    assert binh["Ngày chính thức"] is None


@pytest.mark.parametrize("dangerous", ["=1+1", "+84 cmd", "-2+3", "@SUM(A1)", "\tTab", "\rCR"])
def test_export_escapes_formula_like_text(secretary, tree, dangerous):
    MemberFactory(branch=tree.branch, full_name="Nguyễn Văn An", residence=dangerous, workplace="Trường - Tam Hưng")
    sheet = open_xlsx(secretary.get(export_url(tree.branch))).worksheets[0]
    residence = sheet.cell(2, HEADERS.index("Nơi cư trú") + 1)
    assert residence.value == "'" + dangerous
    assert residence.data_type == "s"  # text, not a formula
    # Text that only contains such a character later on is left alone.
    assert sheet.cell(2, HEADERS.index("Nơi công tác") + 1).value == "Trường - Tam Hưng"
    assert sheet.cell(2, 1).value == "Nguyễn Văn An"


def test_escaped_name_cell(secretary, tree):
    MemberFactory(branch=tree.branch, full_name='=HYPERLINK("http://example.com","Bấm")')
    sheet = open_xlsx(secretary.get(export_url(tree.branch))).worksheets[0]
    assert sheet["A2"].value == '\'=HYPERLINK("http://example.com","Bấm")'
    assert sheet["A2"].data_type == "s"


def test_exported_list_reimports_unchanged(secretary, tree, members):
    Member.objects.filter(pk=members[0].pk).update(workplace="=1+1", residence="-Xóm Mới")
    content = secretary.get(export_url(tree.branch)).content
    history_before = Member.history.count()

    response = secretary.post(
        reverse("members:import", args=[tree.branch.pk]), {"file": SimpleUploadedFile("dang-vien.xlsx", content)}
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    plan = imports.plan_import(batch=batch)
    assert [row.errors for row in plan.rows] == [[], []]
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 2)
    imports.import_confirm(batch=batch, by=secretary.user)
    assert Member.history.count() == history_before
    assert Member.objects.get(pk=members[0].pk).workplace == "=1+1"


@pytest.fixture
def sibling_secretary(tree):
    user = UserFactory(username="sibling-secretary")
    give_role(user, RoleKind.SECRETARY, tree.sibling)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["outsider", "sibling_secretary", "plain_member", "leader", "cadre"])
def test_export_is_404_outside_scope(request, tree, members, persona):
    client = request.getfixturevalue(persona)
    assert client.get(export_url(tree.branch)).status_code == 404


# Only those who keep the register take the classified list out of the system.
@pytest.mark.parametrize("persona", ["staff", "secretary"])
def test_export_for_those_who_keep_the_register(request, tree, members, persona):
    client = request.getfixturevalue(persona)
    sheet = open_xlsx(client.get(export_url(tree.branch))).worksheets[0]
    assert sheet.max_row == 3


def test_export_of_a_commune_is_404(staff, tree):
    assert staff.get(export_url(tree.commune)).status_code == 404


def test_export_anonymous_goes_to_login(client, tree):
    response = client.get(export_url(tree.branch))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_export_queries_do_not_grow_with_members(secretary, tree, django_assert_max_num_queries):
    MemberFactory.create_batch(3, branch=tree.branch)
    with django_assert_max_num_queries(10) as small:
        secretary.get(export_url(tree.branch))
    MemberFactory.create_batch(30, branch=tree.branch)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = secretary.get(export_url(tree.branch))
    assert open_xlsx(response).worksheets[0].max_row == 34


# --- the import template ------------------------------------------------------------------


def test_template_downloads(secretary):
    response = secretary.get(reverse("members:import_template"))
    assert response["Content-Disposition"] == f'attachment; filename="{exports.TEMPLATE_FILENAME}"'
    workbook = open_xlsx(response)
    assert len(workbook.worksheets) == 2
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2  # headers and one example row
    guide = [row[0] for row in workbook.worksheets[1].iter_rows(values_only=True)]
    assert all(header in guide for header in HEADERS)


def test_template_reimports_cleanly(secretary, tree):
    content = secretary.get(reverse("members:import_template")).content
    response = secretary.post(
        reverse("members:import", args=[tree.branch.pk]), {"file": SimpleUploadedFile("mau.xlsx", content)}
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    preview = secretary.get(reverse("members:import_preview", args=[batch.pk]))
    plan = preview.context["plan"]
    assert [row.errors for row in plan.rows] == [[]]
    assert plan.created == 1
    secretary.post(reverse("members:import_preview", args=[batch.pk]))
    member = Member.objects.get(branch=tree.branch)
    assert member.full_name == "Nguyễn Văn An"
    assert member.date_of_birth == datetime.date(1975, 3, 15)
    assert member.citizen_id == "001075012345"


def test_template_needs_login(client):
    response = client.get(reverse("members:import_template"))
    assert response.status_code == 302
