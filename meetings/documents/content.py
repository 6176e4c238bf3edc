"""What the minutes and the resolution say, shared by the DOCX and the PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from django.utils import timezone

from meetings import counting, extensions, selectors
from meetings.models import Meeting, MeetingKind, MeetingRules, Minutes, Resolution, TaskOutcome
from members.models import OrganizationKind
from members.selectors import secretary_on
from members.text import search_key

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
    roll: selectors.roll.RollSummary
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
    # Sections other apps add after the agenda (petitions raised and answered: meetings.extensions).
    sections: list[extensions.MinutesSection] = field(default_factory=list)


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
    roll = selectors.roll.roll_summary(meeting)
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
        signer_heading="T/M CHI ỦY – BÍ THƯ"
        if selectors.resolution.has_committee(branch, day)
        else "T/M CHI BỘ – BÍ THƯ",
        secretary=secretary.full_name if secretary else "",
    )
    _fill_score(data, meeting, minutes)
    data.sections = extensions.minutes_sections(meeting)
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
    rubric = counting.rubric_of(MeetingRules.objects.for_branch(meeting.branch))
    data.score_rows = [
        Row([CRITERION_WORDS.get(c["key"], c["label"]), f"{minutes.scores.get(c['key'], 0)}/{c['max']}"])
        for c in rubric
    ]
    data.score_total = str(minutes.score_total)
    data.score_level = LEVEL_WORDS.get(minutes.score_level, minutes.score_level)
    if minutes.score_confirmed_by_id:
        confirmed = timezone.localtime(minutes.score_confirmed_at)
        name = selectors.minutes.confirmed_by_name(minutes)
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
        for n, task in enumerate(selectors.resolution.tasks_to_review(meeting), start=1)
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


def subtitle(resolution: Resolution) -> str:
    """The title under NGHỊ QUYẾT, without repeating the word."""
    title = resolution.title.strip()
    if title.lower().startswith("nghị quyết "):
        title = title[len("nghị quyết ") :]
    return title
