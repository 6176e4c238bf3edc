"""Importing the lists communes really keep: a title and merged rows above the header, an STT
column, dates as date cells and as text, blank rows, a totals row, notes and signatures under the
table, formulas saved without values, a stray styled cell at the last row of the sheet."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl.styles import Font
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from members.models import ImportBatch, Member, MemberStatus
from members.services import imports

pytestmark = pytest.mark.system_scope

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Ngày vào Đảng", "Ngày chính thức", "Chức vụ"]

# (STT, name, born, sex, home town, admitted, full member, position): dates as date cells and as text.
MEMBERS = [
    (1, "Trần Văn Thư", datetime.datetime(1968, 4, 2), "Nam", "Tam Hưng", "03/02/1995", "03/02/1996", "Bí thư"),
    (2, "Nguyễn Thị Hằng", "15/03/1975", "Nữ", "Tam Hưng", datetime.datetime(2000, 5, 19), "19/05/2001", ""),
    (3, "Lê Văn Thắng", "5/3/1962", "Nam", "Thanh Oai", "01/01/1985", datetime.datetime(1986, 1, 1), "Phó bí thư"),
    (4, "Phạm Thị Oanh", datetime.datetime(1980, 12, 31), "Nữ", "", "", "", ""),
    (5, "Công Tằng Tôn Nữ Thị Bích Ngọc", "01/06/1990", "", "Huế", "", "", ""),
]
AFTER_BLANK = [
    (6, "Đỗ Văn Cộng", "20/10/1958", "Nam", "Tam Hưng", "20/10/1980", "20/10/1981", ""),
    (7, "Vũ Thị Tổng", "", "Nữ", "", "", "", ""),
]


def commune_list(*, stray_cell=False) -> bytes:
    """Chi bộ thôn Song Khê's list as the commune keeps it (rows numbered as in Excel)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "ĐẢNG BỘ XÃ TAM HƯNG"
    sheet["F1"] = "ĐẢNG CỘNG SẢN VIỆT NAM"
    sheet["A2"] = "DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN SONG KHÊ"
    sheet.merge_cells("A2:H2")
    sheet["A3"] = "(Tính đến ngày 01 tháng 01 năm 2026)"
    sheet.merge_cells("A3:H3")
    sheet.append(HEADER)  # row 4
    for member in MEMBERS:  # rows 5–9
        sheet.append(member)
    sheet.append([])  # row 10: a blank row inside the table
    for member in AFTER_BLANK:  # rows 11–12
        sheet.append(member)
    sheet.append(["Tổng cộng: 7 đảng viên"])  # row 13
    sheet.merge_cells("A13:C13")
    sheet.append(["Ghi chú: đồng chí Oanh chuyển sinh hoạt tạm thời từ tháng 3"])  # row 14
    sheet.append([])  # row 15
    sheet.append([None, None, None, None, None, "Song Khê, ngày 05 tháng 01 năm 2026"])  # row 16
    sheet.append([None, "Người lập biểu", None, None, None, "T/M CHI ỦY"])  # row 17
    sheet.append([None, "(Ký, ghi rõ họ tên)", None, None, None, "BÍ THƯ"])  # row 18
    sheet.append([])
    sheet.append([])
    sheet.append([None, "Nguyễn Văn Lập", None, None, None, "Trần Văn Thư"])  # row 21: the signers' names
    if stray_cell:
        sheet["M1048576"].font = Font(bold=True)  # a styled cell with no value, far below
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload_batch(client, branch, data, name="danh-sach-dang-vien.xlsx") -> ImportBatch:
    response = client.post(reverse("members:import", args=[branch.pk]), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportBatch.objects.latest("pk")


def preview(client, batch):
    response = client.get(reverse("members:import_preview", args=[batch.pk]))
    assert response.status_code == 200
    return response.content.decode(), response.context["plan"]


def parse(data: bytes) -> imports.ParsedFile:
    return imports.parse_upload(upload=SimpleUploadedFile("list.xlsx", data))


def kinds(parsed: imports.ParsedFile) -> dict[int, str | None]:
    return {row["row"]: row.get("skip", {}).get("code") for row in parsed.rows}


# --- the commune's list -------------------------------------------------------------------


def test_commune_list_preview_has_the_members_and_notes_the_other_rows(secretary, tree):
    batch = upload_batch(secretary, tree.branch, commune_list())
    html, plan = preview(english(secretary), batch)

    created = {row.number: row.values["full_name"] for row in plan.rows if row.action == imports.Action.CREATE}
    assert created == {
        5: "Trần Văn Thư",
        6: "Nguyễn Thị Hằng",
        7: "Lê Văn Thắng",
        8: "Phạm Thị Oanh",
        9: "Công Tằng Tôn Nữ Thị Bích Ngọc",
        11: "Đỗ Văn Cộng",
        12: "Vũ Thị Tổng",
    }
    skipped = {row.number: row.note for row in plan.rows if row.action == imports.Action.NOT_MEMBER}
    assert skipped == {
        13: "Row 13 (“Tổng cộng: 7 đảng viên”) is a totals row, not a member: skipped.",
        14: "Row 14 (“Ghi chú: đồng chí Oanh chuyển sinh hoạt tạm thời từ tháng 3”) is a note, not a member: skipped.",
        16: "Row 16 (“Song Khê, ngày 05 tháng 01 năm 2026”) is the place and date under the table, "
        "not a member: skipped.",
        17: "Row 17 (“Người lập biểu · T/M CHI ỦY”) is a signature line under the table, not a member: skipped.",
        18: "Row 18 (“(Ký, ghi rõ họ tên) · BÍ THƯ”) is a signature line under the table, not a member: skipped.",
        21: "Row 21 (“Nguyễn Văn Lập · Trần Văn Thư”) is below the end of the table, not a member: skipped.",
    }
    # Not members are neither errors nor imports, and the preview says what each one was.
    assert (plan.created, plan.skipped, plan.not_members, plan.to_import) == (7, 0, 6, 7)
    assert "Not members (totals, notes, signatures): 6" in html
    assert "is a totals row, not a member: skipped." in html
    assert "Import 7 members" in html


def test_commune_list_dates_as_cells_and_as_text(secretary, tree):
    batch = upload_batch(secretary, tree.branch, commune_list())
    _html, plan = preview(secretary, batch)
    values = {row.values["full_name"]: row.values for row in plan.rows if row.values}
    assert values["Trần Văn Thư"]["date_of_birth"] == datetime.date(1968, 4, 2)
    assert values["Trần Văn Thư"]["admitted_on"] == datetime.date(1995, 2, 3)
    assert values["Nguyễn Thị Hằng"]["date_of_birth"] == datetime.date(1975, 3, 15)
    assert values["Nguyễn Thị Hằng"]["admitted_on"] == datetime.date(2000, 5, 19)
    assert values["Lê Văn Thắng"]["date_of_birth"] == datetime.date(1962, 3, 5)
    assert values["Lê Văn Thắng"]["full_member_on"] == datetime.date(1986, 1, 1)
    assert values["Phạm Thị Oanh"]["date_of_birth"] == datetime.date(1980, 12, 31)
    assert "date_of_birth" not in values["Vũ Thị Tổng"]


def test_confirmed_commune_list_invents_nothing(secretary, tree):
    batch = upload_batch(secretary, tree.branch, commune_list())
    response = secretary.post(reverse("members:import_preview", args=[batch.pk]))
    assert response.status_code == 302
    members = {member.full_name: member for member in Member.objects.filter(branch=tree.branch)}
    # The totals row, the signers below the table and the other lines are not members.
    assert sorted(members) == sorted(row[1] for row in MEMBERS + AFTER_BLANK)
    assert "Nguyễn Văn Lập" not in members
    for member in members.values():
        assert member.ethnicity == ""  # no "Dân tộc" column: unknown, not "Kinh"
        assert member.citizen_id == member.phone == member.residence == member.party_card_number == ""
    assert members["Công Tằng Tôn Nữ Thị Bích Ngọc"].sex == ""  # empty cell
    assert members["Vũ Thị Tổng"].date_of_birth is None
    assert members["Vũ Thị Tổng"].admitted_on is None
    # The secretary's "Chức vụ" is not a column the importer reads: nothing is made of it.
    assert not members["Trần Văn Thư"].positions.exists()
    # The status is the documented default of the file format (empty means Chính thức).
    assert members["Lê Văn Thắng"].status == MemberStatus.FULL


def test_commune_list_in_vietnamese(secretary, tree):
    batch = upload_batch(secretary, tree.branch, commune_list())
    client = secretary
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html, _plan = preview(client, batch)
    assert "Dòng 13 (“Tổng cộng: 7 đảng viên”) là dòng tổng cộng, không phải đảng viên: bỏ qua." in html
    assert "Không phải dòng đảng viên" in html
    assert "Không phải đảng viên (dòng tổng, ghi chú, chữ ký): 6" in html
    upload_page = client.get(reverse("members:import", args=[tree.branch.pk])).content.decode()
    assert "Có thể tải lên danh sách sẵn có của xã như đang lưu" in upload_page


# --- a sheet whose stated size lies -----------------------------------------------------------


def test_a_stray_cell_at_the_last_row_does_not_make_a_million_rows(monkeypatch):
    data = commune_list(stray_cell=True)
    assert len(data) < 8 * 1024
    sheet_xml_dimension = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0].max_row
    assert sheet_xml_dimension == 1048576  # what openpyxl believes

    produced = []
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            produced.append(1)
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    parsed = parse(data)
    # Two passes (values, then formulas) over the rows up to the last one with data, plus the run
    # of blank rows that ends the reading: not a million.
    assert len(produced) <= 2 * (21 + imports.BLANK_RUN_LIMIT + 1)
    assert [row["values"].get("full_name") for row in parsed.rows if "skip" not in row] == [
        row[1] for row in MEMBERS + AFTER_BLANK
    ]


