"""What the minutes and the resolution say, shared by the DOCX and the PDF."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from django.utils import timezone, translation
from django.utils.translation import gettext

from meetings import counting, extensions, selectors
from meetings.models import (
    AdoptedRecord,
    Amendment,
    Category,
    LinkedAttendance,
    LinkedMark,
    Meeting,
    MeetingKind,
    MeetingRules,
    MeetingStatus,
    Minutes,
    Resolution,
    TaskOutcome,
)
from members.models import OrganizationKind, PositionKind
from members.selectors import has_committee, signer_on, superior_committee
from members.text import search_key, strip_controls

LEVEL_WORDS = {"good": "Tốt", "fair": "Khá", "average": "Trung bình", "poor": "Kém"}


OUTCOME_WORDS = {
    TaskOutcome.PENDING: "Chưa đánh giá",
    TaskOutcome.DONE: "Hoàn thành",
    TaskOutcome.IN_PROGRESS: "Đang thực hiện",
    TaskOutcome.NOT_DONE: "Chưa thực hiện",
}


MEETING_WORDS = {
    MeetingKind.REGULAR: "sinh hoạt chi bộ thường kỳ",
    MeetingKind.THEMATIC: "sinh hoạt chuyên đề",
    MeetingKind.COMBINED: "sinh hoạt chi bộ thường kỳ kết hợp sinh hoạt chuyên đề",
    MeetingKind.EXTRAORDINARY: "sinh hoạt chi bộ bất thường",
}


# The roll's words for members left out of the number expected (meetings.counting.Standing.excluded).
AMENDED_WORDS = {"minutes": "biên bản", "resolution": "nghị quyết"}

EXCLUDED_WORDS = {
    counting.EXEMPT: "miễn sinh hoạt",
    counting.AWAY: "chuyển sinh hoạt tạm thời đi nơi khác",
    counting.TRANSFERRED: "đã chuyển sinh hoạt đi",
    counting.SUSPENDED: "đình chỉ sinh hoạt đảng",
}

# What a resolution's recipients said before "Nơi nhận" named the level above.
OLD_DEFAULT_RECIPIENTS = "- Đảng ủy xã (để b/c);\n- Lưu chi bộ."

_UNIT_WORDS = re.compile(r"^(đảng bộ\s+)?(xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)


@dataclass
class Row:
    cells: list[str]


@dataclass
class DocumentData:
    """Everything a document prints, as plain text: read in a fixed number of queries while the
    minutes are a draft, and kept as it was at adoption afterwards (``to_json``/``from_json``,
    ``meetings.models.AdoptedRecord``), so an adopted record never changes."""

    # Until the minutes are adopted both documents are drafts ("DỰ THẢO"); a resolution stays
    # one after adoption when its vote did not pass (it has no number then).
    draft: bool
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
    topic: str
    opening: str
    minutes_closing: str
    chair: str
    minute_taker: str
    # Guests recorded present ("Đại biểu dự"), and invited guests recorded absent.
    guests: list[str]
    guests_absent: list[str]
    # (who, what they said, what they took back) for guests who came and spoke.
    remarks: list[list[str]]
    rate: str
    items: list[dict]
    # The vote as a sentence; empty when no vote was recorded (the block is then left out).
    vote: str
    score_rows: list[Row]
    score_total: str
    score_level: str
    score_confirmation: str
    secretary: str  # the signer's name: the secretary, or the deputy in charge (signer_lines)
    # The attendance lines without and with the absentees' reasons (who sees which:
    # meetings.access.can_see_absence_reasons).
    attendance_open: list[str]
    attendance_reasons: list[str]
    closing: str
    # The signature for the committee, one line each ("T/M CHI ỦY", "BÍ THƯ" or "PHÓ BÍ THƯ").
    signer_lines: list[str] = field(default_factory=list)
    # Sections other apps add after the agenda (petitions raised and answered: meetings.extensions).
    sections: list[extensions.MinutesSection] = field(default_factory=list)
    # The resolution: present only when the meeting has one.
    has_resolution: bool = False
    resolution_draft: bool = True
    reference: str = ""
    subtitle: str = ""
    preamble: str = ""
    results: str = ""
    implementation: str = ""
    assessment: str = ""
    recipients: list[str] = field(default_factory=list)
    review_rows: list[Row] = field(default_factory=list)
    task_rows: list[Row] = field(default_factory=list)
    # Corrections recorded after adoption ("đính chính"), each a line with who and when; not
    # part of the frozen content (they are added to it, never written into it).
    amendments: list[str] = field(default_factory=list)
    # Linked working members (QĐ 213) at a residence meeting, apart from the roll: "Đảng viên
    # đang công tác ở nơi khác dự" who came, and those invited who did not (with the reason).
    linked_came: list[str] = field(default_factory=list)
    linked_absent: list[str] = field(default_factory=list)
    # Whether the absentees' reasons are shown: set per reader, never stored.
    reasons: bool = False

    @property
    def attendance(self) -> list[str]:
        return self.attendance_reasons if self.reasons else self.attendance_open

    def to_json(self) -> dict:
        content = dataclasses.asdict(self)
        for transient in ("amendments", "reasons"):
            content.pop(transient)
        return content

    @classmethod
    def from_json(cls, content: dict) -> DocumentData:
        values = dict(content)
        for name in ("score_rows", "review_rows", "task_rows"):
            values[name] = [Row(**row) for row in values.get(name, [])]
        values["sections"] = [extensions.MinutesSection(**s) for s in values.get("sections", [])]
        return cls(**values)


def _upper_org(name: str, prefix: str) -> str:
    upper = name.upper()
    return upper if upper.startswith(prefix) else f"{prefix} {upper}"


def vietnamese_date(day) -> str:
    """The date as documents write it, "ngày 05 tháng 3 năm 2026" (HD 36-HD/VPTW): a leading
    zero on days 1–9 and months 1–2 only."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _time(value) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H} giờ {local:%M} phút"


