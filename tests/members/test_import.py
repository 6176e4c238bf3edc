"""Importing a branch's member list: upload, preview, confirm, re-import, bad files, scope."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from members.models import ImportBatch, Member, MemberStatus, RoleKind
from members.services import imports

from ..factories import MemberFactory, UserFactory, give_role

pytestmark = pytest.mark.system_scope

HEADERS = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số CCCD",
    "Số thẻ đảng viên",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Trạng thái",
    "Điện thoại",
    "Email",
    "Nơi cư trú",
    "Nơi công tác",
]

GOOD_ROWS = [
    [
        "Nguyễn Văn An",
        "15/03/1975",
        "Nam",
        "Kinh",
        "001075012345",
        "20000001",
        "19/05/2000",
        "19/05/2001",
        "Chính thức",
        "0912 345 678",
        "an@example.com",
        "Thôn Song Khê",
        "",
    ],
    [
        "Trần Thị Bình",
        "02/09/1990",
        "Nữ",
        "Tày",
        "",
        "20000002",
        "03/02/2024",
        "",
        "Dự bị",
        "+84 987 654 321",
        "",
        "Thôn Song Khê",
        "Trường Tiểu học Tam Hưng",
    ],
    ["Lê Văn Cường", "01/01/1960", "Nam", "", "", "", "01/01/1985", "01/01/1986", "", "", "", "", ""],
]


# --- helpers ----------------------------------------------------------------------


def csv_file(rows, *, header=HEADERS, delimiter=";", bom=True, name="danh-sach.csv"):
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_bytes(rows, *, header=HEADERS, above=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in above:
        sheet.append(line)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows, *, name="danh-sach.xlsx", **kwargs):
    return SimpleUploadedFile(name, xlsx_bytes(rows, **kwargs))


def english(client):
    """Row errors are checked in English (the msgids), whatever the .po files say: the user chose English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(client, branch, file):
    return client.post(reverse("members:import", args=[branch.pk]), {"file": file})


def upload_ok(client, branch, file) -> ImportBatch:
    response = upload(client, branch, file)
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("members:import_preview", args=[batch.pk])
    return batch


def confirm(client, batch):
    return client.post(reverse("members:import_preview", args=[batch.pk]))


def preview_plan(client, batch):
    response = client.get(reverse("members:import_preview", args=[batch.pk]))
    assert response.status_code == 200
    return response, response.context["plan"]


def _as_date(text):
    return datetime.datetime.strptime(text, "%d/%m/%Y") if text else None


def history_count():
    return Member.history.count()


# --- upload page ---------------------------------------------------------------------


