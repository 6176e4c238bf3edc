"""Demo meetings for xã Tam Hưng, on top of the organisations and members of demo.members.

What it adds (codes and usernames are those of demo.members):

- the commune's meeting rules (docs/domain.md#local-practice defaults, default rubric) and agenda template;
- the commune cadre (login canbo.phutrach) assigned to follow Chi bộ thôn Song Khê;
- the commune's content guidance for next month;
- six months of past meetings for every Tam Hưng branch, with the roll, so the flags page
  shows a realistic mix: a month missed, a meeting too short, minutes adopted late or not at
  all, materials posted late, a low turnout, absences without reason, a member absent month
  after month, and a thematic meeting last quarter at some branches only.

Every held regular meeting also has its minutes (opening, closing, the vote) and its quality
score, and its resolution: section I reviews the tasks of the previous regular meeting's
resolution (done, in progress, not done) and carries the unfinished ones forward with new
deadlines; section II adds the month's new tasks. One month's vote at Song Khê did not pass
(exactly half of the voting base in favour): that resolution has no number, and the next month
reviews the one before it. A Song Khê member is temporarily transferred to
Phú Thịnh for the last three months (not expected at home, attached at Phú Thịnh), and the
branches keep the exempt members of demo.members (not expected unless they come).

Song Khê's next meeting is left for the demo secretary to prepare from the template; no
meeting is created on or after ``today``.

Everything goes through the meetings services, as a secretary (Song Khê) or the commune staff
(the other branches, logged as reported) would do it: ``meeting_create`` (agenda from the
template, expected cadres), the agenda services, ``record_mark`` and ``mark_remaining_present``,
``cadre_record``, ``meeting_send_notice``, ``meeting_mark_held`` and ``minutes_adopt``. Two
moments have no service that takes a past time, and are set on the row after the service ran:
when the materials were posted (the upload service stamps the moment of the first upload, and
the demo uploads no files) and when the minutes were adopted (``minutes_adopt`` stamps now).

Idempotent: what exists is found (rules and template by commune, assignment by cadre and
branch, guidance by commune and month, meetings by branch, month and kind) and left as it is.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from meetings.documents.content import records_freeze
from meetings.models import (
    DEFAULT_AGENDA,
    DEFAULT_RUBRIC,
    PRESENT_MARKS,
    AdoptedRecord,
    AgendaItemKind,
    AgendaTemplate,
    CadreAssignment,
    Category,
    Guidance,
    Mark,
    Meeting,
    MeetingKind,
    MeetingRules,
    TaskOutcome,
)
from meetings.months import add_months, first_of_month, local_datetime, quarter_start
from meetings.selectors.minutes import voters, voting_base
from meetings.selectors.resolution import tasks_to_review
from meetings.selectors.roll import expected_members
from meetings.services.agenda import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    agenda_template_save,
)
from meetings.services.cadres import assignment_create, cadre_record
from meetings.services.guidance import guidance_insert, guidance_publish
from meetings.services.minutes import minutes_adopt, minutes_for, minutes_save, score_save
from meetings.services.resolution import (
    resolution_for,
    resolution_save,
    task_carry,
    task_save,
    tasks_review,
)
from meetings.services.roll import mark_remaining_present, record_mark
from meetings.services.rules import meeting_rules_save
from meetings.services.schedule import (
    meeting_create,
    meeting_mark_held,
    meeting_send_notice,
    meeting_update,
    regular_meeting_day,
)
from members.models import Member, MemberStatus, Organization, Position, PositionKind
from members.selectors import current_positions
from members.services.register import member_transfer_temporarily

from .members import SEED, TDP_7

COMMUNE = "hn-tam-hung"
SONG_KHE = "hn-tam-hung-song-khe"
PHU_THINH = "hn-tam-hung-phu-thinh"
THUONG_THANH = "hn-tam-hung-thuong-thanh"
HUNG_GIAO = "hn-tam-hung-hung-giao"
STAFF_USERNAME = "canbo.tamhung"
SECRETARY_USERNAME = "bithu.songkhe"
CADRE_USERNAME = "canbo.phutrach"
TDP_7_SECRETARY = "bithu.tdp7"
# Branches whose own secretary records their meetings in the demo (the others: the commune's staff).
OWN_SECRETARIES = {SONG_KHE: SECRETARY_USERNAME, TDP_7: TDP_7_SECRETARY}
CADRE_TITLE = "Phó Bí thư Đảng ủy, Chủ tịch UBND xã Tam Hưng"
PAST_MONTHS = 6
# Share of the expected who come on an ordinary month (flags start under 85%).
ORDINARY_TURNOUT = 0.88

TOPICS = (
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về tinh thần đoàn kết",
    "Xây dựng nông thôn mới nâng cao, nông thôn mới kiểu mẫu ở thôn",
    "Xây dựng đời sống văn hóa ở khu dân cư",
    "Xây dựng Chi bộ bốn tốt, đảng viên bốn tốt",
)
EXCUSED_REASONS = (
    "Ốm",
    "Đi công tác",
    "Việc gia đình",
    "Đi viện chăm người nhà",
    "Đi làm ăn xa",
    "Tuổi cao, đi lại khó",
)
FAR_AWAY = "Đi làm ăn xa (tại TP Hồ Chí Minh)"
CADRE_REMARKS = (
    "Đề nghị chi bộ tiếp tục vận động nhân dân giữ gìn vệ sinh môi trường, thu gom rác đúng giờ.",
    "Chi bộ cần quan tâm phát triển đảng viên trong đoàn viên thanh niên của thôn.",
    "Đồng chí biểu dương chi bộ đã lãnh đạo hoàn thành tốt việc thu các khoản đóng góp xây dựng nhà văn hóa.",
    "Đề nghị chi ủy rà soát, nắm chắc tình hình đảng viên đi làm ăn xa để bảo đảm sinh hoạt.",
)
CADRE_PROMISES = (
    "Báo cáo UBND xã xem xét sửa chữa đoạn đường trục thôn bị xuống cấp.",
    "Đề nghị Trạm Y tế xã kiểm tra nguồn nước giếng khoan xóm 3.",
    "",
    "Trao đổi với Hợp tác xã về kế hoạch chuyển đổi cơ cấu cây trồng vụ đông.",
)


@dataclass(frozen=True)
class Plan:
    """How one branch's past meetings went; numbers are months before the current month."""

    skipped: frozenset[int] = frozenset()  # no regular meeting that month
    # Thematic meetings: "combined" with the regular one, or a "separate" session; quarters are
    # counted back from the current one (1 = the last complete quarter).
    thematic: str = "separate"
    no_thematic_quarters: frozenset[int] = frozenset()
    short: dict[int, int] = field(default_factory=dict)  # month -> minutes it lasted
    materials_late: frozenset[int] = frozenset()
    minutes_late: dict[int, int] = field(default_factory=dict)  # month -> days until adopted
    minutes_pending: frozenset[int] = frozenset()  # held, minutes still not adopted
    unexcused: dict[int, int] = field(default_factory=dict)  # month -> members absent without reason
    absence_rate: float = 0.06  # absent with reason, on an ordinary month
    low_turnout: frozenset[int] = frozenset()  # months with many absent (harvest, storms)
    away_member: bool = False  # one member absent with reason every month (working far away)
    vote_failed: frozenset[int] = frozenset()  # months whose resolution did not pass