def test_data_far_below_the_list_is_refused_not_read_to_the_end():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên"])
    sheet.append(["Nguyễn Văn An"])
    # Data every 50 rows: no blank run long enough to stop, so the row limit must.
    for number in range(50, 20000, 50):
        sheet.cell(row=number, column=1, value=f"Người {number}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(imports.ImportFileError) as refused:
        parse(buffer.getvalue())
    assert refused.value.code == "too_many_rows"


# --- messages that say what is wrong -----------------------------------------------------------


@translation.override("en")
def test_a_date_that_does_not_exist_says_so():
    rows = [["Họ và tên", "Ngày sinh", "Ngày vào Đảng"], ["Nguyễn Văn An", "30/02/1980", "31/04/2001"]]
    rows.append(["Nguyễn Văn Bình", "02/15/1980", "1980"])  # month and day swapped; a year only
    table = imports._read_table(rows)
    messages = [imports.row_error_message(error) for row in table.rows for error in row["errors"]]
    assert messages == [
        "Row 2: the date of birth 30/02/1980 is not in the calendar.",
        "Row 2: the date admitted 31/04/2001 is not in the calendar.",
        "Row 3: the date of birth “02/15/1980” is not a date (use dd/mm/yyyy).",
        "Row 3: the date admitted “1980” is not a date (use dd/mm/yyyy).",
    ]


def test_a_date_that_does_not_exist_in_vietnamese(secretary, tree):
    data = "Họ và tên;Ngày sinh\r\nNguyễn Văn An;30/02/1980\r\n".encode()
    batch = upload_batch(secretary, tree.branch, data, name="ds.csv")
    client = secretary
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html, plan = preview(client, batch)
    assert "Dòng 2: ngày sinh 30/02/1980 không có trong lịch." in html
    assert plan.skipped == 1


def _with_formulas() -> bytes:
    """Written by a program, never opened in Excel: formulas have no saved values."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH ĐẢNG VIÊN"])
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên"])
    sheet.append([1, "Nguyễn Văn An", "01/01/1970", "10000001"])
    sheet.append(["=A3+1", '=PROPER("trần văn bình")', "02/02/1972", "10000002"])
    sheet.append(["=A4+1", "Lê Thị Cúc", "=DATE(1975,3,3)", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@translation.override("en")
def test_a_formula_without_a_value_says_so_rather_than_missing_name():
    parsed = parse(_with_formulas())
    assert kinds(parsed) == {3: None, 4: None, 5: None}
    messages = {row["row"]: [imports.row_error_message(error) for error in row["errors"]] for row in parsed.rows}
    hint = "has a formula but no value yet; open the file in Excel, save it and upload it again."
    assert messages[3] == []
    assert messages[4] == [f"Row 4: the cell in the column “Họ và tên” {hint}"]
    assert messages[5] == [f"Row 5: the cell in the column “Ngày sinh” {hint}"]
    assert not any("the full name is missing" in message for message in sum(messages.values(), []))


def test_formula_message_in_vietnamese(secretary, tree):
    batch = upload_batch(secretary, tree.branch, _with_formulas())
    client = secretary
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html, _plan = preview(client, batch)
    assert (
        "Dòng 4: ô ở cột “Họ và tên” có công thức nhưng chưa có giá trị; mở tệp bằng Excel, lưu lại rồi tải lên."
        in html
    )


def _saved_by_excel(data: bytes) -> bytes:
    """The same workbook as Excel saves it: each formula with its computed value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    computed = {"A4": "2", "A5": "3"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                for ref, value in computed.items():
                    xml = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>.*?</f>)<v></v>', rf"\1\2<v>{value}</v>", xml)
                for ref, text in (("B4", "Trần Văn Bình"), ("C5", "03/03/1975")):
                    xml = re.sub(
                        rf'<c r="{ref}"[^>]*>(<f>.*?</f>)<v></v>', rf'<c r="{ref}" t="str">\1<v>{text}</v>', xml
                    )
                content = xml.encode()
            target.writestr(item, content)
    return buffer.getvalue()


def test_formulas_with_saved_values_are_read():
    data = _saved_by_excel(_with_formulas())
    parsed = parse(data)
    assert [row["errors"] for row in parsed.rows] == [[], [], []]
    assert [row["values"]["full_name"] for row in parsed.rows] == ["Nguyễn Văn An", "Trần Văn Bình", "Lê Thị Cúc"]


@translation.override("en")
def test_no_name_column_names_the_rows_searched():
    rows = [[f"Dòng tiêu đề {number}"] for number in range(1, 13)] + [["Họ và tên"], ["Nguyễn Văn An"]]
    with pytest.raises(imports.ImportFileError) as refused:
        imports._read_table(rows)
    assert refused.value.code == "no_name_column"
    assert "No column “Họ và tên” was found" in refused.value.message
    assert "(searched rows 1–10)" in refused.value.message


@translation.override("en")
def test_no_name_column_blank_rows_keep_their_numbers():
    rows = [[], ["Tên", "Ngày sinh"], [], ["An", "01/01/1970"]]
    with pytest.raises(imports.ImportFileError) as refused:
        imports._read_table(rows)
    assert "(searched rows 2–4)" in refused.value.message


def test_no_name_column_in_vietnamese(secretary, tree):
    data = "Tên;Ngày sinh\r\nAn;01/01/1970\r\n".encode()
    client = secretary
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    response = client.post(
        reverse("members:import", args=[tree.branch.pk]), {"file": SimpleUploadedFile("a.csv", data)}
    )
    assert response.status_code == 200
    assert "đã tìm ở dòng 1–2" in response.content.decode()


# --- rows that are not members, in general ---------------------------------------------------


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        (["", "Tổng cộng", "", ""], "total"),
        (["Cộng: 12 đồng chí", "", "", ""], "total"),
        (["", "Tổng số đảng viên: 12", "", ""], "total"),
        (["", "Người lập danh sách", "", ""], "signature"),
        (["", "", "", "TM. CHI BỘ"], "signature"),
        (["", "Phó Bí thư", "", ""], "signature"),
        (["", "", "ngày … tháng … năm 20…", ""], "date_line"),
        (["", "Lưu ý: danh sách chưa có đảng viên miễn sinh hoạt", "", ""], "note"),
        (["(1)", "(2)", "(3)", "(4)"], "not_a_name"),  # the column-number row under a header
        (["A", "B", "1", "2"], "not_a_name"),
        (["9", "", "", ""], "empty_numbered"),  # a numbered row left empty
        (["II", "Đảng viên dự bị", "", ""], "heading"),
    ],
)
def test_rows_that_are_not_members(row, kind):
    table = [
        ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên"],
        ["1", "Nguyễn Văn An", "01/01/1970", ""],
        row,
        ["2", "Trần Văn Bình", "", ""],
        ["3", "Lê Thị Cúc", "", ""],
    ]
    parsed = imports._read_table(table)
    assert kinds(parsed) == {2: None, 3: kind, 4: None, 5: None}
    assert parsed.rows[1]["values"] == {}
    assert parsed.rows[1]["errors"] == []


