"""Bad input, second pass (issue 22): member lists that used to import wrong or hold a worker get a
Vietnamese message naming the line or the limit, and nothing is stored."""

import io
import time
import tracemalloc
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import ImportBatch, Member
from members.services import imports

from .test_import import GOOD_ROWS, HEADERS, upload, upload_ok, xlsx_bytes

pytestmark = pytest.mark.system_scope

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def refused(client, branch, name, content) -> str:
    before = (Member.objects.count(), ImportBatch.objects.count())
    response = upload(client, branch, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert (Member.objects.count(), ImportBatch.objects.count()) == before
    return response.content.decode()


def csv_bytes(lines: list[str], encoding="utf-8-sig") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


# --- CSV -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        # The quote is closed on the next line, in the middle of a cell: two rows became one member.
        (["Họ và tên,Ngày sinh", "Lê Văn Cường,01/01/1960", '"Nguyễn Văn, 01/01/1980', '"Nguyễn Văn",01/01/1980'], 3),
        # Never closed: the rest of the file was one cell.
        (["Họ và tên;Ngày sinh", '"Trần Thị Bình;02/09/1990', "Lê Văn Cường;01/01/1960"], 2),
    ],
)
def test_a_csv_with_an_unclosed_quote_is_refused_naming_the_line(secretary, tree, lines, line):
    page = refused(secretary, tree.branch, "ds.csv", csv_bytes(lines))
    assert f"Dòng {line} của tệp CSV có dấu ngoặc kép (&quot;) mở nhưng không đóng" in page


def test_quotes_that_close_are_still_read(secretary, tree):
    lines = [";".join(HEADERS), ";".join(f'"{cell}"' if cell else "" for cell in GOOD_ROWS[0])]
    batch = upload_ok(secretary, tree.branch, SimpleUploadedFile("ds.csv", csv_bytes(lines)))
    assert batch.rows[0]["values"]["full_name"] == "Nguyễn Văn An"


def test_a_csv_cell_over_the_csv_limit_names_the_line(secretary, tree):
    lines = ["Họ và tên;Ngày sinh", "Lê Văn Cường;01/01/1960", f'"{"a" * 200_000}";01/01/1970']
    page = refused(secretary, tree.branch, "ds.csv", csv_bytes(lines))
    assert "Dòng 3 của tệp CSV có một ô dài hơn 131072 ký tự" in page


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_a_utf16_csv_is_told_to_save_as_utf8(secretary, tree, encoding, form):
    lines = [unicodedata.normalize(form, line) for line in [";".join(HEADERS), ";".join(GOOD_ROWS[0])]]
    page = refused(secretary, tree.branch, "ds.csv", csv_bytes(lines, encoding=encoding))
    assert "UTF-16 không được hỗ trợ, hãy lưu thành CSV UTF-8" in page


def test_an_image_is_still_not_a_spreadsheet(secretary, tree):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    assert "Tệp này không phải là bảng tính" in refused(secretary, tree.branch, "anh.csv", png * 20)


# --- .xlsx parts ---------------------------------------------------------------------------------