PLANS = {
    SONG_KHE: Plan(thematic="combined", minutes_late={2: 4}, unexcused={5: 2}, vote_failed=frozenset({4})),
    PHU_THINH: Plan(
        skipped=frozenset({4}),
        no_thematic_quarters=frozenset({1}),
        short={3: 75},
        away_member=True,
        thematic="combined",
    ),
    THUONG_THANH: Plan(materials_late=frozenset({1}), low_turnout=frozenset({4}), absence_rate=0.05),
    HUNG_GIAO: Plan(
        skipped=frozenset({2}), no_thematic_quarters=frozenset({1}), minutes_pending=frozenset({1}), unexcused={3: 1}
    ),
    # The residence branch of phường Đức Thắng: its own members only (its working members are linked, issue 24).
    # The current month's minutes are still open: its secretary can invite the linked members and mark them.
    TDP_7: Plan(absence_rate=0.07, minutes_pending=frozenset({0})),
}


def _quarters_back(month: datetime.date, current: datetime.date) -> int:
    """0 for the current quarter, 1 for the last complete one, and so on."""
    start, back = quarter_start(current), 0
    while add_months(start, -3 * back) > month:
        back += 1
    return back


# --- The commune's settings ------------------------------------------------------------------


def _commune_setup(commune: Organization, staff, cadre: Member | None, song_khe: Organization, today) -> None:
    if not MeetingRules.objects.filter(organization=commune).exists():
        meeting_rules_save(organization=commune, values={}, rubric=DEFAULT_RUBRIC, by=staff)
    if not AgendaTemplate.objects.filter(organization=commune).exists():
        agenda_template_save(organization=commune, items=DEFAULT_AGENDA, by=staff)
    if cadre is not None and not CadreAssignment.objects.filter(cadre=cadre, branch=song_khe).exists():
        assignment_create(
            cadre=cadre,
            title=CADRE_TITLE,
            branch=song_khe,
            started_on=add_months(first_of_month(today), -PAST_MONTHS - 1),
            by=staff,
        )
    next_month = add_months(first_of_month(today), 1)
    if not Guidance.objects.filter(organization=commune, month=next_month).exists():
        _publish_guidance(commune, next_month, staff)