def _number(value: float) -> str:
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def document_data(meeting: Meeting, *, reasons: bool = False) -> DocumentData:
    """What the documents say; ``reasons``: whether absentees' reasons are shown (only to those
    ``meetings.access.can_see_absence_reasons`` allows). Adopted minutes are read from what was
    adopted (``frozen_content``), with the amendments recorded since; a draft from the record
    as it stands."""
    meeting = Meeting.objects.select_related("branch", "chair", "minute_taker").get(pk=meeting.pk)
    if meeting.status == MeetingStatus.ADOPTED:
        data = DocumentData.from_json(frozen_content(meeting))
        data.amendments = amendment_lines(meeting)
    else:
        data = build_document_data(meeting)
    data.reasons = reasons
    return data


def frozen_content(meeting: Meeting) -> dict:
    """The documents' content as adopted. Minutes adopted before records were kept are frozen
    at their first reading (the closest to adoption there is)."""
    record = AdoptedRecord.objects.filter(meeting=meeting).values_list("content", flat=True).first()
    if record is not None:
        return record
    return records_freeze(meeting).content


def records_freeze(meeting: Meeting) -> AdoptedRecord:
    """Keep what the documents of ``meeting`` say now, once (called when its minutes are adopted)."""
    content = build_document_data(meeting).to_json()
    record, _ = AdoptedRecord.objects.get_or_create(
        meeting=meeting, defaults={"content": content, "adopted_at": meeting.minutes_adopted_at or timezone.now()}
    )
    return record


def amendment_lines(meeting: Meeting) -> list[str]:
    """One line per recorded correction ("đính chính"), oldest first: when, who, what. One query."""
    lines = []
    for amendment in Amendment.objects.filter(meeting=meeting).order_by("made_at", "pk"):
        made = timezone.localtime(amendment.made_at)
        what = AMENDED_WORDS.get(amendment.document, "")
        lines.append(
            f"Ngày {made:%d/%m/%Y}, đồng chí {amendment.made_by_name} đính chính {what}: "
            f"{' '.join(amendment.text.split())}"
        )
    return lines


