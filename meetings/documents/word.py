"""The minutes and the resolution as DOCX (python-docx), in the party's document format."""

from __future__ import annotations

import io

from meetings.documents.content import DocumentData, Row, document_data
from meetings.documents.pdf import FONT_STACK
from meetings.models import Meeting


def _new_docx():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = FONT_STACK[0]
    normal.font.size = Pt(13)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT_STACK[0])
    normal.paragraph_format.space_after = Pt(3)
    return document


def _paragraph(container, text: str = "", *, bold=False, italic=False, underline=False, align=None, size=None):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = container.add_paragraph()
    if align:
        paragraph.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    return paragraph


def _labelled(document, label: str, text: str):
    paragraph = document.add_paragraph()
    paragraph.add_run(label).bold = True
    paragraph.add_run(text)
    return paragraph


def _header(document, data: DocumentData, number: str = "") -> None:
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9.5)
    left.paragraphs[0].text = ""
    _cell_line(left.paragraphs[0], data.superior)
    _cell_line(left.add_paragraph(), data.branch_upper, bold=True)
    _cell_line(left.add_paragraph(), "*")
    if number:
        _cell_line(left.add_paragraph(), number)
    _cell_line(right.paragraphs[0], "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True)
    _cell_line(right.add_paragraph(), "")
    _cell_line(right.add_paragraph(), data.place_date, italic=True)


def _cell_line(paragraph, text: str, **style) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        run = paragraph.add_run(text)
        run.bold = style.get("bold", False)
        run.italic = style.get("italic", False)
        run.underline = style.get("underline", False)


def _grid(document, heading: list[str], rows: list[Row]) -> None:
    table = document.add_table(rows=1, cols=len(heading))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, heading, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row.cells, strict=True):
            cell.text = text


def _signatures(document, left_heading: str, left_name: str, right_heading: str, right_name: str) -> None:
    table = document.add_table(rows=1, cols=2)
    for cell, heading, name in zip(
        table.rows[0].cells, (left_heading, right_heading), (left_name, right_name), strict=True
    ):
        _cell_line(cell.paragraphs[0], heading, bold=True)
        for _ in range(3):
            cell.add_paragraph()
        _cell_line(cell.add_paragraph(), name, bold=True)


def _to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_docx(meeting: Meeting) -> bytes:
    data = document_data(meeting)
    document = _new_docx()
    _header(document, data)
    _paragraph(document, "BIÊN BẢN", bold=True, align="CENTER", size=15)
    _paragraph(document, f"{data.meeting_words.capitalize()} tháng {data.month}", bold=True, align="CENTER")
    if data.meeting.topic:
        _paragraph(document, f"Chuyên đề: {data.meeting.topic}", italic=True, align="CENTER")

    _labelled(document, "Thời gian: ", f"bắt đầu lúc {data.start}, ngày {data.day}.")
    _labelled(document, "Địa điểm: ", f"{data.place}.")
    _labelled(document, "Chủ trì: ", f"đồng chí {data.chair}." if data.chair else "")
    _labelled(document, "Thư ký: ", f"đồng chí {data.minute_taker}." if data.minute_taker else "")
    _labelled(document, "Khách mời: ", "; ".join(data.guests) + "." if data.guests else "không có.")
    for line in data.attendance:
        _paragraph(document, line)
    if data.minutes.opening:
        _paragraph(document, data.minutes.opening)

    _paragraph(document, "NỘI DUNG SINH HOẠT", bold=True)
    for n, item in enumerate(data.items, start=1):
        _paragraph(document, f"{n}. {item['title']}", bold=True)
        for speech in item["speeches"]:
            paragraph = document.add_paragraph()
            # Members are "Đồng chí"; a typed name (a guest, the village head) is written as typed.
            prefix = "Đồng chí " if speech.speaker_id else ""
            paragraph.add_run(f"{prefix}{speech.speaker_name}: ").bold = True
            paragraph.add_run(speech.text)
        if item["conclusion"]:
            _labelled(document, "Kết luận của chủ trì: ", item["conclusion"])

    for section in data.sections:
        _paragraph(document, section.heading, bold=True)
        for line in section.lines:
            _paragraph(document, line)

    if data.remarks:
        _paragraph(document, "Ý KIẾN CHỈ ĐẠO CỦA CẤP ỦY CẤP TRÊN", bold=True)
        for name, said, promised in data.remarks:
            if said:
                _labelled(document, f"Đồng chí {name}: ", said)
            if promised:
                _labelled(document, "Tiếp thu, báo cáo cấp trên: ", promised)

    _paragraph(document, "KẾT QUẢ BIỂU QUYẾT", bold=True)
    _paragraph(document, data.vote or "Chưa ghi kết quả biểu quyết.")
    _paragraph(document, "TỰ ĐÁNH GIÁ CHẤT LƯỢNG SINH HOẠT", bold=True)
    _score(document, data)
    if data.minutes.closing:
        _paragraph(document, data.minutes.closing)
    _paragraph(document, data.closing)
    _signatures(document, "THƯ KÝ", data.minute_taker, data.signer_heading, data.secretary)
    return _to_bytes(document)


def resolution_docx(meeting: Meeting) -> bytes:
    data = document_data(meeting)
    resolution = data.resolution
    document = _new_docx()
    _header(document, data, number=resolution.reference)
    _paragraph(document, "NGHỊ QUYẾT", bold=True, align="CENTER", size=15)
    _paragraph(document, data.subtitle, bold=True, align="CENTER")
    _paragraph(document, data.preamble)
    _paragraph(document, "CHI BỘ QUYẾT NGHỊ", bold=True, align="CENTER")

    _paragraph(document, "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG TRƯỚC", bold=True)
    if resolution.results:
        _paragraph(document, resolution.results)
    if data.review_rows:
        _grid(document, ["STT", "Nhiệm vụ", "Người chủ trì", "Kết quả", "Ghi chú"], data.review_rows)
    _paragraph(document, f"II. NHIỆM VỤ THÁNG {data.month}", bold=True)
    if data.task_rows:
        _grid(document, ["STT", "Nhiệm vụ", "Người chủ trì", "Thời hạn", "Báo cáo tại"], data.task_rows)
    _paragraph(document, "III. TỔ CHỨC THỰC HIỆN", bold=True)
    if resolution.implementation:
        _paragraph(document, resolution.implementation)
    _paragraph(document, "IV. TỰ ĐÁNH GIÁ CHẤT LƯỢNG SINH HOẠT", bold=True)
    if resolution.assessment:
        _paragraph(document, resolution.assessment)
    _score(document, data)
    _paragraph(document, "Kết quả biểu quyết: " + (data.vote or "chưa ghi."), italic=True)

    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    for line in resolution.recipients.splitlines():
        left.add_paragraph(line)
    _cell_line(right.paragraphs[0], data.signer_heading, bold=True)
    for _ in range(3):
        right.add_paragraph()
    _cell_line(right.add_paragraph(), data.secretary, bold=True)
    return _to_bytes(document)


def _score(document, data: DocumentData) -> None:
    if not data.score_rows:
        _paragraph(document, "Chưa chấm điểm.")
        return
    _grid(document, ["Tiêu chí", "Điểm"], data.score_rows)
    _paragraph(document, f"Tổng điểm: {data.score_total}/100. Xếp loại: {data.score_level}.", bold=True)
    if data.score_confirmation:
        _paragraph(document, data.score_confirmation, italic=True)