def _publish_guidance(commune: Organization, month: datetime.date, staff) -> None:
    title = f"Định hướng nội dung sinh hoạt chi bộ tháng {month:%m/%Y}"
    body = (
        f"Đảng ủy xã Tam Hưng định hướng nội dung sinh hoạt chi bộ tháng {month:%m/%Y} như sau:\n"
        "1. Quán triệt, triển khai các văn bản của cấp trên ban hành trong tháng; thông tin tình hình "
        "kinh tế - xã hội của xã.\n"
        "2. Lãnh đạo thực hiện công tác vệ sinh môi trường, phòng chống dịch bệnh, bảo đảm an ninh trật tự "
        "ở khu dân cư.\n"
        "3. Đánh giá việc thực hiện nghị quyết tháng trước; rà soát đảng viên đi làm ăn xa, đảng viên "
        "cao tuổi để có hình thức sinh hoạt phù hợp.\n"
        "4. Chuẩn bị nội dung kiểm điểm, đánh giá, xếp loại chất lượng đảng viên cuối năm (nếu có)."
    )
    # Meetings of that month already planned get it on their agenda (here, not waiting for the task
    # queued on commit, which then adds nothing); later ones take it when created.
    guidance = guidance_publish(organization=commune, month=month, title=title, body=body, by=staff)
    guidance_insert(guidance=guidance)


# --- Past meetings -----------------------------------------------------------------------------


@dataclass
class _Branch:
    org: Organization
    plan: Plan
    members: list[Member]
    chair: Member | None
    minute_taker: Member | None
    marker: object  # the user who prepares the meeting and takes the roll
    logged_by_commune: bool


@dataclass
class _Mark:
    member: Member
    mark: str
    reason: str = ""


def _months_to_hold(branch: _Branch, today: datetime.date) -> list[tuple[int, datetime.date, datetime.date]]:
    """(months ago, month, day) of the regular meetings held in the past months, oldest first."""
    current = first_of_month(today)
    result = []
    for ago in range(PAST_MONTHS, -1, -1):
        month = add_months(current, -ago)
        day = regular_meeting_day(branch.org, month) or month.replace(day=5)
        if ago in branch.plan.skipped or day >= today:
            continue
        result.append((ago, month, day))
    return result


