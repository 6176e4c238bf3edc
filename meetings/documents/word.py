"""The minutes and the resolution as DOCX (python-docx), in the format of HD 36-HD/VPTW.

A4; margins 20 mm top and bottom, 30 mm left, 20 mm right; Times New Roman 14 pt, justified,
with TeX Gyre Termes named as its substitute (a Times-compatible serif with every Vietnamese
letter) where Word's font is missing; page numbers from page 2; table rows never split across
pages and the signatures never stand alone on one. Every text goes through ``_clean``: a
control character (which a DOCX cannot hold) never breaks the file.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from lxml import etree

from meetings.documents.content import DocumentData, Row, document_data
from meetings.documents.pdf import DOCX_FONT, FONT_FAMILY
from meetings.models import Meeting
from members.text import strip_controls

BODY_PT = 14
TITLE_PT = 15
PARTY_PT = 15
TABLE_PT = 13
RECIPIENTS_PT = 12
# Column widths (cm) of the tables, within the 16 cm between the margins.
HEADER_COLUMNS = (6.5, 9.5)
SIGNATURE_COLUMNS = (8.0, 8.0)
TASK_COLUMNS = (1.3, 5.8, 3.2, 2.7, 3.0)
SCORE_COLUMNS = (13.0, 3.0)


def _clean(text) -> str:
    return strip_controls(str(text or ""))


def _new_docx() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    section.header_distance = section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), DOCX_FONT)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _name_substitute(document)
    _page_numbers(section)
    return document


def _name_substitute(document) -> None:
    """In the font table, Times New Roman's alternative name is TeX Gyre Termes, so a
    reader without Times New Roman takes a font with every Vietnamese letter."""
    part = document.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    table = parse_xml(part.blob)
    for font in table.findall(qn("w:font")):
        if font.get(qn("w:name")) == DOCX_FONT:
            for old in font.findall(qn("w:altName")):
                font.remove(old)
            alt = OxmlElement("w:altName")
            alt.set(qn("w:val"), FONT_FAMILY)
            font.insert(0, alt)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_numbers(section) -> None:
    """The page number centred at the top of every page but the first."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(BODY_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _run(paragraph, text: str, *, bold=False, italic=False, underline=False, size=None):
    run = paragraph.add_run(_clean(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return run


def _paragraph(container, text: str = "", *, bold=False, italic=False, underline=False, align=None, size=None):
    paragraph = container.add_paragraph()
    if align:
        paragraph.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, underline=underline, size=size)
    return paragraph


def _heading(document, text: str):
    """A section heading stays on the page of what follows it."""
    paragraph = _paragraph(document, text, bold=True, align="LEFT")
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(6)
    return paragraph


def _labelled(document, label: str, text: str):
    paragraph = document.add_paragraph()
    _run(paragraph, label, bold=True)
    _run(paragraph, text)
    return paragraph


def _widths(table, widths: tuple[float, ...]) -> None:
    """Column widths (cm) in the table grid and in every cell: Word reads one, LibreOffice the other."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _rows_unsplit(table, *, header: bool = False) -> None:
    """No row splits across pages; the first row repeats on each page when it is a heading."""
    for n, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if header and n == 0:
            properties.append(OxmlElement("w:tblHeader"))


def _cell_line(paragraph, text: str, *, size=BODY_PT, keep=False, **style) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.keep_with_next = keep
    if text:
        _run(paragraph, text, size=size, **style)


def _header(document, data: DocumentData, number: str = "") -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, HEADER_COLUMNS)
    left, right = table.rows[0].cells
    _cell_line(left.paragraphs[0], data.superior)
    _cell_line(left.add_paragraph(), data.branch_upper, bold=True)
    _cell_line(left.add_paragraph(), "*")
    if number:
        _cell_line(left.add_paragraph(), number)
    _cell_line(right.paragraphs[0], "ĐẢNG CỘNG SẢN VIỆT NAM", size=PARTY_PT, bold=True, underline=True)
    _cell_line(right.add_paragraph(), "")
    _cell_line(right.add_paragraph(), data.place_date, italic=True)
    _rows_unsplit(table)


def _title(document, title: str, subtitle: str) -> None:
    heading = _paragraph(document, title, bold=True, align="CENTER", size=TITLE_PT)
    heading.paragraph_format.space_before = Pt(14)
    heading.paragraph_format.space_after = Pt(0)
    _paragraph(document, subtitle, bold=True, align="CENTER")


def _grid(document, heading: list[str], rows: list[Row], widths: tuple[float, ...]) -> None:
    table = document.add_table(rows=1, cols=len(heading))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, heading, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, bold=True, size=TABLE_PT)
    # Numbers (STT, points) are centred; text is set left.
    centred = {n for n, title in enumerate(heading) if title in ("STT", "Điểm")}
    for row in rows:
        cells = table.add_row().cells
        for n, (cell, text) in enumerate(zip(cells, row.cells, strict=True)):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER if n in centred else WD_ALIGN_PARAGRAPH.LEFT
            _run(cell.paragraphs[0], text, size=TABLE_PT)
    _widths(table, widths)
    _rows_unsplit(table, header=True)


def _signature_cell(cell, headings: list[str], name: str) -> None:
    """Headings in bold, room to sign, the name in bold; each line kept with the next."""
    paragraph = cell.paragraphs[0]
    for n, heading in enumerate(headings):
        if n:
            paragraph = cell.add_paragraph()
        _cell_line(paragraph, heading, bold=True, keep=True)
        if not n:
            paragraph.paragraph_format.space_before = Pt(8)
    for _ in range(3):
        _cell_line(cell.add_paragraph(), "", keep=True)
    _cell_line(cell.add_paragraph(), name, bold=True)


def _draft_line(document, draft: bool) -> None:
    if draft:
        _paragraph(document, "DỰ THẢO", bold=True, align="CENTER").paragraph_format.space_before = Pt(12)


def _amendments(document, data: DocumentData) -> None:
    """Corrections recorded after adoption, after the signatures: the adopted text stays as it was."""
    if data.amendments:
        _heading(document, "ĐÍNH CHÍNH")
        for line in data.amendments:
            _paragraph(document, line)


def _keep_with_signatures(paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def _to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_docx(meeting: Meeting, *, reasons: bool = False) -> bytes:
    data = document_data(meeting, reasons=reasons)
    document = _new_docx()
    _header(document, data)
    _draft_line(document, data.draft)
    _title(document, "BIÊN BẢN", f"{data.meeting_words.capitalize()} tháng {data.month}")
    if data.topic:
        _paragraph(document, f"Chuyên đề: {data.topic}", italic=True, align="CENTER")

    _labelled(document, "Thời gian: ", f"bắt đầu lúc {data.start}, ngày {data.day}.")
    _labelled(document, "Địa điểm: ", f"{data.place}.")
    _labelled(document, "Chủ trì: ", f"đồng chí {data.chair}." if data.chair else "")
    _labelled(document, "Thư ký: ", f"đồng chí {data.minute_taker}." if data.minute_taker else "")
    _labelled(document, "Đại biểu dự: ", "; ".join(data.guests) + "." if data.guests else "không có.")
    if data.guests_absent:
        _labelled(document, "Đại biểu được mời vắng mặt: ", "; ".join(data.guests_absent) + ".")
    if data.linked_came:
        _labelled(document, "Đảng viên đang công tác ở nơi khác dự: ", "; ".join(data.linked_came) + ".")
    if data.linked_absent:
        _labelled(document, "Đảng viên đang công tác được mời vắng mặt: ", "; ".join(data.linked_absent) + ".")
    for line in data.attendance:
        _paragraph(document, line)
    if data.opening:
        _paragraph(document, data.opening)

    _heading(document, "NỘI DUNG SINH HOẠT")
    for n, item in enumerate(data.items, start=1):
        title = _heading(document, f"{n}. {item['title']}")
        # Kept with its first speech or conclusion; a run of empty items may break between them.
        title.paragraph_format.keep_with_next = bool(item["speeches"] or item["conclusion"])
        for speech in item["speeches"]:
            paragraph = document.add_paragraph()
            _run(paragraph, f"{speech['who']}: ", bold=True)
            _run(paragraph, speech["text"])
        if item["conclusion"]:
            _labelled(document, "Kết luận của chủ trì: ", item["conclusion"])

    for section in data.sections:
        _heading(document, section.heading)
        for line in section.lines:
            _paragraph(document, line)

    if data.remarks:
        _heading(document, "Ý KIẾN CHỈ ĐẠO CỦA CẤP ỦY CẤP TRÊN")
        for name, said, promised in data.remarks:
            if said:
                _labelled(document, f"Đồng chí {name}: ", said)
            if promised:
                _labelled(document, "Tiếp thu, báo cáo cấp trên: ", promised)

    if data.vote:
        _heading(document, "KẾT QUẢ BIỂU QUYẾT")
        _paragraph(document, data.vote)
    _heading(document, "TỰ ĐÁNH GIÁ CHẤT LƯỢNG SINH HOẠT")
    _score(document, data)
    if data.minutes_closing:
        _paragraph(document, data.minutes_closing)
    _keep_with_signatures(_paragraph(document, data.closing))
    table = document.add_table(rows=1, cols=2)
    _widths(table, SIGNATURE_COLUMNS)
    left, right = table.rows[0].cells
    _signature_cell(left, ["THƯ KÝ"], data.minute_taker)
    _signature_cell(right, ["CHỦ TRÌ"], data.chair)
    _rows_unsplit(table)
    _amendments(document, data)
    return _to_bytes(document)


def resolution_docx(meeting: Meeting, *, reasons: bool = False) -> bytes:
    data = document_data(meeting, reasons=reasons)
    document = _new_docx()
    _header(document, data, number=data.reference)
    _draft_line(document, data.resolution_draft)
    _title(document, "NGHỊ QUYẾT", data.subtitle)
    _paragraph(document, data.preamble)
    _paragraph(document, "CHI BỘ QUYẾT NGHỊ", bold=True, align="CENTER").paragraph_format.keep_with_next = True

    _heading(document, "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG TRƯỚC")
    if data.results:
        _paragraph(document, data.results)
    if data.review_rows:
        _grid(document, ["STT", "Nhiệm vụ", "Người chủ trì", "Kết quả", "Ghi chú"], data.review_rows, TASK_COLUMNS)
    _heading(document, f"II. NHIỆM VỤ THÁNG {data.month}")
    if data.task_rows:
        _grid(document, ["STT", "Nhiệm vụ", "Người chủ trì", "Thời hạn", "Báo cáo tại"], data.task_rows, TASK_COLUMNS)
    _heading(document, "III. TỔ CHỨC THỰC HIỆN")
    if data.implementation:
        _paragraph(document, data.implementation)
    _heading(document, "IV. TỰ ĐÁNH GIÁ CHẤT LƯỢNG SINH HOẠT")
    if data.assessment:
        _paragraph(document, data.assessment)
    _score(document, data)
    if data.vote:
        _keep_with_signatures(_paragraph(document, "Kết quả biểu quyết: " + data.vote, italic=True))

    table = document.add_table(rows=1, cols=2)
    _widths(table, SIGNATURE_COLUMNS)
    left, right = table.rows[0].cells
    label = left.paragraphs[0]
    label.paragraph_format.keep_with_next = True
    _run(label, "Nơi nhận:", bold=True, italic=True, underline=True, size=RECIPIENTS_PT)
    for line in data.recipients:
        paragraph = left.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, line, size=RECIPIENTS_PT - 1)
    _signature_cell(right, data.signer_lines, data.secretary)
    _rows_unsplit(table)
    _amendments(document, data)
    return _to_bytes(document)


def _score(document, data: DocumentData) -> None:
    if not data.score_rows:
        _paragraph(document, "Chưa chấm điểm.")
        return
    _grid(document, ["Tiêu chí", "Điểm"], data.score_rows, SCORE_COLUMNS)
    total = _paragraph(document, f"Tổng điểm: {data.score_total}/100. Xếp loại: {data.score_level}.", bold=True)
    total.paragraph_format.space_before = Pt(4)
    if data.score_confirmation:
        _paragraph(document, data.score_confirmation, italic=True)
