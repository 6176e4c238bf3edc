"""The review list as Excel: the same filters, the columns asked for, formulas made harmless."""

import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from .conftest import NOW, D, make_petition
from .test_pages import S


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_export_has_the_columns_the_filters_and_escapes_formulas(leader, tree, catalogue, root, officer):
    make_petition(
        tree.branch, catalogue.roads, root, S.IN_PROGRESS, deadline=D(2026, 12, 4), officer=officer.user,
        title="=HYPERLINK(\"http://x\",\"bấm\")",
    )  # fmt: skip
    make_petition(tree.sibling, catalogue.water, root, title="Nước sạch Phú Thịnh")
    response = leader.get(reverse("petitions:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="kien-nghi-ngay-10-12-2026.xlsx"'
    table = rows(response)
    assert table[0] == [
        "Chi bộ", "Tiêu đề", "Lĩnh vực", "Cơ quan giải quyết", "Cán bộ phụ trách", "Ngày nêu", "Thời hạn", "Trạng thái",
        "Số ngày làm việc trễ hạn", "Nội dung", "Người nêu", "Trả lời", "Ngày trả lời", "Đã thông báo cho người dân",
    ]  # fmt: skip
    late = table[1]  # most overdue first, as the list
    # Stored as text, shown as written: no visible apostrophe, never run as a formula.
    assert late[1] == '=HYPERLINK("http://x","bấm")'
    sheet = load_workbook(io.BytesIO(response.content)).active
    title = sheet.cell(row=2, column=2)
    assert (title.data_type, title.quotePrefix) == ("s", True)
    assert late[0] == "Chi bộ thôn Song Khê" and late[3] == "UBND xã Tam Hưng" and late[4] == "Nguyễn Quang Tuyên"
    assert late[5].date() == D(2026, 12, 1) and late[6].date() == D(2026, 12, 4)
    assert late[7] == "Đang thực hiện" and late[8] == 4
    assert len(table) == 3
    sheet = load_workbook(io.BytesIO(response.content)).active
    for row in (2, 3):  # dates read as dates, titles as text, in every row
        assert sheet.cell(row=row, column=6).number_format == "DD/MM/YYYY"
        assert sheet.cell(row=row, column=2).number_format == "@"

    only = rows(leader.get(reverse("petitions:export"), {"branch": tree.sibling.pk}))
    assert [row[1] for row in only[1:]] == ["Nước sạch Phú Thịnh"]
    assert only[1][6] is None and only[1][8] == 0


def test_the_export_is_for_those_who_see_the_list(outsider, client, tree, catalogue, root, plain_member):
    make_petition(tree.branch, catalogue.roads, root)
    assert len(rows(outsider.get(reverse("petitions:export")))) == 1  # another commune: headers only
    assert len(rows(plain_member.get(reverse("petitions:export")))) == 2
    assert client.get(reverse("petitions:export")).status_code == 302  # to the login page


def test_the_export_says_what_was_asked_who_raised_it_and_what_came_back(leader, plain_member, tree, catalogue, root):
    make_petition(
        tree.branch, catalogue.roads, root, S.REPORTED_BACK, title="Sửa đường xóm 2", content="Đoạn 200 m bị sụt lún.",
        resident_name="Nguyễn Văn Dân", told_resident_on=D(2026, 12, 8), told_resident_how="phone",
        told_resident_by="Bí thư chi bộ",
    )  # fmt: skip
    [header, row] = rows(leader.get(reverse("petitions:export")))
    values = dict(zip(header, row, strict=True))
    assert values["Nội dung"] == "Đoạn 200 m bị sụt lún."
    assert values["Người nêu"] == "Nguyễn Văn Dân"
    assert values["Trả lời"] == "Đã có kinh phí sửa đường." and values["Ngày trả lời"].date() == D(2026, 12, 3)
    assert values["Đã thông báo cho người dân"] == "08/12/2026 · Qua điện thoại · Bí thư chi bộ"
    # A plain member sees the petition, not the resident's name.
    [header, row] = rows(plain_member.get(reverse("petitions:export")))
    assert dict(zip(header, row, strict=True))["Người nêu"] == "một người dân"