def _thematic_months(branch: _Branch, held: list[tuple[int, datetime.date, datetime.date]], today) -> set[int]:
    """Months ago whose meeting also covers (or is followed by) the quarter's thematic meeting:
    the middle held month of every past quarter the branch did not skip."""
    by_quarter: dict[int, list[int]] = {}
    for ago, month, _day in held:
        back = _quarters_back(month, today)
        if back >= 1:  # the current quarter is not over; it has none yet
            by_quarter.setdefault(back, []).append(ago)
    return {
        agos[len(agos) // 2]
        for back, agos in by_quarter.items()
        if back not in branch.plan.no_thematic_quarters and agos
    }


@dataclass(frozen=True)
class _Times:
    """When a past meeting was planned, actually ran, had its materials posted and its minutes adopted."""

    planned_start: datetime.datetime
    planned_end: datetime.datetime
    actual_start: datetime.datetime
    actual_end: datetime.datetime
    materials: datetime.datetime
    adopted: datetime.datetime | None


def _times(plan: Plan, kind: str, ago: int, day: datetime.date, rng) -> _Times:
    thematic_only = kind == MeetingKind.THEMATIC
    planned_start = local_datetime(day, datetime.time(19, 0 if kind == MeetingKind.COMBINED else 30))
    planned_end = local_datetime(day, datetime.time(21, 0 if thematic_only else 30))
    actual_start = planned_start + datetime.timedelta(minutes=rng.randint(0, 10))
    if not thematic_only and ago in plan.short:
        length = plan.short[ago]
    elif kind == MeetingKind.COMBINED:
        length = rng.randint(125, 150)
    else:
        length = rng.randint(95, 125)
    actual_end = actual_start + datetime.timedelta(minutes=length)
    materials = planned_start - datetime.timedelta(days=rng.choice((2, 3, 4)), hours=rng.randint(0, 5))
    if not thematic_only and ago in plan.materials_late:
        materials = planned_start - datetime.timedelta(hours=4)
    adopted: datetime.datetime | None = actual_end  # read back and adopted before closing
    if not thematic_only and ago in plan.minutes_late:
        adopted = actual_end + datetime.timedelta(days=plan.minutes_late[ago], hours=15)
    if not thematic_only and ago in plan.minutes_pending:
        adopted = None
    return _Times(planned_start, planned_end, actual_start, actual_end, materials, adopted)


def _prepare(branch: _Branch, kind: str, month: datetime.date, times: _Times, topic: str) -> Meeting:
    """The meeting as its secretary prepares it, or as the commune staff log one a branch reported."""
    by = branch.marker
    meeting = meeting_create(
        branch=branch.org,
        kind=kind,
        planned_start=times.planned_start,
        planned_end=times.planned_end,
        topic=topic,
        month=month,
        by=by,
        held=branch.logged_by_commune,
    )
    if not branch.logged_by_commune:  # a reported meeting is logged after the fact: no notice
        meeting_send_notice(meeting=meeting, by=by, now=times.planned_start - datetime.timedelta(days=5))
    meeting_update(
        meeting=meeting,
        kind=kind,
        place=meeting.place,
        topic=topic,
        # The secretary of the day chairs (meeting_create's choice); the present one for older months.
        chair=meeting.chair or branch.chair,
        minute_taker=branch.minute_taker,
        by=by,
    )
    if kind == MeetingKind.THEMATIC:
        _thematic_agenda(meeting, topic, by)
    elif kind == MeetingKind.COMBINED:
        _add_thematic_item(meeting, topic, by)
    return meeting


# Of the template, a thematic session keeps the opening and the roll call, then has these.
THEMATIC_KEEPS = (AgendaItemKind.OPENING, AgendaItemKind.ROLL_CALL)


def _thematic_agenda(meeting: Meeting, topic: str, by) -> None:
    for item in list(meeting.agenda_items.exclude(kind__in=THEMATIC_KEEPS)):
        agenda_item_remove(item=item, by=by)
    agenda_item_add(
        meeting=meeting, title=f"Chuyên đề: {topic}", kind=AgendaItemKind.THEMATIC, planned_minutes=45, by=by
    )
    agenda_item_add(
        meeting=meeting,
        title="Đảng viên thảo luận, liên hệ bản thân",
        kind=AgendaItemKind.DISCUSSION,
        planned_minutes=30,
        by=by,
    )
    agenda_item_add(
        meeting=meeting, title="Thông qua biên bản cuộc họp", kind=AgendaItemKind.MINUTES, planned_minutes=5, by=by
    )


def _add_thematic_item(meeting: Meeting, topic: str, by) -> None:
    """A combined meeting takes up the quarter's topic just before the members' discussion."""
    item = agenda_item_add(
        meeting=meeting, title=f"Chuyên đề: {topic}", kind=AgendaItemKind.THEMATIC, planned_minutes=40, by=by
    )
    kinds = list(meeting.agenda_items.order_by("position", "pk").values_list("kind", flat=True))
    at = kinds.index(AgendaItemKind.DISCUSSION) if AgendaItemKind.DISCUSSION in kinds else len(kinds) - 1
    for _step in range(len(kinds) - 1 - at):
        agenda_item_move(item=item, direction="up", by=by)


def _take_roll(branch: _Branch, meeting: Meeting, ago: int, rng, away: Member | None) -> None:
    """Mark those who were absent, late or left early; then everyone else present in one tap."""
    plan = branch.plan
    expected = expected_members(meeting)
    away_pk = away.pk if away is not None else None
    rate = 0.25 if ago in plan.low_turnout else plan.absence_rate
    unexcused = set()
    if meeting.kind != MeetingKind.THEMATIC and ago in plan.unexcused:
        candidates = [m for m in expected if m.pk != away_pk and m != branch.chair]
        unexcused = {m.pk for m in rng.sample(candidates, plan.unexcused[ago])}
    marks = []
    for member in expected:
        draw = rng.random()
        if member.pk == away_pk:
            marks.append(_Mark(member, Mark.EXCUSED, FAR_AWAY))
        elif member.pk in unexcused:
            marks.append(_Mark(member, Mark.UNEXCUSED))
        elif member == branch.chair:
            marks.append(_Mark(member, Mark.PRESENT))
        elif draw < rate:
            marks.append(_Mark(member, Mark.EXCUSED, rng.choice(EXCUSED_REASONS)))
        elif draw < rate + 0.03:
            marks.append(_Mark(member, Mark.LATE))
        elif draw < rate + 0.04:
            marks.append(_Mark(member, Mark.LEFT_EARLY))
        else:
            marks.append(_Mark(member, Mark.PRESENT))
    if ago not in plan.low_turnout:
        _keep_turnout(marks, ORDINARY_TURNOUT)
    for row in marks:
        if row.mark != Mark.PRESENT:
            record_mark(meeting=meeting, member=row.member, mark=row.mark, reason=row.reason, by=branch.marker)
    mark_remaining_present(meeting=meeting, by=branch.marker)


def _signers_present(meeting: Meeting, by) -> None:
    """Who signs the minutes was there: when the usual minute-taker is absent, a present committee
    member (else the first present full member) takes the minutes that day."""
    present = {
        a.member_id: a.member
        for a in meeting.attendances.filter(mark__in=PRESENT_MARKS, category=Category.FULL).select_related("member")
    }
    if meeting.minute_taker_id in present or not present:
        return
    committee = set(
        Position.objects.filter(branch_id=meeting.branch_id, member_id__in=present)
        .held_on(meeting.day)
        .values_list("member_id", flat=True)
    )
    others = sorted(
        (m for pk, m in present.items() if pk != meeting.chair_id), key=lambda m: (m.pk not in committee, m.name_key)
    )
    if others:
        meeting_update(
            meeting=meeting,
            kind=meeting.kind,
            place=meeting.place,
            topic=meeting.topic,
            chair=meeting.chair,
            minute_taker=others[0],
            by=by,
        )


def _keep_turnout(marks: list[_Mark], turnout: float) -> None:
    """On an ordinary month, chance absences must not pull a small branch under the 85% flag:
    the last ones drawn came after all."""
    allowed = len(marks) - math.ceil(len(marks) * turnout)
    chance = [row for row in marks if row.mark == Mark.EXCUSED and row.reason != FAR_AWAY]
    planned = sum(1 for row in marks if row.mark in (Mark.UNEXCUSED, Mark.EXCUSED)) - len(chance)
    for row in chance[max(allowed - planned, 0) :]:
        row.mark, row.reason = Mark.PRESENT, ""


def _record_cadre(meeting: Meeting, cadre: Member, ago: int, rng, by) -> None:
    """The assigned cadre is expected (meeting_create added the row); record whether they came."""
    guest = meeting.guests.filter(cadre=cadre).first()
    if guest is None:
        return
    came = ago != 3  # once, the cadre had a meeting at the province
    cadre_record(
        guest=guest,
        attended=came,
        remarks=rng.choice(CADRE_REMARKS) if came else "",
        promises=rng.choice(CADRE_PROMISES) if came else "",
        by=by,
    )


# The month's tasks (section II): description, who leads, days to the deadline.
TASKS = (
    ("Vận động nhân dân ra quân tổng vệ sinh đường làng, ngõ xóm", "Chi hội Phụ nữ thôn", 20),
    ("Đôn đốc thu các khoản đóng góp xây dựng nhà văn hóa thôn", "Đồng chí Trưởng thôn", 25),
    ("Rà soát, lập danh sách đảng viên đi làm ăn xa, đảng viên cao tuổi", "Chi ủy", 15),
    ("Tuyên truyền phòng chống cháy nổ, an toàn giao thông dịp cuối năm", "Chi đoàn Thanh niên", 30),
    ("Lập kế hoạch chăm sóc lúa, phòng trừ sâu bệnh vụ mùa", "Chi hội Nông dân", 30),
    ("Giới thiệu quần chúng ưu tú cho Đảng xem xét kết nạp", "Đồng chí Bí thư chi bộ", 45),
)
REVIEW_OUTCOMES = (
    (TaskOutcome.DONE, "Đã hoàn thành"),
    (TaskOutcome.DONE, "Hoàn thành đúng hạn"),
    (TaskOutcome.IN_PROGRESS, "Đạt khoảng 60%, tiếp tục thực hiện"),
    (TaskOutcome.NOT_DONE, "Chưa triển khai do thời tiết"),
)


def _scores(ago: int, plan: Plan, rng) -> dict[str, int]:
    """The month's self-assessment on the HD 42 rubric: usually Khá or Tốt, lower when the vote
    failed or attendance was poor."""
    scores = {"time": 5, "attendance": 5, "preparation": 9, "conduct": 26, "chairing": 9, "principles": 5}
    scores |= {"results": rng.choice((23, 25, 27, 28)), "closing": 5}
    if ago in plan.vote_failed or ago in plan.low_turnout:
        scores |= {"attendance": 3, "conduct": 20, "results": 18}
    if ago in plan.short:
        scores["time"] = 2
    return scores


def _records(branch: _Branch, meeting: Meeting, ago: int, rng) -> None:
    """The minutes, the score and the resolution of a held regular meeting, as its secretary (or the
    commune staff logging it) writes them through the services."""
    by = branch.marker
    minutes = minutes_for(meeting)
    voting, base = voters(meeting), voting_base(meeting)
    votes_for, votes_against = voting, 0
    if ago in branch.plan.vote_failed:
        # Exactly half of the base in favour: not more than half, so the resolution did not pass.
        votes_for = min(base // 2, voting)
        votes_against = (voting - votes_for) // 2
    closing = (
        "Chi bộ giao chi ủy hoàn chỉnh nghị quyết, phổ biến đến toàn thể đảng viên."
        if ago not in branch.plan.vote_failed
        else "Nghị quyết không được thông qua; chi ủy tiếp thu ý kiến, hoàn chỉnh dự thảo trình kỳ họp sau."
    )
    minutes = minutes_save(
        minutes=minutes,
        opening="Đồng chí chủ trì nêu mục đích, yêu cầu cuộc họp, giới thiệu đại biểu và cử thư ký.",
        closing=closing,
        votes_for=votes_for if voting else None,
        votes_against=votes_against if voting else None,
        votes_abstain=voting - votes_for - votes_against if voting else None,
        expected_version=minutes.version,
        by=by,
    )
    rules = MeetingRules.objects.for_branch(branch.org)
    score_save(
        minutes=minutes, scores=_scores(ago, branch.plan, rng), rules=rules, expected_version=minutes.version, by=by
    )

    resolution = resolution_for(meeting)
    # Section I: last regular meeting's tasks, reviewed; the unfinished ones carried forward.
    review = tasks_to_review(meeting)
    outcomes = {task.pk: rng.choice(REVIEW_OUTCOMES) for task in review}
    tasks_review(meeting=meeting, outcomes=outcomes, by=by)
    for task in tasks_to_review(meeting):
        if task.outcome in (TaskOutcome.IN_PROGRESS, TaskOutcome.NOT_DONE):
            # A new deadline, set at the meeting (the demo's day, not today's): a month on, or
            # the old one when it is later still.
            deadline = meeting.day + datetime.timedelta(days=30)
            if task.deadline is not None and task.deadline > deadline:
                deadline = task.deadline
            task_carry(task=task, into=resolution, deadline=deadline, by=by, today=meeting.day)
    carried = {task.description for task in resolution.tasks.all()}
    # Section II: two or three new tasks of the month (one carried forward is not added twice).
    for description, lead, days in rng.sample(TASKS, rng.choice((2, 3))):
        if description in carried:
            continue
        task_save(
            resolution=resolution,
            description=description,
            lead=lead,
            deadline=meeting.day + datetime.timedelta(days=days),
            by=by,
        )
    done = sum(1 for _pk, (outcome, _note) in outcomes.items() if outcome == TaskOutcome.DONE)
    resolution_save(
        resolution=resolution,
        number=resolution.number,
        title=resolution.title,
        results=(
            f"Chi bộ đã lãnh đạo thực hiện {len(outcomes)} nhiệm vụ của nghị quyết tháng trước, "
            f"hoàn thành {done} nhiệm vụ; các nhiệm vụ chưa hoàn thành được chuyển sang tháng này."
            if outcomes
            else "Tháng trước chi bộ chưa có nghị quyết để kiểm điểm."
        ),
        implementation=(
            "Chi ủy phân công đồng chí chi ủy viên phụ trách từng nhiệm vụ, báo cáo kết quả tại kỳ sinh hoạt sau."
        ),
        assessment="Chi bộ tự đánh giá chất lượng sinh hoạt theo Hướng dẫn 42-HD/BTCTW.",
        recipients=resolution.recipients,
        expected_version=resolution.version,
        by=by,
    )


def _close(meeting: Meeting, times: _Times, by) -> None:
    """Record the real times and, unless still pending, the adoption of the minutes."""
    meeting_mark_held(meeting=meeting, actual_start=times.actual_start, actual_end=times.actual_end, by=by)
    # No service posts materials without a file; the demo's were posted at this past moment.
    Meeting.objects.filter(pk=meeting.pk).update(materials_posted_at=times.materials)


def _adopt(meeting: Meeting, times: _Times, by) -> None:
    if times.adopted is not None:
        # These minutes were adopted in the past, at that moment.
        minutes_adopt(meeting=meeting, by=by, now=times.adopted)


def _hold(branch: _Branch, kind: str, ago: int, month, times: _Times, topic: str, rng, away, cadre) -> None:
    meeting = _prepare(branch, kind, month, times, topic)
    _take_roll(branch, meeting, ago, rng, away)
    _signers_present(meeting, branch.marker)
    if cadre is not None and kind != MeetingKind.THEMATIC:
        _record_cadre(meeting, cadre, ago, rng, branch.marker)
    _close(meeting, times, branch.marker)
    if kind != MeetingKind.THEMATIC:
        # Its own random stream, so the meetings drawn before stay as they were.
        _records(branch, meeting, ago, random.Random(f"{SEED}:records:{branch.org.code}:{month:%Y-%m}"))
    _adopt(meeting, times, branch.marker)


def _branch_setup(org: Organization, plan: Plan, users: dict, today: datetime.date) -> _Branch:
    members = list(org.members.order_by("name_key", "pk"))
    positions = {p.kind: p.member for p in current_positions(org, on=today)}
    chair = positions.get(PositionKind.SECRETARY)
    minute_taker = positions.get(PositionKind.COMMITTEE) or positions.get(PositionKind.DEPUTY)
    if minute_taker is None:
        minute_taker = next((m for m in members if m != chair and m.left_on is None and not m.exempt_since), None)
    own = users.get(OWN_SECRETARIES.get(org.code, ""))
    return _Branch(
        org=org,
        plan=plan,
        members=members,
        chair=chair,
        minute_taker=minute_taker,
        marker=own or users[STAFF_USERNAME],
        logged_by_commune=own is None,
    )


def _away_member(branch: _Branch, cadre: Member | None) -> Member | None:
    """A plain full member of working age, absent with reason every month: the streak flag."""
    if not branch.plan.away_member:
        return None
    officers = {m.pk for m in (branch.chair, branch.minute_taker, cadre) if m is not None}
    for member in branch.members:
        if (
            member.pk not in officers
            and member.user_id is None
            and member.status == MemberStatus.FULL
            and member.left_on is None
            and member.exempt_since is None
            and not member.temporarily_attached
        ):
            return member
    return None


def _past_meetings(branch: _Branch, today: datetime.date, cadre: Member | None) -> None:
    held = _months_to_hold(branch, today)
    thematic = _thematic_months(branch, held, today)
    existing = set(
        Meeting.objects.filter(branch=branch.org, month__in=[month for _a, month, _d in held]).values_list(
            "month", "kind"
        )
    )
    taken_months = {month for month, kind in existing if kind in (MeetingKind.REGULAR, MeetingKind.COMBINED)}
    away = _away_member(branch, cadre)
    guest_cadre = cadre if branch.org.code == SONG_KHE else None
    for ago, month, day in held:
        rng = random.Random(f"{SEED}:meetings:{branch.org.code}:{month:%Y-%m}")
        topic = TOPICS[(month.month - 1) // 3 % len(TOPICS)]
        combined = ago in thematic and branch.plan.thematic == "combined"
        planned = []  # (kind, topic, day)
        if month not in taken_months:
            planned.append((MeetingKind.COMBINED if combined else MeetingKind.REGULAR, topic if combined else "", day))
        if ago in thematic and not combined and (month, MeetingKind.THEMATIC) not in existing:
            thematic_day = day + datetime.timedelta(days=14)
            if thematic_day < today:
                planned.append((MeetingKind.THEMATIC, topic, thematic_day))
        # All the month's times are drawn before any roll: the order the random stream was always read in.
        times = [_times(branch.plan, kind, ago, when, rng) for kind, _topic, when in planned]
        for (kind, meeting_topic, _when), meeting_times in zip(planned, times, strict=True):
            _hold(branch, kind, ago, month, meeting_times, meeting_topic, rng, away, guest_cadre)


# Months before the current one the temporary transfer started; it ends at the end of next month.
AWAY_SINCE_MONTHS = 3


def _transfer_temporarily(home: Organization, receiving: Organization, cadre, staff, today) -> None:
    """A plain full member of Song Khê goes to work in Phú Thịnh for a while: temporarily
    transferred there (chuyển sinh hoạt tạm thời), not left. Once."""
    if Member.objects.filter(branch=home, away_from__isnull=False).exists():
        return
    officers = {p.member_id for p in current_positions(home, on=today)}
    if cadre is not None:
        officers.add(cadre.pk)
    candidate = (
        Member.objects.filter(
            branch=home, status=MemberStatus.FULL, left_on__isnull=True, exempt_since__isnull=True, user__isnull=True
        )
        .exclude(pk__in=officers)
        .filter(temporarily_attached=False)
        .order_by("name_key", "pk")
        .first()
    )
    if candidate is None:
        return
    start = add_months(first_of_month(today), -AWAY_SINCE_MONTHS)
    member_transfer_temporarily(
        member=candidate,
        away_from=start,
        away_until=add_months(first_of_month(today), 2) - datetime.timedelta(days=1),
        away_branch=receiving,
        by=staff,
    )


# --- Entry point ---------------------------------------------------------------------------------


def seed_meetings_demo(*, today: datetime.date) -> None:
    """Add the meetings demo for xã Tam Hưng; does nothing for what is already there.

    Run it inside ``members.access.system_scope()``, after ``demo.members.seed_demo``.
    """
    orgs = {org.code: org for org in Organization.objects.filter(code__in=[COMMUNE, *PLANS])}
    commune = orgs.get(COMMUNE)
    if commune is None:
        return  # demo.members.seed_demo has not run
    User = get_user_model()
    users = {
        user.username: user
        for user in User.objects.filter(
            username__in=[STAFF_USERNAME, SECRETARY_USERNAME, CADRE_USERNAME, TDP_7_SECRETARY]
        )
    }
    if STAFF_USERNAME not in users:
        return
    cadre = Member.objects.filter(user__username=CADRE_USERNAME).first()
    with transaction.atomic():
        _commune_setup(commune, users[STAFF_USERNAME], cadre, orgs[SONG_KHE], today)
        if PHU_THINH in orgs:
            _transfer_temporarily(orgs[SONG_KHE], orgs[PHU_THINH], cadre, users[STAFF_USERNAME], today)
        for code, plan in PLANS.items():
            if code in orgs:
                branch = _branch_setup(orgs[code], plan, users, today)
                _past_meetings(branch, today, cadre)


def records_refreeze(*, since: datetime.datetime) -> int:
    """Freeze again the records the demo adopted since ``since``, once everything they report is
    entered. The demo enters a past year in order of subject, not of time: the petitions raised at
    a meeting are seeded after the meeting was adopted, so its first freeze could not hold them.
    Only the demo does this; in use, adoption comes after what the meeting recorded."""
    fresh = list(AdoptedRecord.objects.filter(created_at__gte=since).values_list("meeting_id", flat=True))
    AdoptedRecord.objects.filter(meeting_id__in=fresh).delete()
    for meeting in Meeting.objects.filter(pk__in=fresh).select_related("branch", "chair", "minute_taker"):
        records_freeze(meeting)
    return len(fresh)
