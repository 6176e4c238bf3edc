"""Demo petitions for xã Tam Hưng, on top of demo.members and demo.meetings.

What it adds (codes and usernames are those of demo.members and demo.meetings):

- the commune's default petition categories and bodies, with the demo officer (login
  canbo.ubnd) on the queue of UBND xã Tam Hưng;
- petitions raised at the past meetings of the four Tam Hưng branches, in every state: new,
  forwarded, in progress, answered (waiting to be read out at the next meeting), reported back,
  answered at the meeting, escalated above the commune, refused and not within the commune's
  competence; some are overdue; each with its timeline (recorded, forwarded, started, deadline
  extended, answered, …).

Everything goes through the petitions services, as the people of the demo would do it: the
secretary of Song Khê records at his meetings and the commune staff record what the other
branches report (``petition_record`` with the meeting's day as the day raised); the leader or the
staff forward with a deadline counted in working days from the day forwarded; the officer starts
and answers (``answered_on`` is the day the answer came); the cadre answers on the spot; the
secretary or the staff mark answers reported back at a later meeting. The services take the dates
that matter (raised on, deadline, answered on, escalated on); each timeline entry is stamped with
the moment its service ran, so, as demo.meetings does for the moments no service takes, the entry
just written is set back to the day the step happened.

The Song Khê secretary's next meeting is left alone: the demo raises nothing there, and the title
"Sửa chữa tuyến đường nội thôn" is left for a visitor to record.

Idempotent: each story records its petition with a fixed ``submit_key`` and is skipped once that
petition exists; a story runs in one transaction, so it is all there or not at all.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from meetings.models import REGULAR_KINDS, Meeting, MeetingStatus
from meetings.months import local_datetime
from members.models import Member, Organization
from petitions.models import Body, Category, Petition, PetitionEvent, Priority, ToldHow, default_deadline
from petitions.services.catalogue import body_set_officers, catalogue_ensure, place_name
from petitions.services.workflow import (
    petition_answer,
    petition_answer_at_meeting,
    petition_comment,
    petition_decline,
    petition_escalate,
    petition_extend_deadline,
    petition_forward,
    petition_not_competent,
    petition_record,
    petition_report_back,
    petition_start,
    petition_tell_resident,
    promise_record,
)
from workdays.calendar import add_working_days

from .meetings import (
    CADRE_USERNAME,
    COMMUNE,
    HUNG_GIAO,
    PHU_THINH,
    SECRETARY_USERNAME,
    SONG_KHE,
    STAFF_USERNAME,
    THUONG_THANH,
)
from .members import SEED

LEADER_USERNAME = "lanhdao.tamhung"
OFFICER_USERNAME = "canbo.ubnd"
# The title the "Done when" walk-through records at Song Khê's meeting: never made by the demo.
LEFT_FOR_THE_VISITOR = "Sửa chữa tuyến đường nội thôn"
KEYS = uuid.UUID("5d0c1b1e-7a53-4f6c-9a51-2f4b7c1d2026")  # namespace of the stories' submit keys

# Bodies by the default name before the commune's place ("UBND" → "UBND xã Tam Hưng").
UBND = "UBND"
WOMEN = "Hội Liên hiệp Phụ nữ"
ECONOMY = "Phòng Kinh tế"


@dataclass(frozen=True)
class Step:
    """One thing done to the petition, ``days`` working days after the step before.

    ``action``: forward, start, extend, answer, answer_at_meeting, escalate, decline,
    not_competent, comment, report_back. ``by``: "leader", "staff", "officer", "cadre" or
    "recorder" (who recorded it).
    """

    action: str
    days: int = 1
    by: str = ""
    text: str = ""
    # not_competent: the reason or what the resident is told to do (``text`` is who decides).
    reason: str = ""
    body: str = UBND
    with_officer: bool = True
    # forward: working days from the day forwarded (None: the category's default); extend: more days.
    deadline_days: int | None = None
    # forward: the deadline is this many working days from today instead (still running).
    due_from_today: int | None = None
    # answer: after the latest meeting held, so that it waits for the next one.
    after_last_meeting: bool = False
    # report_back: at the held meeting this many back (1 = the latest).
    meetings_back: int = 1
    # escalate: the answer from above is expected this many working days after it went up.
    expected_days: int = 30
    # tell_resident: how the resident was told (``text`` is who told them).
    how: str = ToldHow.IN_PERSON


@dataclass(frozen=True)
class Story:
    key: str
    branch: str
    raised_at: int  # the held regular meeting it was raised at, counted back (1 = the latest)
    title: str
    content: str
    category: str
    resident: tuple[str, str] | None = None  # (name, phone); None: raised by a member
    priority: str = Priority.NORMAL
    steps: tuple[Step, ...] = field(default_factory=tuple)
    # What the attending cadre promised to take back at the meeting, followed up like a petition
    # (already held by a body: its first step is not a forward).
    promise: bool = False


STORIES: tuple[Story, ...] = (
    # --- Chi bộ thôn Song Khê (its secretary records; the assigned cadre answers on the spot) ---
    Story(
        "song-khe-den-duong",
        SONG_KHE,
        4,
        "Lắp đèn chiếu sáng đường trục xóm 3",
        "Đoạn đường trục xóm 3 dài khoảng 400 m chưa có đèn, buổi tối học sinh đi học thêm về không an toàn.",
        "Giao thông – đường sá",
        steps=(
            Step("forward", by="leader", text="Đề nghị UBND xã khảo sát, bố trí kinh phí."),
            Step("start", days=2, by="officer"),
            Step(
                "answer",
                days=9,
                by="officer",
                text="UBND xã đã bố trí kinh phí lắp 12 bộ đèn năng lượng mặt trời, hoàn thành trong tháng.",
            ),
            Step("report_back", by="recorder", meetings_back=2),
        ),
    ),
    Story(
        "song-khe-kenh-tuoi",
        SONG_KHE,
        3,
        "Nạo vét kênh tưới tiêu cánh đồng Đồng Trũng",
        "Kênh bị bồi lắng, bèo tây phủ kín, vụ mùa vừa qua nhiều ruộng không lấy được nước.",
        "Nông nghiệp – cơ cấu cây trồng",
        priority=Priority.HIGH,
        steps=(
            Step("forward", by="staff"),
            Step("start", days=3, by="officer"),
            Step("comment", days=2, by="officer", text="Đã khảo sát hiện trường cùng trưởng thôn và Hợp tác xã."),
            Step(
                "extend",
                days=5,
                by="leader",
                deadline_days=10,
                text="Chờ Hợp tác xã lập dự toán và thống nhất phương án huy động nhân công.",
            ),
        ),
    ),
    Story(
        "song-khe-giong-vu-dong",
        SONG_KHE,
        2,
        "Hỗ trợ giống cây vụ đông cho hộ chuyển đổi từ đất lúa",
        "Một số hộ muốn chuyển 2 sào ruộng trũng sang trồng rau màu vụ đông, đề nghị được hỗ trợ giống.",
        "Nông nghiệp – cơ cấu cây trồng",
        steps=(
            Step(
                "answer_at_meeting",
                by="cadre",
                text="Hội Nông dân xã hỗ trợ 50% giá giống cho hộ đăng ký trước ngày 15; chi hội lập danh sách.",
            ),
        ),
    ),
    Story(
        "song-khe-rac-ven-de",
        SONG_KHE,
        1,
        "Thu gom rác thải tồn đọng ven đê",
        "Rác thải sinh hoạt đổ trộm ven đê đoạn giáp thôn Phú Thịnh, bốc mùi, đề nghị thu gom và xử lý.",
        "Môi trường – vệ sinh",
        resident=("Nguyễn Thị Lan", "0912 358 471"),
        steps=(
            Step("forward", by="leader"),
            Step(
                "answer",
                days=3,
                by="officer",
                after_last_meeting=True,
                text="Đã hợp đồng đơn vị vệ sinh môi trường thu gom xong; lắp biển cấm đổ rác và camera tại điểm nóng.",
            ),
        ),
    ),
    Story(
        "song-khe-hua-sua-duong",
        SONG_KHE,
        1,
        "Báo cáo UBND xã xem xét sửa chữa đoạn đường trục thôn qua cống Đồng Trũng",
        "Tiếp thu, báo cáo cấp trên: đoạn đường trục thôn khoảng 80 m qua cống Đồng Trũng bị sụt lún sau mưa lũ.",
        "Giao thông – đường sá",
        promise=True,
    ),
    Story(
        "song-khe-camera",
        SONG_KHE,
        1,
        "Lắp camera an ninh tại ngã ba Song Khê",
        "Ngã ba thường xảy ra va quệt và trộm cắp vặt vào ban đêm, đề nghị lắp camera giám sát.",
        "An ninh trật tự",
        resident=("Trần Văn Hùng", "0986 204 913"),
    ),
    # --- Chi bộ thôn Phú Thịnh (the commune staff record what the branch reports) ----------------
    Story(
        "phu-thinh-so-do",
        PHU_THINH,
        4,
        "Cấp giấy chứng nhận quyền sử dụng đất cho 5 hộ xóm Đình",
        "Năm hộ sử dụng đất ổn định từ trước năm 1993 nhưng chưa được cấp giấy chứng nhận.",
        "Đất đai",
        steps=(
            Step("forward", by="staff", deadline_days=15),
            Step("start", days=2, by="officer"),
            Step(
                "escalate",
                days=8,
                by="leader",
                text="Sở Nông nghiệp và Môi trường TP Hà Nội",
                expected_days=30,
            ),
        ),
    ),
    Story(
        "phu-thinh-nuoc-gieng",
        PHU_THINH,
        2,
        "Kiểm tra chất lượng nước giếng khoan xóm Giữa",
        "Nước giếng khoan có mùi tanh, cặn vàng; các hộ lo ngại nhiễm asen.",
        "Nước sạch",
        priority=Priority.URGENT,
        steps=(Step("forward", by="staff", text="Đề nghị phối hợp Trạm Y tế xã lấy mẫu xét nghiệm."),),
    ),
    Story(
        "phu-thinh-nha-can-ngheo",
        PHU_THINH,
        3,
        "Hỗ trợ sửa chữa nhà cho hộ cận nghèo",
        "Nhà hộ bà Đỗ Thị Mến dột nát, mùa mưa không ở được.",
        "An sinh xã hội",
        resident=("Đỗ Thị Mến", "0345 118 260"),
        steps=(
            Step("forward", by="leader", body=WOMEN, with_officer=False),
            Step(
                "answer",
                days=7,
                by="staff",
                text="Hội Liên hiệp Phụ nữ xã phối hợp Ủy ban MTTQ xã hỗ trợ 30 triệu đồng từ Quỹ Vì người nghèo.",
            ),
            Step("report_back", by="staff", meetings_back=1),
            Step("tell_resident", days=1, by="staff", how=ToldHow.IN_PERSON, text="Trưởng thôn Nguyễn Văn Khải"),
        ),
    ),
    # --- Chi bộ thôn Thượng Thanh ---------------------------------------------------------------
    Story(
        "thuong-thanh-san-choi",
        THUONG_THANH,
        3,
        "Xây dựng sân chơi cho trẻ em tại khu đất công xóm Ao",
        "Đề nghị dùng khu đất công 600 m² cạnh ao xóm làm sân chơi cho trẻ em.",
        "Khác",
        steps=(
            Step("forward", by="staff", body=ECONOMY, with_officer=False),
            Step(
                "decline",
                days=6,
                by="leader",
                text="Khu đất đã được quy hoạch làm điểm trường mầm non; không thể bố trí sân chơi tại vị trí này.",
            ),
        ),
    ),
    Story(
        "thuong-thanh-cong-thoat-nuoc",
        THUONG_THANH,
        2,
        "Sửa chữa cống thoát nước đường liên thôn",
        "Cống qua đường liên thôn bị vỡ, mưa to nước tràn vào nhà dân.",
        "Giao thông – đường sá",
        priority=Priority.HIGH,
        steps=(
            Step("forward", by="leader"),
            Step("start", days=1, by="officer"),
            Step(
                "answer",
                days=5,
                by="officer",
                after_last_meeting=True,
                text="UBND xã đã thay mới 2 đốt cống và nạo vét rãnh dọc; công trình bàn giao cho thôn quản lý.",
            ),
        ),
    ),
    Story(
        "thuong-thanh-tuan-tra",
        THUONG_THANH,
        1,
        "Tăng cường tuần tra ban đêm khu vực chợ",
        "Gần đây có vụ mất trộm xe máy ở khu vực chợ thôn vào ban đêm.",
        "An ninh trật tự",
        resident=("Phạm Văn Tuấn", "0379 552 018"),
        steps=(Step("forward", by="staff", due_from_today=8),),
    ),
    # --- Chi bộ thôn Hưng Giáo ------------------------------------------------------------------
    Story(
        "hung-giao-ngo-xom-2",
        HUNG_GIAO,
        3,
        "Bê tông hóa ngõ xóm 2",
        "Ngõ xóm 2 dài 150 m vẫn là đường đất, mùa mưa lầy lội; nhân dân sẵn sàng đóng góp ngày công.",
        "Giao thông – đường sá",
        steps=(
            Step("forward", by="leader"),
            Step("start", days=4, by="officer"),
        ),
    ),
    Story(
        "hung-giao-chan-nuoi",
        HUNG_GIAO,
        1,
        "Xử lý trại chăn nuôi lợn gây ô nhiễm",
        "Trại lợn trong khu dân cư xả nước thải ra mương chung, mùi hôi ảnh hưởng nhiều hộ.",
        "Môi trường – vệ sinh",
        resident=("Lê Thị Hạnh", "0903 771 246"),
    ),
    Story(
        "hung-giao-tranh-chap-dat",
        HUNG_GIAO,
        2,
        "Giải quyết tranh chấp ranh giới đất giữa hai hộ xóm Đông",
        "Hai hộ tranh chấp khoảng 15 m² đất giáp ranh, đã xây tường rào lấn sang nhau.",
        "Đất đai",
        resident=("Nguyễn Văn Thịnh", "0968 317 552"),
        steps=(
            Step("forward", by="staff"),
            Step(
                "not_competent",
                days=6,
                by="leader",
                text="Tòa án nhân dân khu vực nơi có đất",
                reason="UBND xã đã hòa giải nhưng không thành; hướng dẫn các hộ nộp đơn khởi kiện tại Tòa án.",
            ),
        ),
    ),
    Story(
        "hung-giao-chi-hoi-phu-nu",
        HUNG_GIAO,
        1,
        "Hỗ trợ kinh phí hoạt động câu lạc bộ dưỡng sinh",
        "Câu lạc bộ dưỡng sinh của chi hội phụ nữ thôn cần loa đài và sân tập.",
        "An sinh xã hội",
        steps=(Step("forward", by="staff", body=WOMEN, with_officer=False, due_from_today=12),),
    ),
)


# --- Running the stories -----------------------------------------------------------------------


@dataclass
class _Cast:
    """The people and places the stories use."""

    commune: Organization
    branches: dict[str, Organization]
    users: dict[str, object]
    categories: dict[str, Category]
    bodies: dict[str, Body]
    held: dict[str, list[Meeting]]  # each branch's held regular meetings, oldest first


def _held_meetings(branch: Organization) -> list[Meeting]:
    return list(
        Meeting.objects.filter(
            branch=branch, kind__in=REGULAR_KINDS, status__in=(MeetingStatus.HELD, MeetingStatus.ADOPTED)
        ).order_by("planned_start", "pk")
    )


def _stamp(petition: Petition, day: datetime.date, hour: int, minute: int = 0) -> None:
    """Set the timeline entry just written back to the day the step happened (never in the future)."""
    moment = min(local_datetime(day, datetime.time(hour, minute)), timezone.now())
    event = PetitionEvent.objects.filter(petition=petition).order_by("-pk").first()
    PetitionEvent.objects.filter(pk=event.pk).update(at=moment)


def _member(branch: Organization, story: Story) -> Member:
    """A plain member of the branch who raised it: the same one on every run."""
    members = list(branch.members.active().filter(user__isnull=True).order_by("name_key", "pk"))
    return random.Random(f"{SEED}:petitions:{story.key}").choice(members)


def _who(step: Step, cast: _Cast, recorder):
    return recorder if step.by == "recorder" else cast.users[step.by]


def _tell(story: Story, cast: _Cast, today: datetime.date) -> None:
    branch = cast.branches[story.branch]
    held = cast.held[story.branch]
    meeting = held[-story.raised_at]
    recorder = cast.users["secretary"] if story.branch == SONG_KHE else cast.users["staff"]
    day = meeting.day
    if story.promise:
        petition = promise_record(
            meeting=meeting,
            title=story.title,
            content=story.content,
            category=cast.categories[story.category],
            body=cast.bodies[UBND],
            officer=cast.users["officer"],
            deadline=add_working_days(day, 15),
            submit_key=uuid.uuid5(KEYS, story.key),
            by=recorder,
        )
    else:
        petition = petition_record(
            branch=branch,
            title=story.title,
            content=story.content,
            category=cast.categories[story.category],
            meeting=meeting,
            raised_on=day,
            raised_by_member=None if story.resident else _member(branch, story),
            resident_name=story.resident[0] if story.resident else "",
            resident_phone=story.resident[1] if story.resident else "",
            priority=story.priority,
            submit_key=uuid.uuid5(KEYS, story.key),
            by=recorder,
        )
    _stamp(petition, day, 20, 15)
    # Recorded at the meeting, as its timeline says (the minutes list what was on record when adopted).
    Petition.objects.filter(pk=petition.pk).update(
        created_at=min(local_datetime(day, datetime.time(20, 15)), timezone.now())
    )
    for step in story.steps:
        by = _who(step, cast, recorder)
        day = min(add_working_days(day, step.days), today)
        if step.action == "forward":
            if step.due_from_today is not None:
                deadline = add_working_days(today, step.due_from_today)
            elif step.deadline_days is not None:
                deadline = add_working_days(day, step.deadline_days)
            else:
                deadline = default_deadline(petition.category, day)
            petition = petition_forward(
                petition=petition,
                body=cast.bodies[step.body],
                officer=cast.users["officer"] if step.with_officer else None,
                deadline=deadline,
                note=step.text,
                by=by,
            )
        elif step.action == "start":
            petition = petition_start(petition=petition, by=by)
        elif step.action == "comment":
            petition = petition_comment(petition=petition, text=step.text, by=by)
        elif step.action == "extend":
            deadline = add_working_days(petition.deadline, step.deadline_days)
            petition = petition_extend_deadline(petition=petition, deadline=deadline, reason=step.text, by=by)
        elif step.action == "answer":
            if step.after_last_meeting:
                day = min(max(day, held[-1].day + datetime.timedelta(days=1)), today)
            petition = petition_answer(petition=petition, answer=step.text, answered_on=day, by=by)
        elif step.action == "answer_at_meeting":
            day = meeting.day
            petition = petition_answer_at_meeting(petition=petition, answer=step.text, meeting=meeting, by=by)
        elif step.action == "escalate":
            expected = add_working_days(day, step.expected_days)
            petition = petition_escalate(petition=petition, to=step.text, on=day, expected_answer_by=expected, by=by)
        elif step.action == "decline":
            petition = petition_decline(petition=petition, reason=step.text, on=day, by=by)
        elif step.action == "not_competent":
            petition = petition_not_competent(
                petition=petition, competent_body=step.text, reason=step.reason, on=day, by=by
            )
        elif step.action == "report_back":
            # The held meeting that many back (or a later one, if the answer came after it).
            at = next(m for m in held[-step.meetings_back :] if m.day >= petition.answered_on)
            day = at.day
            petition = petition_report_back(petition=petition, meeting=at, by=by)
        elif step.action == "tell_resident":
            petition = petition_tell_resident(petition=petition, how=step.how, told_by=step.text, on=day, by=by)
        else:
            raise ValueError(step.action)
        at_the_meeting = step.action in ("answer_at_meeting", "report_back")
        _stamp(petition, day, 20 if at_the_meeting else 9, 45 if at_the_meeting else 30)


def _cast(today: datetime.date) -> _Cast | None:
    branches = {
        org.code: org for org in Organization.objects.filter(code__in=[SONG_KHE, PHU_THINH, THUONG_THANH, HUNG_GIAO])
    }
    commune = Organization.objects.filter(code=COMMUNE).first()
    usernames = {
        "staff": STAFF_USERNAME,
        "secretary": SECRETARY_USERNAME,
        "cadre": CADRE_USERNAME,
        "leader": LEADER_USERNAME,
        "officer": OFFICER_USERNAME,
    }
    found = {user.username: user for user in get_user_model().objects.filter(username__in=usernames.values())}
    if commune is None or len(branches) < 4 or len(found) < len(usernames):
        return None  # demo.members has not run
    catalogue_ensure(commune=commune)
    place = place_name(commune)
    return _Cast(
        commune=commune,
        branches=branches,
        users={role: found[username] for role, username in usernames.items()},
        categories={category.name: category for category in Category.objects.filter(commune=commune)},
        bodies={name: Body.objects.get(commune=commune, name=f"{name} {place}") for name in (UBND, WOMEN, ECONOMY)},
        held={code: _held_meetings(org) for code, org in branches.items()},
    )


def seed_petitions_demo(*, today: datetime.date) -> int:
    """Add the petitions demo for xã Tam Hưng; returns how many petitions it recorded (0 when all
    were there). Run it inside ``members.access.system_scope()``, after ``demo.meetings``."""
    with transaction.atomic():
        cast = _cast(today)
        if cast is None:
            return 0
        ubnd, officer = cast.bodies[UBND], cast.users["officer"]
        if not ubnd.officers.filter(pk=officer.pk).exists():
            body_set_officers(body=ubnd, officers=[*ubnd.officers.all(), officer], by=cast.users["staff"])
    done = set(
        Petition.objects.filter(submit_key__in=[uuid.uuid5(KEYS, story.key) for story in STORIES]).values_list(
            "submit_key", flat=True
        )
    )
    recorded = 0
    for story in STORIES:
        if uuid.uuid5(KEYS, story.key) in done or len(cast.held[story.branch]) < story.raised_at:
            continue
        with transaction.atomic():
            _tell(story, cast, today)
        recorded += 1
    return recorded