@pytest.mark.parametrize(
    "row",
    [
        ["4", "", "01/01/1970", ""],  # a member whose name is missing: an error, not a note
        ["4", "", "", "12345678"],
        ["", "", "01/01/1970", ""],
    ],
)
def test_a_member_row_without_a_name_is_still_an_error(row):
    table = [["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên"], ["1", "Nguyễn Văn An", "", ""], row]
    parsed = imports._read_table(table)
    assert kinds(parsed) == {2: None, 3: None}
    assert [error["code"] for error in parsed.rows[1]["errors"]] == ["missing_name"]


@pytest.mark.parametrize(
    "name",
    ["Công Tằng Tôn Nữ Thị Bích Ngọc", "Cộng Văn Tổng", "Tổng Thị Lan", "Giàng A Páo", "Nguyễn Văn An (Bé)"],
)
def test_names_that_look_like_keywords_are_members(name):
    table = [["Họ và tên", "Ghi chú"], ["Nguyễn Văn An", ""], [name, ""], ["Trần Văn Bình", "Bí thư chi bộ"]]
    parsed = imports._read_table(table)
    assert kinds(parsed) == {2: None, 3: None, 4: None}
    assert parsed.rows[1]["values"]["full_name"] == name


def test_a_member_with_data_below_the_totals_is_still_a_member():
    table = [
        ["STT", "Họ và tên", "Ngày sinh"],
        ["1", "Nguyễn Văn An", "01/01/1970"],
        ["Tổng cộng: 1", "", ""],
        ["", "Trần Văn Bình", "02/02/1972"],  # has a date: a person, even below the line
        ["", "Lê Văn Ký", ""],  # a name alone below the line: the signer
    ]
    assert kinds(imports._read_table(table)) == {2: None, 3: "total", 4: None, 5: "below_table"}