def build_document_data(meeting: Meeting) -> DocumentData:
    """The documents' content from the record as it stands."""
    branch = meeting.branch
    ancestors = list(type(branch).objects.get_ancestors(branch))
    parent = ancestors[-1] if ancestors else branch
    commune = next((org for org in reversed(ancestors) if org.kind == OrganizationKind.COMMUNE), parent)
    day = meeting.day
    minutes = Minutes.objects.select_related("score_confirmed_by").filter(meeting=meeting).first()
    minutes = minutes or Minutes(meeting=meeting)
    resolution = Resolution.objects.filter(meeting=meeting).first()
    sheet = selectors.roll.roll_sheet(meeting)
    roll = _summary(sheet.counts)
    # The secretary signs; with the post vacant, the deputy secretary in charge ("PHÓ BÍ THƯ").
    signer, signer_post = signer_on(branch, day)
    committee = has_committee(branch, day)
    adopted = meeting.status == MeetingStatus.ADOPTED

    guest_list = list(meeting.guests.all())
    guest_keys = {search_key(guest.name) for guest in guest_list}
    items = []
    for item in meeting.agenda_items.prefetch_related("speeches").order_by("position", "pk"):
        speeches = [{"who": speaker_label(s, guest_keys), "text": s.text} for s in item.speeches.all()]
        items.append({"title": item.title, "speeches": speeches, "conclusion": item.conclusion})

    guests, guests_absent, remarks = [], [], []
    for guest in guest_list:
        text = f"Đồng chí {guest.name}" + (f" – {guest.title}" if guest.title else "")
        # Only what the roll of guests records: present, or invited and absent; a guest whose
        # attendance was never recorded is not named.
        if guest.attended:
            guests.append(text)
            if guest.remarks or guest.promises:
                remarks.append([guest.name, guest.remarks, guest.promises])
        elif guest.attended is False:
            guests_absent.append(text)

    linked_came, linked_absent = [], []
    for row in LinkedAttendance.objects.filter(meeting=meeting).select_related("link__member__branch"):
        text = f"Đồng chí {row.link.member.full_name} ({row.link.member.branch.name})"
        if row.mark == LinkedMark.CAME:
            linked_came.append(text)
        elif row.mark == LinkedMark.ABSENT:
            linked_absent.append(text + (f": {row.reason}" if row.reason else ""))

    data = DocumentData(
        draft=not adopted,
        superior=_upper_org(parent.name, "ĐẢNG BỘ"),
        branch_name=branch.name,
        branch_upper=_upper_org(branch.name, "CHI BỘ"),
        place_date=f"{_UNIT_WORDS.sub('', commune.name)}, {vietnamese_date(day)}",
        meeting_words=MEETING_WORDS.get(meeting.kind, MEETING_WORDS[MeetingKind.REGULAR]),
        month=f"{meeting.month:%m/%Y}",
        day=f"{day:%d/%m/%Y}",
        start=_time(meeting.actual_start or meeting.planned_start),
        end=_time(meeting.actual_end or meeting.planned_end),
        place=meeting.place or branch.meeting_place,
        topic=meeting.topic,
        opening=minutes.opening,
        minutes_closing=minutes.closing,
        chair=meeting.chair.full_name if meeting.chair else "",
        minute_taker=meeting.minute_taker.full_name if meeting.minute_taker else "",
        guests=guests,
        guests_absent=guests_absent,
        remarks=remarks,
        rate=f"{_number(roll.rate)}%" if roll.rate is not None else "",
        items=items,
        vote=_vote_text(minutes, sheet.counts),
        score_rows=[],
        score_total="",
        score_level="",
        score_confirmation="",
        secretary=signer.full_name if signer else "",
        attendance_open=attendance_lines(sheet, roll, reasons=False),
        attendance_reasons=attendance_lines(sheet, roll, reasons=True),
        closing=closing_line(meeting, _time(meeting.actual_end or meeting.planned_end)),
        signer_lines=[
            "T/M CHI ỦY" if committee else "T/M CHI BỘ",
            "PHÓ BÍ THƯ" if signer_post == PositionKind.DEPUTY else "BÍ THƯ",
        ],
        linked_came=linked_came,
        linked_absent=linked_absent,
    )
    _fill_score(data, meeting, minutes)
    data.sections = extensions.minutes_sections(meeting)
    if resolution is not None:
        data.has_resolution = True
        # A resolution is issued, with its number, only when its vote passed at adopted minutes.
        data.resolution_draft = not adopted or resolution.number is None
        data.reference = "" if data.resolution_draft else resolution.reference
        data.results = resolution.results
        data.implementation = resolution.implementation
        data.assessment = resolution.assessment
        data.recipients = _recipients(resolution, branch)
        _fill_tasks(data, meeting, resolution)
        data.preamble = resolution_preamble(data, roll)
        data.subtitle = subtitle(resolution)
    return data