def test_upload_page_shows_form_and_template_link(secretary, tree):
    response = secretary.get(reverse("members:import", args=[tree.branch.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html
    assert 'enctype="multipart/form-data"' in html
    assert reverse("members:import_template") in html


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("members:import", args=[tree.branch.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- preview ---------------------------------------------------------------------------


def test_preview_shows_each_kind_of_row_error(secretary, tree):
    MemberFactory(branch=tree.other_branch, party_card_number="99999999")
    MemberFactory(
        branch=tree.branch,
        full_name="Phạm Văn Đi",
        party_card_number="88888888",
        left_on=datetime.date(2024, 1, 1),
        leave_reason="transfer",
    )
    blank = [""] * 13

    def row(**fields):
        values = list(blank)
        values[0] = "Người Thử"
        for index, value in fields.items():
            values[int(index[1:])] = value
        return values

    rows = [
        row(c1="31/02/1980", c5="30000001"),  # row 2: bad date
        row(c0="", c5="30000002"),  # row 3: missing name
        row(c0="Người Ba", c5="30000003", c8="Đã chuyển"),  # row 4: unknown status
        row(c0="Người Bốn", c5="30000004", c6="10/10/2010", c7="09/10/2010"),  # row 5: full before admitted
        row(c0="Người Năm", c5="30000005", c4="12345"),  # row 6: bad citizen ID
        row(c0="Người Sáu", c5="30000006", c9="12345"),  # row 7: bad phone
        row(c0="Người Bảy", c5="30000007"),  # row 8: duplicate card in the file …
        row(c0="Người Tám", c5="30000007"),  # row 9: … and its other copy
        row(c0="Người Chín", c5="99999999"),  # row 10: card of another branch's member
        row(c0="Người Mười", c5="88888888"),  # row 11: card of a member who left
        row(c0="Người Đúng", c1="01/01/1970", c5="30000011"),  # row 12: valid
    ]
    batch = upload_ok(secretary, tree.branch, csv_file(rows))
    response, plan = preview_plan(english(secretary), batch)
    html = response.content.decode()
    expected = [
        "Row 2: the date of birth 31/02/1980 is not in the calendar.",
        "Row 3: the full name is missing.",
        "Row 4: the status “Đã chuyển” is not recognised (write Chính thức or Dự bị).",
        "Row 5: the date made full member (09/10/2010) is before the date admitted (10/10/2010).",
        "Row 6: the citizen ID “12345” does not have exactly 12 digits.",
        "Row 7: the phone number “12345” is not a Vietnamese phone number.",
        "Row 8: the party card number 30000007 is also on row 9.",
        "Row 9: the party card number 30000007 is also on row 8.",
        # The same words whether or not the number exists elsewhere (not testable from here).
        "Row 10: this party card number cannot be used; please contact the Party Committee Office.",
        "Row 11: the party card number 88888888 belongs to Phạm Văn Đi, who has left the branch.",
    ]
    for message in expected:
        assert message in html
    assert [r.action for r in plan.rows] == [imports.Action.ERROR] * 10 + [imports.Action.CREATE]
    assert (plan.created, plan.updated, plan.unchanged, plan.skipped) == (1, 0, 0, 10)
    assert "table-responsive" in html
    assert Member.objects.filter(branch=tree.branch).count() == 1  # only the member who left; nothing saved yet


def test_preview_shows_created_updated_and_unchanged(secretary, tree):
    MemberFactory(
        branch=tree.branch,
        full_name="Nguyễn Văn An",
        date_of_birth=datetime.date(1975, 3, 15),
        party_card_number="20000001",
        phone="0900000000",
    )
    unchanged = MemberFactory(branch=tree.branch, full_name="Lê Văn Cường", party_card_number="")
    unchanged.date_of_birth = datetime.date(1960, 1, 1)
    unchanged.admitted_on = datetime.date(1985, 1, 1)
    unchanged.full_member_on = datetime.date(1986, 1, 1)
    unchanged.save()
    batch = upload_ok(secretary, tree.branch, csv_file(GOOD_ROWS))
    response, plan = preview_plan(english(secretary), batch)
    actions = {r.values["full_name"]: r.action for r in plan.rows}
    assert actions == {
        "Nguyễn Văn An": imports.Action.UPDATE,
        "Trần Thị Bình": imports.Action.CREATE,
        "Lê Văn Cường": imports.Action.UNCHANGED,
    }
    assert "Changes:" in response.content.decode()
    assert "phone" in plan.rows[0].changed


# --- confirm ---------------------------------------------------------------------------


def test_confirm_imports_valid_rows_only(secretary, tree):
    rows = [*GOOD_ROWS, ["Sai Ngày", "99/99/1999", "", "", "", "", "", "", "", "", "", "", ""]]
    batch = upload_ok(secretary, tree.branch, csv_file(rows))
    history_before = history_count()

    response = confirm(secretary, batch)

    assert response.status_code == 302
    assert response["Location"] == reverse("members:organization", args=[tree.branch.pk])
    members = {m.full_name: m for m in Member.objects.filter(branch=tree.branch)}
    assert set(members) == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"}
    an = members["Nguyễn Văn An"]
    assert an.name_key == "nguyen van an"
    assert an.date_of_birth == datetime.date(1975, 3, 15)
    assert an.sex == "male"
    assert an.citizen_id == "001075012345"
    assert an.phone == "0912345678"
    assert an.joined_branch_on == an.admitted_on == datetime.date(2000, 5, 19)
    binh = members["Trần Thị Bình"]
    assert binh.status == MemberStatus.PROBATIONARY
    assert binh.phone == "0987654321"
    assert binh.ethnicity == "Tày"
    assert members["Lê Văn Cường"].ethnicity == ""  # an empty cell stays empty: nothing is invented
    assert members["Lê Văn Cường"].status == MemberStatus.FULL

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.created_count, batch.updated_count) == (3, 0)
    # History says who imported.
    assert history_count() == history_before + 3
    assert set(Member.history.filter(history_type="+").values_list("history_user", flat=True)) == {secretary.user.pk}
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("3" in m for m in messages)


def test_confirm_is_one_transaction(secretary, tree, monkeypatch):
    existing = MemberFactory(branch=tree.branch, full_name="Nguyễn Văn An", party_card_number="20000001")
    batch = upload_ok(secretary, tree.branch, csv_file(GOOD_ROWS))
    count_before, history_before = Member.objects.count(), history_count()

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    # Creating succeeds, then updating fails: the creation must be rolled back too.
    monkeypatch.setattr(imports, "bulk_update_with_history", boom)
    with pytest.raises(RuntimeError):
        imports.import_confirm(batch=batch, by=secretary.user)

    assert Member.objects.count() == count_before
    assert history_count() == history_before
    existing.refresh_from_db()
    assert existing.date_of_birth == datetime.date(1970, 5, 1)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING  # the claim was rolled back with the rest


def test_reimport_same_file_changes_nothing(secretary, tree):
    # Dates as real date cells, the way Excel stores them.
    rows = [[_as_date(cell) if i in (1, 6, 7) else cell for i, cell in enumerate(r)] for r in GOOD_ROWS]
    data = xlsx_bytes(rows)
    first = upload_ok(secretary, tree.branch, SimpleUploadedFile("ds.xlsx", data))
    confirm(secretary, first)
    first.refresh_from_db()
    assert (first.created_count, first.updated_count) == (3, 0)
    snapshot = list(Member.objects.order_by("pk").values())
    history_before = history_count()

    second = upload_ok(secretary, tree.branch, SimpleUploadedFile("ds.xlsx", data))
    _response, plan = preview_plan(secretary, second)
    assert (plan.created, plan.updated, plan.unchanged, plan.skipped) == (0, 0, 3, 0)
    confirm(secretary, second)

    second.refresh_from_db()
    assert (second.created_count, second.updated_count) == (0, 0)
    assert list(Member.objects.order_by("pk").values()) == snapshot
    assert history_count() == history_before


def test_reimport_with_a_change_updates_the_member_with_history(secretary, tree):
    confirm(secretary, upload_ok(secretary, tree.branch, csv_file(GOOD_ROWS)))
    changed = [list(r) for r in GOOD_ROWS]
    changed[0][9] = "0911 111 111"
    changed[2][11] = "Xóm Mới"
    history_before = history_count()

    batch = upload_ok(secretary, tree.branch, csv_file(changed))
    confirm(secretary, batch)

    batch.refresh_from_db()
    assert (batch.created_count, batch.updated_count) == (0, 2)
    assert Member.objects.filter(branch=tree.branch).count() == 3
    assert Member.objects.get(party_card_number="20000001").phone == "0911111111"
    # Matched by name and date of birth (no card number), and updated, not added twice.
    assert Member.objects.get(full_name="Lê Văn Cường").residence == "Xóm Mới"
    updates = Member.history.filter(history_type="~")
    assert history_count() == history_before + 2
    assert set(updates.values_list("history_user", flat=True)) == {secretary.user.pk}


def test_empty_cells_do_not_erase_recorded_values(secretary, tree):
    member = MemberFactory(branch=tree.branch, full_name="Nguyễn Văn An", party_card_number="20000001", phone="")
    member.phone = "0900000000"
    member.residence = "Thôn Song Khê"
    member.save()
    batch = upload_ok(
        secretary,
        tree.branch,
        csv_file([["Nguyễn Văn An", "20000001"]], header=["Họ và tên", "Số thẻ đảng viên"]),
    )
    _response, plan = preview_plan(secretary, batch)
    assert plan.rows[0].action == imports.Action.UNCHANGED
    confirm(secretary, batch)
    member.refresh_from_db()
    assert (member.phone, member.residence) == ("0900000000", "Thôn Song Khê")


def test_card_number_is_added_to_a_member_found_by_name_and_birthday(secretary, tree):
    member = MemberFactory(
        branch=tree.branch, full_name="Nguyễn Văn An", date_of_birth=datetime.date(1975, 3, 15), party_card_number=""
    )
    batch = upload_ok(
        secretary,
        tree.branch,
        csv_file([["nguyen van AN", "15/03/1975", "20000009"]], header=["full_name", "date_of_birth", "Số thẻ"]),
    )
    confirm(secretary, batch)
    member.refresh_from_db()
    assert member.party_card_number == "20000009"
    assert member.full_name == "nguyen van AN"  # the file's spelling wins; name_key stays in step
    assert member.name_key == "nguyen van an"
    assert Member.objects.filter(branch=tree.branch).count() == 1


def test_double_confirm_imports_once(secretary, tree):
    batch = upload_ok(secretary, tree.branch, csv_file(GOOD_ROWS))
    first = confirm(secretary, batch)
    second = confirm(secretary, batch)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("members:organization", args=[tree.branch.pk])
    assert Member.objects.filter(branch=tree.branch).count() == 3


def test_confirm_from_a_stale_copy_imports_nothing(secretary, tree):
    """Two requests that both loaded the batch while it was pending: only one imports."""
    batch = upload_ok(secretary, tree.branch, csv_file(GOOD_ROWS))
    stale = ImportBatch.objects.get(pk=batch.pk)
    imports.import_confirm(batch=batch, by=secretary.user)
    history_before = history_count()

    result = imports.import_confirm(batch=stale, by=secretary.user)

    assert Member.objects.filter(branch=tree.branch).count() == 3
    assert history_count() == history_before
    assert result.status == ImportBatch.Status.DONE
    assert (result.created_count, result.updated_count) == (3, 0)


def test_preview_of_an_imported_list_shows_the_result(secretary, tree):
    batch = upload_ok(secretary, tree.branch, csv_file(GOOD_ROWS))
    confirm(secretary, batch)
    response = english(secretary).get(reverse("members:import_preview", args=[batch.pk]))
    assert response.status_code == 200
    assert response.context["plan"] is None
    assert "This list has already been imported: 3 members added, 0 members updated." in response.content.decode()


# --- file formats ------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
@pytest.mark.parametrize("delimiter", [";", ","], ids=["semicolon", "comma"])
def test_csv_with_and_without_bom(secretary, tree, bom, delimiter):
    rows = [[cell.replace(",", " ") for cell in row] for row in GOOD_ROWS]
    batch = upload_ok(secretary, tree.branch, csv_file(rows, bom=bom, delimiter=delimiter))
    assert [row["values"]["full_name"] for row in batch.rows] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    assert batch.rows[0]["values"]["date_of_birth"] == "1975-03-15"
    assert all(row["errors"] == [] for row in batch.rows)
    confirm(secretary, batch)
    assert Member.objects.filter(branch=tree.branch).count() == 3


def test_xlsx_with_date_and_number_cells(secretary, tree):
    rows = [
        [
            "Nguyễn Văn An",
            datetime.datetime(1975, 3, 15),
            "Nam",
            "Kinh",
            1075012345,  # a number cell: the leading zeros of the citizen ID are lost
            20000001,
            datetime.date(2000, 5, 19),
            "19/05/2001",
            "Chính thức",
            912345678,  # a number cell: the leading 0 is lost
            None,
            None,
            None,
        ]
    ]
    batch = upload_ok(secretary, tree.branch, xlsx_file(rows, above=[["DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN SONG KHÊ"]]))
    assert batch.rows[0]["row"] == 3  # the title row above the header is skipped, numbering kept
    assert batch.rows[0]["errors"] == []
    confirm(secretary, batch)
    member = Member.objects.get(branch=tree.branch)
    assert member.date_of_birth == datetime.date(1975, 3, 15)
    assert member.admitted_on == datetime.date(2000, 5, 19)
    assert member.full_member_on == datetime.date(2001, 5, 19)
    assert member.citizen_id == "001075012345"
    assert member.party_card_number == "20000001"
    assert member.phone == "0912345678"


def test_unknown_columns_are_reported_and_ignored(secretary, tree):
    response = upload(
        secretary, tree.branch, csv_file([["1", "Nguyễn Văn An", "x"]], header=["STT", "Họ và tên", "Sở thích"])
    )
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Sở thích" in m for m in messages)
    assert not any("STT" in m for m in messages)


def _corrupt_xlsx():
    data = xlsx_bytes(GOOD_ROWS)
    return data[: len(data) // 2]


def _broken_sheet_xlsx():
    """A valid zip whose worksheet XML is damaged."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD_ROWS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content[: len(content) // 2]
            target.writestr(item, content)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("anh.xlsx", PNG, "This file is not a spreadsheet."),
        ("lon.csv", b"a" * (5 * 1024 * 1024 + 1), "The file is larger than 5 MB."),
        ("hong.xlsx", _corrupt_xlsx(), "The Excel file could not be read"),
        ("hong2.xlsx", _broken_sheet_xlsx(), "The Excel file could not be read"),
        ("rong.csv", b"", "The file is empty."),
        ("trang.csv", b"\xef\xbb\xbf\r\n ;; \r\n", "The file is empty."),
        ("chi-tieu-de.csv", "Họ và tên;Ngày sinh\r\n".encode(), "The file has no member rows"),
        ("thieu-ten.csv", "Tên;Ngày sinh\r\nAn;01/01/1970\r\n".encode(), "(searched rows 1–2)"),
        ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel file (.xls)"),
        ("win.csv", b"Ho va ten\r\nNguy\xean Van An\r\n", "not saved as UTF-8"),  # a Windows code page
    ],
    ids=[
        "png",
        "too-big",
        "corrupt-zip",
        "corrupt-sheet",
        "empty",
        "blank",
        "header-only",
        "no-name",
        "xls",
        "not-utf8",
    ],
)
def test_bad_files_give_a_message_and_save_nothing(secretary, tree, name, content, message):
    members_before = Member.objects.count()
    response = upload(english(secretary), tree.branch, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors
    assert ImportBatch.objects.count() == 0
    assert Member.objects.count() == members_before


def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet(secretary, tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    response = upload(english(secretary), tree.branch, SimpleUploadedFile("tai-lieu.xlsx", buffer.getvalue()))
    assert "This file is not a spreadsheet." in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_no_file_chosen(secretary, tree):
    response = english(secretary).post(reverse("members:import", args=[tree.branch.pk]), {})
    assert response.status_code == 200
    assert "Choose a file to upload." in response.content.decode()
    assert ImportBatch.objects.count() == 0


# --- scope ------------------------------------------------------------------------------------


@pytest.fixture
def batch_of_secretary(secretary, tree):
    return upload_ok(secretary, tree.branch, csv_file(GOOD_ROWS))


@pytest.fixture
def sibling_secretary(tree):
    """Secretary of another branch of the same commune (Phú Thịnh)."""
    user = UserFactory(username="sibling-secretary")
    give_role(user, RoleKind.SECRETARY, tree.sibling)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.parametrize("persona", ["outsider", "sibling_secretary", "leader", "cadre", "plain_member"])
def test_upload_is_404_outside_editable_branches(request, tree, persona):
    client = request.getfixturevalue(persona)
    url = reverse("members:import", args=[tree.branch.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"file": csv_file(GOOD_ROWS)}).status_code == 404
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("persona", ["outsider", "sibling_secretary", "staff"])
def test_preview_and_confirm_are_404_for_anyone_but_the_creator(request, batch_of_secretary, persona):
    """Even commune staff, who may edit the branch, cannot see someone else's upload."""
    client = request.getfixturevalue(persona)
    url = reverse("members:import_preview", args=[batch_of_secretary.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    batch_of_secretary.refresh_from_db()
    assert batch_of_secretary.status == ImportBatch.Status.PENDING
    assert Member.objects.count() == 0


def test_creator_who_lost_the_branch_gets_404(secretary, batch_of_secretary):
    secretary.user.roles.all().delete()
    url = reverse("members:import_preview", args=[batch_of_secretary.pk])
    assert secretary.get(url).status_code == 404
    assert secretary.post(url).status_code == 404
    assert Member.objects.count() == 0


def test_commune_staff_can_import_into_a_branch_of_the_commune(staff, tree):
    batch = upload_ok(staff, tree.sibling, csv_file(GOOD_ROWS))
    response = confirm(staff, batch)
    assert response["Location"] == reverse("members:organization", args=[tree.sibling.pk])
    assert Member.objects.filter(branch=tree.sibling).count() == 3


def test_upload_to_a_non_branch_is_404(staff, tree):
    assert staff.get(reverse("members:import", args=[tree.commune.pk])).status_code == 404


# --- service-level checks ---------------------------------------------------------------------


def test_same_person_twice_without_card_is_flagged():
    parsed = imports._read_table(
        [["Họ và tên", "Ngày sinh"], ["Nguyễn Văn An", "01/01/1970"], ["NGUYỄN VĂN AN", "01/01/1970"]]
    )
    codes = [[error["code"] for error in row["errors"]] for row in parsed.rows]
    assert codes == [["duplicate_person"], ["duplicate_person"]]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15/03/1975", datetime.date(1975, 3, 15)),
        ("5/3/1975", datetime.date(1975, 3, 5)),
        ("15-03-1975", datetime.date(1975, 3, 15)),
        ("15.03.1975", datetime.date(1975, 3, 15)),
        ("1975-03-15", datetime.date(1975, 3, 15)),
        (datetime.datetime(1975, 3, 15, 0, 0), datetime.date(1975, 3, 15)),
        ("", None),
        (None, None),
    ],
)
def test_dates_accepted(value, expected):
    assert imports._parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/1975", "15/03/75", "1975", 27468, "hôm qua", "03/15/1975"])
def test_dates_refused(value):
    with pytest.raises(ValueError):
        imports._parse_date(value)


def test_confirm_that_hits_a_conflict_keeps_the_batch_pending(secretary, tree, monkeypatch):
    batch = upload_ok(secretary, tree.branch, csv_file(GOOD_ROWS))

    def conflict(*args, **kwargs):
        raise IntegrityError("member_unique_party_card")

    monkeypatch.setattr(imports, "bulk_create_with_history", conflict)
    response = english(secretary).post(reverse("members:import_preview", args=[batch.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("members:import_preview", args=[batch.pk])
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("changed by someone else" in m for m in messages)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING
    assert Member.objects.count() == 0


def test_preview_queries_do_not_grow_with_rows(secretary, tree, django_assert_max_num_queries):
    def rows(count, start):
        return [[f"Người Thứ {start + i}", "01/05/1970", str(40000000 + start + i)] for i in range(count)]

    header = ["Họ và tên", "Ngày sinh", "Số thẻ đảng viên"]
    for row in rows(5, 0):
        MemberFactory(branch=tree.branch, full_name=row[0], party_card_number=row[2])
    small = upload_ok(secretary, tree.branch, csv_file(rows(10, 0), header=header))
    large = upload_ok(secretary, tree.branch, csv_file(rows(200, 0), header=header))
    url = reverse("members:import_preview", args=[small.pk])
    with django_assert_max_num_queries(12) as measured:
        secretary.get(url)
    with django_assert_max_num_queries(len(measured.captured_queries)):
        response = secretary.get(reverse("members:import_preview", args=[large.pk]))
    plan = response.context["plan"]
    assert (plan.updated, plan.unchanged, plan.created) == (0, 5, 195)