def test_a_list_of_names_only_is_all_members():
    table = [["Họ và tên"], ["Nguyễn Văn An"], ["Trần Văn Bình"], ["Lê Thị Cúc"]]
    assert kinds(imports._read_table(table)) == {2: None, 3: None, 4: None}


def test_a_numbered_list_stops_after_its_last_number():
    table = [
        ["STT", "Họ và tên"],
        ["1", "Nguyễn Văn An"],
        ["2", "Trần Văn Bình"],
        ["", "Lê Văn Lập"],  # no number, no data, after the last numbered row
    ]
    assert kinds(imports._read_table(table)) == {2: None, 3: None, 4: "below_table"}


# --- column names on two rows -------------------------------------------------------------------


def test_two_row_header_with_a_merged_group():
    """ "Ngày vào Đảng" merged over "Dự bị | Chính thức"; the other names merged down two rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH ĐẢNG VIÊN"])
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng", None, "Ghi chú"])
    sheet.append([None, None, None, "Dự bị", "Chính thức", None])
    for column in "ABCF":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("D2:E2")
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    sheet.append([1, "Nguyễn Văn An", "15/03/1975", datetime.datetime(2000, 5, 19), "19/05/2001", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse(buffer.getvalue())
    assert kinds(parsed) == {4: "not_a_name", 5: None}
    assert parsed.rows[1]["values"] == {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": "1975-03-15",
        "admitted_on": "2000-05-19",
        "full_member_on": "2001-05-19",
    }
    assert parsed.ignored_columns == []


def test_two_row_header_under_a_date_group():
    table = [
        ["STT", "Họ và tên", "Ngày, tháng, năm", "", "", "Quê quán"],
        ["", "", "Sinh", "Vào Đảng", "Chính thức", ""],
        ["1", "Nguyễn Văn An", "15/03/1975", "19/05/2000", "19/05/2001", "Tam Hưng"],
    ]
    parsed = imports._read_table(table)
    assert [row["row"] for row in parsed.rows] == [3]
    assert parsed.rows[0]["values"] == {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": "1975-03-15",
        "admitted_on": "2000-05-19",
        "full_member_on": "2001-05-19",
    }
    assert parsed.ignored_columns == ["Quê quán"]


def test_a_first_member_without_a_name_is_not_taken_for_column_names():
    table = [["Họ và tên", "Ngày sinh"], ["", "15/03/1975"], ["Nguyễn Văn An", "16/03/1975"]]
    parsed = imports._read_table(table)
    assert [(row["row"], [error["code"] for error in row["errors"]]) for row in parsed.rows] == [
        (2, ["missing_name"]),
        (3, []),
    ]


def test_numbered_rows_left_empty_with_number_formulas_are_skipped():
    """A list prepared with STT formulas (=A5+1) down to row 30 and filled only in part."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Họ và tên", "Ngày sinh"])
    sheet.append([1, "Nguyễn Văn An", "15/03/1975"])
    sheet.append(["=A2+1", "Trần Văn Bình", "16/03/1975"])
    for number in range(4, 8):
        sheet.cell(row=number, column=1, value=f"=A{number - 1}+1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse(buffer.getvalue())
    assert kinds(parsed) == {
        2: None,
        3: None,
        4: "empty_numbered",
        5: "empty_numbered",
        6: "empty_numbered",
        7: "empty_numbered",
    }
    assert [row["errors"] for row in parsed.rows[:2]] == [[], []]
    assert parsed.rows[2]["skip"]["params"]["text"] == "=A3+1"