def _summary(counts: counting.RollCounts) -> selectors.roll.RollSummary:
    present_by = counts.present_by_category
    return selectors.roll.RollSummary(
        expected=counts.expected,
        present=counts.present,
        present_full=present_by.get(Category.FULL, 0),
        present_probationary=present_by.get(Category.PROBATIONARY, 0),
        present_attached=present_by.get(Category.ATTACHED, 0),
        absent=counts.absent,
        absent_excused=counts.absent_excused,
        absent_unexcused=counts.absent_unexcused,
        rate=counts.rate,
        absentees=list(counts.absentees),
    )


def _recipients(resolution: Resolution | None, branch) -> list[str]:
    """The recipients ("Nơi nhận"): as typed, except that the old stock text names the level above as it is."""
    if resolution is None:
        return []
    text = resolution.recipients
    if text.strip() == OLD_DEFAULT_RECIPIENTS:
        text = f"- {superior_committee(branch)} (để b/c);\n- Lưu chi bộ."
    return [line for line in text.splitlines() if line.strip()]


def speaker_label(speech, guest_keys: set[str]) -> str:
    """Members, and guests (party cadres), are "Đồng chí …"; another typed name (the village
    head, a resident) is written as typed."""
    name = speech.speaker_name
    if name.lower().startswith("đồng chí"):
        return name
    if speech.speaker_id or search_key(name) in guest_keys:
        return f"Đồng chí {name}"
    return name


def _vote_text(minutes: Minutes, counts: counting.RollCounts) -> str:
    """The base (Quy định 24-QĐ/TW §9.3.2), the tally with shares of the base, and the verdict,
    all as meetings.counting.vote_result reckons them."""
    result = counting.vote_result(
        votes_for=minutes.votes_for,
        votes_against=minutes.votes_against,
        votes_abstain=minutes.votes_abstain,
        counts=counts,
    )
    if result is None:
        return ""

    def share(n):
        return f" ({_number(100 * n / result.base)}%)" if result.base else ""

    verdict = "Nghị quyết được thông qua." if result.passed else "Nghị quyết không được thông qua."
    return (
        f"Số đảng viên trong diện biểu quyết: {result.base} đồng chí; "
        f"có mặt biểu quyết: {result.voters} đồng chí. "
        f"Tán thành: {result.votes_for} đồng chí{share(result.votes_for)}; "
        f"không tán thành: {result.votes_against} đồng chí{share(result.votes_against)}; "
        f"không biểu quyết: {result.votes_abstain} đồng chí{share(result.votes_abstain)}. "
        f"{verdict}"
    )


def criterion_words(criterion: dict) -> str:
    """A criterion as the documents write it, in Vietnamese whatever the reader's language: a
    preset's label is an English msgid; a commune's own label is kept as typed."""
    with translation.override("vi"):
        return gettext(criterion["label"])


def _fill_score(data: DocumentData, meeting: Meeting, minutes: Minutes) -> None:
    if minutes.score_total is None:
        return
    rubric = counting.rubric_of(MeetingRules.objects.for_branch(meeting.branch))
    data.score_rows = [Row([criterion_words(c), f"{minutes.scores.get(c['key'], 0)}/{c['max']}"]) for c in rubric]
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
                selectors.resolution.report_label(task),
            ]
        )
        for n, task in enumerate(tasks, start=1)
    ]


TITLES = {"minutes": ("Biên bản", "bien-ban"), "resolution": ("Nghị quyết", "nghi-quyet")}


