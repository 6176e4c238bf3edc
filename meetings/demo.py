"""Demo meetings for xã Tam Hưng, on top of the organisations and members of members/demo.py.

What it adds (codes and usernames are those of members.demo):

- the commune's meeting rules (DOMAIN.md defaults, default rubric) and agenda template;
- the commune cadre (login canbo.phutrach) assigned to follow Chi bộ thôn Song Khê;
- the commune's content guidance for next month;
- six months of past meetings for every Tam Hưng branch, with the roll, so the flags page
  shows a realistic mix: a month missed, a meeting too short, minutes adopted late or not at
  all, materials posted late, a low turnout, absences without reason, a member absent month
  after month, and a thematic meeting last quarter at some branches only.

Song Khê's next meeting is left for the demo secretary to prepare from the template; no
meeting is created on or after ``today``.

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
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from members.demo import CHANGE_REASON, SEED
from members.models import Member, MemberStatus, Organization, Position, PositionKind

from .models import (
    AgendaItem,
    AgendaItemKind,
    AgendaTemplate,
    Attendance,
    CadreAssignment,
    Category,
    Guest,
    Guidance,
    Mark,
    Meeting,
    MeetingKind,
    MeetingRules,
    MeetingStatus,
)

COMMUNE = "hn-tam-hung"
SONG_KHE = "hn-tam-hung-song-khe"
PHU_THINH = "hn-tam-hung-phu-thinh"
THUONG_THANH = "hn-tam-hung-thuong-thanh"
HUNG_GIAO = "hn-tam-hung-hung-giao"
STAFF_USERNAME = "canbo.tamhung"
SECRETARY_USERNAME = "bithu.songkhe"
CADRE_USERNAME = "canbo.phutrach"
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


PLANS = {
    SONG_KHE: Plan(thematic="combined", minutes_late={2: 4}, unexcused={5: 2}),
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
}


def _add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _quarters_back(month: datetime.date, current: datetime.date) -> int:
    return (current.year * 4 + (current.month - 1) // 3) - (month.year * 4 + (month.month - 1) // 3)


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _category(member: Member, day: datetime.date) -> str:
    if member.temporarily_attached:
        return Category.ATTACHED
    if member.status == MemberStatus.FULL and not (member.full_member_on and member.full_member_on > day):
        return Category.FULL
    return Category.PROBATIONARY


def _expected(member: Member, day: datetime.date) -> bool:
    return (
        (member.joined_branch_on is None or member.joined_branch_on <= day)
        and (member.left_on is None or member.left_on > day)
        and (member.exempt_since is None or member.exempt_since > day)
    )


def _default_rubric() -> list[dict]:
    try:
        from meetings.schedule import DEFAULT_RUBRIC
    except ImportError:
        DEFAULT_RUBRIC = [  # noqa: N806 - the same default, until meetings.schedule exists
            {"key": "preparation", "label": "Preparation", "max": 15},
            {"key": "attendance", "label": "Attendance", "max": 20},
            {"key": "conduct", "label": "Conduct", "max": 45},
            {"key": "closing", "label": "Closing", "max": 20},
        ]
    return [dict(item) for item in DEFAULT_RUBRIC]


def _default_agenda() -> list[dict]:
    from meetings.schedule import DEFAULT_AGENDA

    return [{"title": str(i["title"]), "kind": str(i["kind"]), "minutes": i.get("minutes")} for i in DEFAULT_AGENDA]


# --- The commune's settings ------------------------------------------------------------------


def _commune_setup(commune: Organization, staff, cadre: Member | None, song_khe: Organization, today) -> None:
    if not MeetingRules.objects.filter(organization=commune).exists():
        MeetingRules.objects.create(organization=commune, rubric=_default_rubric())
    if not AgendaTemplate.objects.filter(organization=commune).exists():
        AgendaTemplate.objects.create(organization=commune, items=_default_agenda())
    if cadre is not None and not CadreAssignment.objects.filter(cadre=cadre, branch=song_khe).exists():
        CadreAssignment.objects.create(
            cadre=cadre,
            title=CADRE_TITLE,
            branch=song_khe,
            started_on=_add_months(today.replace(day=1), -PAST_MONTHS - 1),
        )
    next_month = _add_months(today.replace(day=1), 1)
    if staff is not None and not Guidance.objects.filter(organization=commune, month=next_month).exists():
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
    try:
        from meetings.schedule import guidance_publish
    except ImportError:
        Guidance.objects.create(organization=commune, month=month, title=title, body=body, published_by=staff)
        return
    # Through the service, so meetings of that month already planned get it on their agenda.
    guidance_publish(organization=commune, month=month, title=title, body=body, by=staff)


# --- Past meetings -----------------------------------------------------------------------------


@dataclass
class _Branch:
    org: Organization
    plan: Plan
    members: list[Member]
    chair: Member | None
    minute_taker: Member | None
    marker: object  # the user recorded as having taken the roll
    logged_by_commune: bool


def _months_to_hold(branch: _Branch, today: datetime.date) -> list[tuple[int, datetime.date, datetime.date]]:
    """(months ago, month, day) of the regular meetings held in the past months, oldest first."""
    current = today.replace(day=1)
    result = []
    for ago in range(PAST_MONTHS, -1, -1):
        month = _add_months(current, -ago)
        day = branch.org.meeting_date(month.year, month.month) or month.replace(day=5)
        if ago in branch.plan.skipped or day >= today:
            continue
        result.append((ago, month, day))
    return result


def _thematic_months(branch: _Branch, held: list[tuple[int, datetime.date, datetime.date]], today) -> set[int]:
    """Months ago whose meeting also covers (or is followed by) the quarter's thematic meeting:
    the middle held month of every past quarter the branch did not skip."""
    current = today.replace(day=1)
    by_quarter: dict[int, list[int]] = {}
    for ago, month, _day in held:
        back = _quarters_back(month, current)
        if back >= 1:  # the current quarter is not over; it has none yet
            by_quarter.setdefault(back, []).append(ago)
    return {
        agos[len(agos) // 2]
        for back, agos in by_quarter.items()
        if back not in branch.plan.no_thematic_quarters and agos
    }


def _meeting(branch: _Branch, kind: str, ago: int, month: datetime.date, day: datetime.date, rng, topic: str):
    plan = branch.plan
    thematic_only = kind == MeetingKind.THEMATIC
    planned_start = _local(day, 19, 0 if kind == MeetingKind.COMBINED else 30)
    planned_end = _local(day, 21, 30) if not thematic_only else _local(day, 21, 0)
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
    meeting = Meeting(
        branch=branch.org,
        kind=kind,
        month=month,
        planned_start=planned_start,
        planned_end=planned_end,
        actual_start=actual_start,
        actual_end=actual_end,
        place=branch.org.meeting_place,
        topic=topic,
        chair=branch.chair,
        minute_taker=branch.minute_taker,
        status=MeetingStatus.ADOPTED if adopted else MeetingStatus.HELD,
        notice_sent_at=planned_start - datetime.timedelta(days=5),
        materials_posted_at=materials,
        minutes_adopted_at=adopted,
        logged_by_commune=branch.logged_by_commune,
    )
    meeting._change_reason = CHANGE_REASON
    meeting.save()
    return meeting


def _agenda(meeting: Meeting, template: list[dict]) -> list[AgendaItem]:
    if meeting.kind == MeetingKind.THEMATIC:
        items = [
            {"title": "Tuyên bố lý do, giới thiệu đại biểu", "kind": AgendaItemKind.OPENING},
            {"title": "Điểm danh, báo cáo số đảng viên có mặt, vắng mặt", "kind": AgendaItemKind.ROLL_CALL},
            {"title": f"Chuyên đề: {meeting.topic}", "kind": AgendaItemKind.THEMATIC, "minutes": 45},
            {"title": "Đảng viên thảo luận, liên hệ bản thân", "kind": AgendaItemKind.DISCUSSION, "minutes": 30},
            {"title": "Thông qua biên bản cuộc họp", "kind": AgendaItemKind.MINUTES, "minutes": 5},
        ]
    else:
        items = list(template)
        if meeting.kind == MeetingKind.COMBINED:
            at = next((i for i, item in enumerate(items) if item["kind"] == AgendaItemKind.DISCUSSION), len(items))
            items.insert(at, {"title": f"Chuyên đề: {meeting.topic}", "kind": AgendaItemKind.THEMATIC, "minutes": 40})
    return [
        AgendaItem(
            meeting=meeting,
            position=position,
            title=item["title"],
            kind=item["kind"],
            planned_minutes=item.get("minutes"),
        )
        for position, item in enumerate(items)
    ]


def _roll(branch: _Branch, meeting: Meeting, ago: int, rng, away: Member | None) -> list[Attendance]:
    plan = branch.plan
    day = timezone.localdate(meeting.actual_start)
    expected = [m for m in branch.members if _expected(m, day)]
    rate = 0.25 if ago in plan.low_turnout else plan.absence_rate
    unexcused = set()
    if meeting.kind != MeetingKind.THEMATIC and ago in plan.unexcused:
        candidates = [m for m in expected if m is not away and m != branch.chair]
        unexcused = {m.pk for m in rng.sample(candidates, plan.unexcused[ago])}
    rows = []
    for member in expected:
        draw = rng.random()
        reason = ""
        if member is away:
            mark, reason = Mark.EXCUSED, FAR_AWAY
        elif member.pk in unexcused:
            mark = Mark.UNEXCUSED
        elif member == branch.chair:
            mark = Mark.PRESENT
        elif draw < rate:
            mark, reason = Mark.EXCUSED, rng.choice(EXCUSED_REASONS)
        elif draw < rate + 0.03:
            mark = Mark.LATE
        elif draw < rate + 0.04:
            mark = Mark.LEFT_EARLY
        else:
            mark = Mark.PRESENT
        rows.append(
            Attendance(
                meeting=meeting,
                member=member,
                mark=mark,
                reason=reason,
                category=_category(member, day),
                marked_by=branch.marker,
            )
        )
    if ago not in plan.low_turnout:
        _keep_turnout(rows, ORDINARY_TURNOUT)
    return rows


def _keep_turnout(rows: list[Attendance], turnout: float) -> None:
    """On an ordinary month, chance absences must not pull a small branch under the 85% flag:
    the last ones drawn came after all."""
    allowed = len(rows) - math.ceil(len(rows) * turnout)
    chance = [row for row in rows if row.mark == Mark.EXCUSED and row.reason != FAR_AWAY]
    planned = sum(1 for row in rows if row.mark in (Mark.UNEXCUSED, Mark.EXCUSED)) - len(chance)
    for row in chance[max(allowed - planned, 0) :]:
        row.mark, row.reason = Mark.PRESENT, ""


def _cadre_guest(meeting: Meeting, cadre: Member, ago: int, rng) -> Guest:
    came = ago != 3  # once, the cadre had a meeting at the province
    return Guest(
        meeting=meeting,
        cadre=cadre,
        name=cadre.full_name,
        title=CADRE_TITLE,
        expected=True,
        attended=came,
        remarks=rng.choice(CADRE_REMARKS) if came else "",
        promises=rng.choice(CADRE_PROMISES) if came else "",
    )


def _branch_setup(org: Organization, plan: Plan, users: dict, today: datetime.date) -> _Branch:
    members = list(org.members.order_by("name_key", "pk"))
    positions = {
        p.kind: p.member
        for p in Position.objects.held_on(today).filter(branch=org).select_related("member").order_by("started_on")
    }
    chair = positions.get(PositionKind.SECRETARY)
    minute_taker = positions.get(PositionKind.COMMITTEE) or positions.get(PositionKind.DEPUTY)
    if minute_taker is None:
        minute_taker = next((m for m in members if m != chair and m.left_on is None and not m.exempt_since), None)
    own_secretary = org.code == SONG_KHE and users.get(SECRETARY_USERNAME) is not None
    return _Branch(
        org=org,
        plan=plan,
        members=members,
        chair=chair,
        minute_taker=minute_taker,
        marker=users[SECRETARY_USERNAME] if own_secretary else users[STAFF_USERNAME],
        logged_by_commune=not own_secretary,
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


def _past_meetings(branch: _Branch, today: datetime.date, template: list[dict], cadre: Member | None) -> None:
    held = _months_to_hold(branch, today)
    thematic = _thematic_months(branch, held, today)
    existing = set(
        Meeting.objects.filter(branch=branch.org, month__in=[month for _a, month, _d in held]).values_list(
            "month", "kind"
        )
    )
    taken_months = {month for month, kind in existing if kind in (MeetingKind.REGULAR, MeetingKind.COMBINED)}
    away = _away_member(branch, cadre)
    agenda, marks, guests = [], [], []
    for ago, month, day in held:
        rng = random.Random(f"{SEED}:meetings:{branch.org.code}:{month:%Y-%m}")
        topic = TOPICS[(month.month - 1) // 3 % len(TOPICS)]
        combined = ago in thematic and branch.plan.thematic == "combined"
        meetings = []
        if month not in taken_months:
            kind = MeetingKind.COMBINED if combined else MeetingKind.REGULAR
            meetings.append(_meeting(branch, kind, ago, month, day, rng, topic if combined else ""))
        if ago in thematic and not combined and (month, MeetingKind.THEMATIC) not in existing:
            thematic_day = day + datetime.timedelta(days=14)
            if thematic_day < today:
                meetings.append(_meeting(branch, MeetingKind.THEMATIC, ago, month, thematic_day, rng, topic))
        for meeting in meetings:
            agenda += _agenda(meeting, template)
            marks += _roll(branch, meeting, ago, rng, away)
            if cadre is not None and branch.org.code == SONG_KHE and meeting.kind != MeetingKind.THEMATIC:
                guests.append(_cadre_guest(meeting, cadre, ago, rng))
    AgendaItem.objects.bulk_create(agenda)
    if marks:
        bulk_create_with_history(
            marks, Attendance, batch_size=500, default_user=branch.marker, default_change_reason=CHANGE_REASON
        )
    if guests:
        bulk_create_with_history(guests, Guest, default_change_reason=CHANGE_REASON)


# --- Entry point ---------------------------------------------------------------------------------


def seed_meetings_demo(*, today: datetime.date) -> None:
    """Add the meetings demo for xã Tam Hưng; does nothing for what is already there."""
    orgs = {org.code: org for org in Organization.objects.filter(code__in=[COMMUNE, *PLANS])}
    commune = orgs.get(COMMUNE)
    if commune is None:
        return  # members.demo.seed_demo has not run
    User = get_user_model()
    users = {
        user.username: user
        for user in User.objects.filter(username__in=[STAFF_USERNAME, SECRETARY_USERNAME, CADRE_USERNAME])
    }
    if STAFF_USERNAME not in users:
        return
    cadre = Member.objects.filter(user__username=CADRE_USERNAME).first()
    with transaction.atomic():
        _commune_setup(commune, users[STAFF_USERNAME], cadre, orgs[SONG_KHE], today)
        template = AgendaTemplate.objects.get(organization=commune).items or _default_agenda()
        for code, plan in PLANS.items():
            if code in orgs:
                branch = _branch_setup(orgs[code], plan, users, today)
                _past_meetings(branch, today, template, cadre)
