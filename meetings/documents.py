"""The minutes and the resolution as DOCX (python-docx) and PDF (WeasyPrint).

Both follow the Vietnamese administrative layout: a two-column header
(ĐẢNG BỘ … / CHI BỘ … / * on the left, ĐẢNG CỘNG SẢN VIỆT NAM with place and date
on the right), the title in bold capitals, the body, and signature blocks.
The wording of these documents is the form itself, so it is Vietnamese whatever
the reader's interface language.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from django.template.loader import render_to_string
from django.utils import timezone

from members.models import OrganizationKind
from members.selectors import secretary_on
from members.text import search_key

from . import records
from .models import Meeting, MeetingKind, Minutes, Resolution, TaskOutcome

FONT_STACK = ("Times New Roman", "Liberation Serif", "DejaVu Serif")

LEVEL_WORDS = {"good": "Tốt", "fair": "Khá", "average": "Trung bình", "poor": "Kém"}
OUTCOME_WORDS = {
    TaskOutcome.PENDING: "Chưa đánh giá",
    TaskOutcome.DONE: "Hoàn thành",
    TaskOutcome.IN_PROGRESS: "Đang thực hiện",
    TaskOutcome.NOT_DONE: "Chưa thực hiện",
}
# The commune may name its own criteria; these are the words for the default rubric.
CRITERION_WORDS = {
    "preparation": "Công tác chuẩn bị",
    "attendance": "Duy trì sinh hoạt, tỷ lệ đảng viên dự",
    "conduct": "Tiến hành sinh hoạt",
    "closing": "Kết thúc sinh hoạt",
}
MEETING_WORDS = {
    MeetingKind.REGULAR: "sinh hoạt chi bộ thường kỳ",
    MeetingKind.THEMATIC: "sinh hoạt chuyên đề",
    MeetingKind.COMBINED: "sinh hoạt chi bộ thường kỳ kết hợp sinh hoạt chuyên đề",
    MeetingKind.EXTRAORDINARY: "sinh hoạt chi bộ bất thường",
}
_UNIT_WORDS = re.compile(r"^(đảng bộ\s+)?(xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)


@dataclass
class Row:
    cells: list[str]


@dataclass
class DocumentData:
    """Everything a document shows, read in a fixed number of queries."""

    meeting: Meeting
    minutes: Minutes
    resolution: Resolution | None
    superior: str
    branch_name: str
    branch_upper: str
    place_date: str
    meeting_words: str
    month: str
    day: str
    start: str
    end: str
    place: str
    chair: str
    minute_taker: str
    guests: list[str]
    # (who, what they said, what they took back) for guests who came and spoke.
    remarks: list[tuple[str, str, str]]
    roll: records.RollSummary
    rate: str
    items: list[dict]
    vote: str
    score_rows: list[Row]
    score_total: str
    score_level: str
    score_confirmation: str
    signer_heading: str
    secretary: str
    review_rows: list[Row] = field(default_factory=list)
    task_rows: list[Row] = field(default_factory=list)
    attendance: list[str] = field(default_factory=list)
    closing: str = ""
    preamble: str = ""
    subtitle: str = ""


def _upper_org(name: str, prefix: str) -> str:
    upper = name.upper()
    return upper if upper.startswith(prefix) else f"{prefix} {upper}"


def _time(value) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H} giờ {local:%M} phút"


def _number(value: float) -> str:
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def _meeting_label(meeting: Meeting | None) -> str:
    if meeting is None:
        return ""
    return f"Kỳ sinh hoạt tháng {meeting.month:%m/%Y} ({meeting.day:%d/%m/%Y})"


def document_data(meeting: Meeting) -> DocumentData:
    meeting = Meeting.objects.select_related("branch", "chair", "minute_taker").get(pk=meeting.pk)
    branch = meeting.branch
    ancestors = list(type(branch).objects.get_ancestors(branch))
    parent = ancestors[-1] if ancestors else branch
    commune = next((org for org in reversed(ancestors) if org.kind == OrganizationKind.COMMUNE), parent)
    day = meeting.day
    minutes = Minutes.objects.select_related("score_confirmed_by").filter(meeting=meeting).first()
    minutes = minutes or Minutes(meeting=meeting)
    resolution = Resolution.objects.filter(meeting=meeting).first()
    roll = records.roll_summary(meeting)
    secretary = secretary_on(branch, day)

    items = []
    for item in meeting.agenda_items.prefetch_related("speeches").order_by("position", "pk"):
        items.append({"title": item.title, "speeches": list(item.speeches.all()), "conclusion": item.conclusion})

    guests, remarks = [], []
    for guest in meeting.guests.all():
        text = f"Đồng chí {guest.name}" + (f" – {guest.title}" if guest.title else "")
        if guest.attended is False:
            text += " (vắng mặt)"
        guests.append(text)
        if guest.attended and (guest.remarks or guest.promises):
            remarks.append((guest.name, guest.remarks, guest.promises))

    data = DocumentData(
        meeting=meeting,
        minutes=minutes,
        resolution=resolution,
        superior=_upper_org(parent.name, "ĐẢNG BỘ"),
        branch_name=branch.name,
        branch_upper=_upper_org(branch.name, "CHI BỘ"),
        place_date=f"{_UNIT_WORDS.sub('', commune.name)}, ngày {day:%d} tháng {day:%m} năm {day:%Y}",
        meeting_words=MEETING_WORDS.get(meeting.kind, MEETING_WORDS[MeetingKind.REGULAR]),
        month=f"{meeting.month:%m/%Y}",
        day=f"{day:%d/%m/%Y}",
        start=_time(meeting.actual_start or meeting.planned_start),
        end=_time(meeting.actual_end or meeting.planned_end),
        place=meeting.place or branch.meeting_place,
        chair=meeting.chair.full_name if meeting.chair else "",
        minute_taker=meeting.minute_taker.full_name if meeting.minute_taker else "",
        guests=guests,
        remarks=remarks,
        roll=roll,
        rate=f"{_number(roll.rate)}%" if roll.rate is not None else "",
        items=items,
        vote=_vote_text(minutes, roll.present_full),
        score_rows=[],
        score_total="",
        score_level="",
        score_confirmation="",
        signer_heading="T/M CHI ỦY – BÍ THƯ" if records.has_committee(branch, day) else "T/M CHI BỘ – BÍ THƯ",
        secretary=secretary.full_name if secretary else "",
    )
    _fill_score(data, meeting, minutes)
    data.attendance = attendance_lines(data)
    data.closing = closing_line(data)
    if resolution is not None:
        _fill_tasks(data, meeting, resolution)
        data.preamble = resolution_preamble(data)
        data.subtitle = subtitle(resolution)
    return data


def _vote_text(minutes: Minutes, voters: int) -> str:
    if minutes.votes_for is None:
        return ""

    def share(n):
        return f" ({_number(100 * n / voters)}%)" if voters else ""

    return (
        f"Số đảng viên chính thức có mặt biểu quyết: {voters} đồng chí. "
        f"Tán thành: {minutes.votes_for} đồng chí{share(minutes.votes_for)}; "
        f"không tán thành: {minutes.votes_against} đồng chí{share(minutes.votes_against)}; "
        f"không biểu quyết: {minutes.votes_abstain} đồng chí{share(minutes.votes_abstain)}."
    )


def _fill_score(data: DocumentData, meeting: Meeting, minutes: Minutes) -> None:
    if minutes.score_total is None:
        return
    rubric = records.rubric_of(records.rules_of(meeting))
    data.score_rows = [
        Row([CRITERION_WORDS.get(c["key"], c["label"]), f"{minutes.scores.get(c['key'], 0)}/{c['max']}"])
        for c in rubric
    ]
    data.score_total = str(minutes.score_total)
    data.score_level = LEVEL_WORDS.get(minutes.score_level, minutes.score_level)
    if minutes.score_confirmed_by_id:
        confirmed = timezone.localtime(minutes.score_confirmed_at)
        name = records.confirmed_by_name(minutes)
        data.score_confirmation = f"Đã được đồng chí {name} (cấp ủy cấp trên) xác nhận ngày {confirmed:%d/%m/%Y}."


def _fill_tasks(data: DocumentData, meeting: Meeting, resolution: Resolution) -> None:
    data.review_rows = [
        Row(
            [
                str(n),
                task.description,
                task.lead,
                OUTCOME_WORDS.get(task.outcome, task.outcome),
                task.outcome_note,
            ]
        )
        for n, task in enumerate(records.tasks_to_review(meeting), start=1)
    ]
    tasks = resolution.tasks.select_related("report_at").order_by("position", "pk")
    data.task_rows = [
        Row(
            [
                str(n),
                task.description,
                task.lead,
                f"{task.deadline:%d/%m/%Y}" if task.deadline else "",
                _meeting_label(task.report_at),
            ]
        )
        for n, task in enumerate(tasks, start=1)
    ]


# --- File names --------------------------------------------------------------------------

TITLES = {"minutes": ("Biên bản", "bien-ban"), "resolution": ("Nghị quyết", "nghi-quyet")}


def filenames(meeting: Meeting, what: str, extension: str) -> tuple[str, str]:
    """An ASCII-safe name and the full Vietnamese one."""
    title, slug = TITLES[what]
    branch = meeting.branch.name
    ascii_branch = re.sub(r"[^a-z0-9]+", "-", search_key(branch)).strip("-")
    month = f"{meeting.month:%Y-%m}"
    return f"{slug}-{ascii_branch}-{month}.{extension}", f"{title} {branch} {month}.{extension}"


def content_disposition(meeting: Meeting, what: str, extension: str) -> str:
    ascii_name, full_name = filenames(meeting, what, extension)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full_name)}"


# --- PDF ---------------------------------------------------------------------------------


def _refuse_urls(url, *args, **kwargs):
    # The documents are self-contained: nothing (files, network) is fetched while rendering.
    raise ValueError(f"Documents load no external resources: {url}")


def render_pdf(template: str, data: DocumentData) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"doc": data, "font_stack": FONT_STACK})
    return HTML(string=html, url_fetcher=_refuse_urls).write_pdf()


def minutes_pdf(meeting: Meeting) -> bytes:
    return render_pdf("meetings/documents/minutes.html", document_data(meeting))


def resolution_pdf(meeting: Meeting) -> bytes:
    return render_pdf("meetings/documents/resolution.html", document_data(meeting))


# --- DOCX --------------------------------------------------------------------------------


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


def _score(document, data: DocumentData) -> None:
    if not data.score_rows:
        _paragraph(document, "Chưa chấm điểm.")
        return
    _grid(document, ["Tiêu chí", "Điểm"], data.score_rows)
    _paragraph(document, f"Tổng điểm: {data.score_total}/100. Xếp loại: {data.score_level}.", bold=True)
    if data.score_confirmation:
        _paragraph(document, data.score_confirmation, italic=True)


def attendance_lines(data: DocumentData) -> list[str]:
    roll = data.roll
    lines = [
        f"Tổng số đảng viên phải triệu tập: {roll.expected} đồng chí.",
        f"Có mặt: {roll.present} đồng chí (chính thức: {roll.present_full}; dự bị: {roll.present_probationary}; "
        f"sinh hoạt tạm thời: {roll.present_attached})" + (f", đạt {data.rate}." if data.rate else "."),
        f"Vắng mặt: {roll.absent} đồng chí (có lý do: {roll.absent_excused}; không lý do: {roll.absent_unexcused}).",
    ]
    for absentee in roll.absentees:
        why = f"có lý do ({absentee.reason})" if absentee.excused and absentee.reason else None
        why = why or ("có lý do" if absentee.excused else "không lý do")
        lines.append(f"– Đồng chí {absentee.name}: vắng {why}.")
    return lines


def closing_line(data: DocumentData) -> str:
    return (
        f"Biên bản đã được đọc lại cho chi bộ nghe và thông qua trước khi kết thúc. "
        f"Cuộc họp kết thúc lúc {data.end} cùng ngày."
    )


def resolution_preamble(data: DocumentData) -> str:
    roll = data.roll
    return (
        f"Ngày {data.day}, {data.branch_name} tổ chức {data.meeting_words} tháng {data.month}. "
        f"Tổng số đảng viên phải triệu tập: {roll.expected} đồng chí; có mặt: {roll.present} đồng chí "
        f"(chính thức: {roll.present_full}; dự bị: {roll.present_probationary}; "
        f"sinh hoạt tạm thời: {roll.present_attached}); vắng mặt: {roll.absent} đồng chí."
    )


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


def subtitle(resolution: Resolution) -> str:
    """The title under NGHỊ QUYẾT, without repeating the word."""
    title = resolution.title.strip()
    if title.lower().startswith("nghị quyết "):
        title = title[len("nghị quyết ") :]
    return title