def filenames(meeting: Meeting, what: str, extension: str, *, draft: bool = False) -> tuple[str, str]:
    """An ASCII-safe name and the full Vietnamese one, by the meeting's day (two meetings of a
    month get two names); a draft's names say so."""
    title, slug = TITLES[what]
    branch = meeting.branch.name
    ascii_branch = re.sub(r"[^a-z0-9]+", "-", search_key(branch)).strip("-")
    if draft:
        title, slug = f"Dự thảo {title.lower()}", f"du-thao-{slug}"
    return (
        f"{slug}-{ascii_branch}-ngay-{meeting.day:%d-%m-%Y}.{extension}",
        f"{title} {branch} {meeting.day:%d-%m-%Y}.{extension}",
    )


def is_draft(meeting: Meeting, what: str) -> bool:
    """Whether the document is a draft: minutes until adopted; a resolution also when it has no
    number (its vote did not pass). At most one query."""
    if meeting.status != MeetingStatus.ADOPTED:
        return True
    if what == "resolution":
        return Resolution.objects.filter(meeting=meeting, number__isnull=False).values("pk").first() is None
    return False


def content_disposition(meeting: Meeting, what: str, extension: str, *, draft: bool = False) -> str:
    ascii_name, full_name = filenames(meeting, what, extension, draft=draft)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full_name)}"


def attendance_lines(sheet: selectors.roll.RollSheet, roll: selectors.roll.RollSummary, *, reasons: bool) -> list[str]:
    """The branch's own members on the roll that day (members who left it before the day and
    members of other branches attending temporarily are not among them), those left out of the
    number expected, expected, present, absent with and without reason, and each absentee; the
    reason itself only with ``reasons``. The counts are the roll page's."""
    own = [e for e in sheet.entries if not e.standing.left and e.standing.category != Category.ATTACHED]
    attached = sum(1 for e in sheet.entries if e.standing.category == Category.ATTACHED)
    excluded: dict[str, int] = {}
    for entry in own:
        if entry.excluded and not entry.expected:
            excluded[entry.excluded] = excluded.get(entry.excluded, 0) + 1
    left_out = "; ".join(f"{EXCLUDED_WORDS.get(why, why)}: {n}" for why, n in excluded.items())
    rate = f", đạt {_number(roll.rate)}%." if roll.rate is not None else "."
    lines = [
        f"Tổng số đảng viên của chi bộ: {len(own)} đồng chí"
        + (f" (không phải triệu tập – {left_out})." if left_out else "."),
    ]
    if attached:
        lines.append(f"Đảng viên nơi khác sinh hoạt tạm thời tại chi bộ: {attached} đồng chí.")
    lines += [
        f"Số đảng viên phải triệu tập: {roll.expected} đồng chí.",
        f"Có mặt: {roll.present} đồng chí (chính thức: {roll.present_full}; dự bị: {roll.present_probationary}; "
        f"sinh hoạt tạm thời: {roll.present_attached}){rate}",
        f"Vắng mặt: {roll.absent} đồng chí (có lý do: {roll.absent_excused}; không lý do: {roll.absent_unexcused}).",
    ]
    for absentee in roll.absentees:
        reason = strip_controls(absentee.reason).strip() if reasons and absentee.excused else ""
        why = f"có lý do ({reason})" if reason else ("có lý do" if absentee.excused else "không lý do")
        lines.append(f"– Đồng chí {absentee.name}: vắng {why}.")
    return lines


def closing_line(meeting: Meeting, end: str) -> str:
    """The line the document writes itself: adoption only when the minutes were adopted, and
    when that was after the meeting's day, on which day."""
    adopted = meeting.minutes_adopted_at if meeting.status == MeetingStatus.ADOPTED else None
    if adopted is None:
        return f"Cuộc họp kết thúc lúc {end} cùng ngày."
    if timezone.localdate(adopted) > meeting.day:
        return (
            f"Cuộc họp kết thúc lúc {end} cùng ngày. Biên bản được hoàn chỉnh, "
            f"thông qua chi bộ ngày {timezone.localdate(adopted):%d/%m/%Y}."
        )
    return (
        "Biên bản đã được đọc lại cho chi bộ nghe và thông qua trước khi kết thúc. "
        f"Cuộc họp kết thúc lúc {end} cùng ngày."
    )


def resolution_preamble(data: DocumentData, roll: selectors.roll.RollSummary) -> str:
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