def workbook(shared_strings_bytes: int = 0, sheet_padding: int = 0) -> bytes:
    """A workbook with shared strings (``shared_strings_bytes`` of them when given) and one sheet."""
    count = max(shared_strings_bytes // 30, 0)
    strings = "".join(f"<si><t>x{number:020d}</t></si>" for number in range(count))
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": f'<Relationships {RELS}><Relationship Id="rId1" Type="{DOC}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {NS} xmlns:r="{DOC}"><sheets><sheet name="DS" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships {RELS}><Relationship Id="rId1" Type="{DOC}/worksheet" '
        f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{DOC}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
        '<c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c>'
        f"</row></sheetData>{'<!--' + ' ' * sheet_padding + '-->' if sheet_padding else ''}</worksheet>",
        "xl/sharedStrings.xml": f"<sst {NS}><si><t>Họ và tên</t></si><si><t>Ngày sinh</t></si>"
        f"<si><t>Nguyễn Văn An</t></si><si><t>15/03/1975</t></si>{strings}</sst>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode())
    return buffer.getvalue()


def test_a_small_workbook_with_shared_strings_is_read(secretary, tree):
    batch = upload_ok(secretary, tree.branch, SimpleUploadedFile("ds.xlsx", workbook(shared_strings_bytes=100_000)))
    assert batch.rows[0]["values"]["full_name"] == "Nguyễn Văn An"


def test_shared_strings_that_unpack_past_the_limit_are_refused_before_parsing(secretary, tree, monkeypatch):
    content = workbook(shared_strings_bytes=imports.MAX_PART_BYTES + 1000)
    assert len(content) < 1024 * 1024  # a small upload
    monkeypatch.setattr(imports, "_sheet_values", lambda *args, **kwargs: pytest.fail("parsed"))
    page = refused(secretary, tree.branch, "ds.xlsx", content)
    assert "Tệp Excel khi giải nén lớn hơn 5 MB" in page


def test_a_worksheet_may_be_larger_but_not_without_limit(secretary, tree):
    upload_ok(secretary, tree.branch, SimpleUploadedFile("a.xlsx", workbook(sheet_padding=6 * 1024 * 1024)))
    page = refused(secretary, tree.branch, "b.xlsx", workbook(sheet_padding=imports.MAX_SHEET_PART_BYTES + 1))
    assert "Tệp Excel khi giải nén lớn hơn 20 MB" in page


def test_a_workbook_without_formulas_is_read_once(secretary, tree, monkeypatch):
    readings = []
    original = imports._sheet_values
    monkeypatch.setattr(imports, "_sheet_values", lambda *a, **k: readings.append(k) or original(*a, **k))
    upload_ok(secretary, tree.branch, SimpleUploadedFile("ds.xlsx", xlsx_bytes(GOOD_ROWS)))
    assert readings == [{"data_only": True}]


# --- Unpacked sizes read, not believed; cells counted (issue 22) ---------------------------------


def bomb(shared_strings_mb: int) -> bytes:
    """A workbook whose shared strings unpack to ``shared_strings_mb`` MB of one repeated string,
    written in pieces (the test never holds it whole)."""
    parts = zipfile.ZipFile(io.BytesIO(workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in parts.infolist():
            if info.filename != "xl/sharedStrings.xml":
                archive.writestr(info.filename, parts.read(info))
        with archive.open("xl/sharedStrings.xml", "w") as stream:
            stream.write(f"<sst {NS}>".encode())
            piece = b"<si><t>" + b"x" * 1000 + b"</t></si>"
            for _ in range(shared_strings_mb * 1024 * 1024 // len(piece)):
                stream.write(piece)
            stream.write(b"</sst>")
    return buffer.getvalue()


def lying(content: bytes, part: str, declared: int) -> bytes:
    """``content`` with the central directory's record of ``part`` claiming ``declared`` bytes."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(part)
    data = bytearray(content)
    # Find the central directory entry by its name, then patch its uncompressed size (offset 24).
    name = part.encode()
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.index(b"PK\x01\x02", entry + 4)
    assert int.from_bytes(data[entry + 24 : entry + 28], "little") == info.file_size
    data[entry + 24 : entry + 28] = declared.to_bytes(4, "little")
    return bytes(data)


def test_a_344_kb_workbook_of_99_mb_shared_strings_is_refused_at_once(secretary, tree):
    content = bomb(99)
    assert len(content) < 400 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(imports.ImportFileError) as error:
        imports._xlsx_rows(content)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "Tệp Excel khi giải nén lớn hơn 5 MB" in str(error.value)
    assert seconds < 2
    assert peak < 20 * 1024 * 1024
    assert "Tệp Excel khi giải nén lớn hơn 5 MB" in refused(secretary, tree.branch, "bom.xlsx", content)


def test_a_part_whose_header_understates_its_size_is_not_believed(monkeypatch):
    content = lying(bomb(8), "xl/sharedStrings.xml", declared=4000)
    monkeypatch.setattr(imports, "_sheet_values", lambda *args, **kwargs: pytest.fail("parsed"))
    started = time.perf_counter()
    with pytest.raises(imports.ImportFileError):
        imports._xlsx_rows(content)
    assert time.perf_counter() - started < 2


def sheet_of(rows: int, columns: int) -> bytes:
    cells = "".join(f'<c r="A{r}"><v>{r}</v></c>' * columns for r in range(1, rows + 1))
    parts = zipfile.ZipFile(io.BytesIO(workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in parts.infolist():
            text = parts.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = f"<worksheet {NS}><sheetData>{cells}</sheetData></worksheet>".encode()
            archive.writestr(info.filename, text)
    return buffer.getvalue()


def test_a_sheet_with_more_cells_than_a_full_list_is_refused_before_parsing(secretary, tree, monkeypatch):
    # 2,000 rows of 300 cells: a 1.7 MB upload that openpyxl took 42 s to read.
    content = sheet_of(2000, 61)
    monkeypatch.setattr(imports, "_sheet_values", lambda *args, **kwargs: pytest.fail("parsed"))
    page = refused(secretary, tree.branch, "o.xlsx", content)
    assert "Tệp Excel có hơn 120.600 ô" in page


def test_cells_cut_between_two_pieces_are_counted_once():
    window = b"<c r='A1'/>" * 10
    counted, carry = imports._count_elements(imports._CELL_ELEMENT, window)
    assert counted + len(imports._CELL_ELEMENT.findall(carry)) == 10
    total, carry = 0, b""
    for start in range(0, len(window), 7):
        counted, carry = imports._count_elements(imports._CELL_ELEMENT, carry + window[start : start + 7])
        total += counted
    assert total + len(imports._CELL_ELEMENT.findall(carry)) == 10
