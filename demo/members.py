"""Demo data: party organisations, members, branch committees and one login per persona.

The places and sizes come from the source articles (named in docs/domain.md#sources): Chi bộ thôn Song Khê
of xã Tam Hưng (Hà Nội) has 161 members and meets at the village's cultural house; Chi bộ
Tổ dân phố số 7 of phường Đức Thắng has over 300, many of them working members; thôn Klu
(xã Đakrông) and thôn Phương Hải (Hải Lăng) in Quảng Trị; khóm and ấp branches of the
former TP Cao Lãnh in Đồng Tháp. The people are invented: names, dates, citizen IDs and
phone numbers come from a seeded random generator, so every run builds the same people.

Idempotent: nodes are found by code, members by party card number, users by username, and
whatever already exists is left exactly as it is (no updates, so no new history rows).

Every member passes ``members.services.register.member_validate``, the rule the member form and
the importer apply. The tree is built with treebeard's own ``add_root``/``add_child``; positions,
roles and user accounts have no service in members (the admin site makes them), so they are
written as plain rows. Runs inside ``members.access.system_scope()`` (the command enters it).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from members.models import (
    COMMITTEE_MINIMUM,
    BranchType,
    LeaveReason,
    Member,
    MemberStatus,
    Organization,
    OrganizationKind,
    Position,
    PositionKind,
    Role,
    RoleKind,
    Sex,
    Weekday,
    WeekOfMonth,
)
from members.services.register import member_save, member_validate
from members.text import search_key

from .names import CENTRAL, NORTH, PA_KO, SOUTH, VAN_KIEU, NamePool, draw_name

# Printed by the command for everyone to use: it only ever guards demo data.
DEMO_PASSWORD = "chibo-demo-2026"  # noqa: S105
SEED = 20250701
# Who the people are (names, births, admissions, positions) is computed from this fixed day,
# so a run on another day finds the same people; only recent events (probationary
# admissions, temporary attachments, exemptions, leaving) are placed relative to today.
ANCHOR = datetime.date(2025, 7, 1)  # the day the two-level local government started
CHANGE_REASON = "seed_demo"
ADMIN_USERNAME = "admin"

EXEMPT_REASON = "Tuổi cao, sức yếu"
TRANSFER_NOTES = (
    "Chuyển sinh hoạt đảng chính thức đến Đảng bộ phường Hà Đông",
    "Chuyển sinh hoạt đảng chính thức đến Đảng bộ phường Cầu Giấy",
    "Chuyển sinh hoạt đảng chính thức đến Đảng bộ xã Thanh Oai",
    "Chuyển sinh hoạt đảng chính thức đến Đảng bộ phường Đông Hà",
)
DEATH_NOTE = "Từ trần"


# --- The plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class BranchPlan:
    """Who a branch's members are; counts are of members who have not left."""

    active: int
    residence: str  # may use {house}, {lane} and {xom}
    province_id: str  # first three digits of a citizen ID (001 Hà Nội, 045 Quảng Trị, 087 Đồng Tháp)
    term_start: datetime.date  # branch congress that elected the present chi ủy
    secretary_since: datetime.date | None = None  # re-elected secretaries started earlier
    probationary: int = 1
    exempt: int = 0
    attached: int = 0
    left: tuple[str, ...] = ()
    committee: int = 1  # chi ủy members besides secretary and deputy (9+ full members only)
    ethnic_mix: tuple[tuple[str, NamePool, int], ...] = (("Kinh", NORTH, 1),)
    workplaces: tuple[str, ...] = ()
    working_share: float = 0.1  # of members under 60 who are not exempt
    movers_share: float = 0.0  # members who joined this branch after being admitted elsewhere
    female_share: float = 0.35  # older rural branches are mostly men
    born_from: int = 1940
    # People with a demo login: persona tag -> workplace written on their record ("" keeps it).
    personas: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    kind: str
    parent: str | None
    address: str
    branch_type: str = ""
    meeting_place: str = ""
    meeting_day: int | None = None
    meeting_weekday: int | None = None
    meeting_week: int | None = None
    plan: BranchPlan | None = None

    def org_fields(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "code": self.code,
            "address": self.address,
            "branch_type": self.branch_type,
            "meeting_place": self.meeting_place,
            "meeting_day": self.meeting_day,
            "meeting_weekday": self.meeting_weekday,
            "meeting_week": self.meeting_week,
        }


HN = "Thành phố Hà Nội"
TAM_HUNG = f"xã Tam Hưng, {HN}"
DUC_THANG = f"phường Đức Thắng, {HN}"
QT = "tỉnh Quảng Trị"
DT = "tỉnh Đồng Tháp"
CAO_LANH = f"phường Cao Lãnh, {DT}"

TAM_HUNG_PARTY = "Đảng ủy xã Tam Hưng"
DUC_THANG_WORKPLACES = (
    "Trường Đại học Mỏ - Địa chất",
    "Trường Đại học Tài nguyên và Môi trường Hà Nội",
    "Học viện Chính trị quốc gia Hồ Chí Minh",
    "Bộ Tài chính",
    "Bộ Giáo dục và Đào tạo",
    "Kho bạc Nhà nước khu vực I",
    "Tổng công ty Điện lực TP Hà Nội",
    "Ngân hàng TMCP Ngoại thương Việt Nam - Chi nhánh Thăng Long",
    "Bệnh viện Đa khoa Y học cổ truyền Hà Nội",
    "Viện Khoa học Địa chất và Khoáng sản",
    "UBND phường Đức Thắng",
    "Trường THCS Đức Thắng",
    "Công ty CP Tư vấn Xây dựng Thăng Long",
    "Cục Thuế TP Hà Nội",
)
TAM_HUNG_WORKPLACES = (
    "UBND xã Tam Hưng",
    "Trường Tiểu học Tam Hưng",
    "Trường THCS Tam Hưng",
    "Trạm Y tế xã Tam Hưng",
    "Hợp tác xã nông nghiệp Tam Hưng",
)

# The workplaces of Tổ dân phố số 7's working members (QĐ 213): each its own branch, under a
# grassroots committee of the city's agencies outside the wards. Their people are members there
# and keep a link with Tổ dân phố số 7, where they live (demo.residence links them).
WORKPLACE_PARENT = "hn-khoi-co-quan"
WORKPLACE_BRANCHES: dict[str, str] = {
    workplace: f"hn-noi-cong-tac-{n:02d}" for n, workplace in enumerate(DUC_THANG_WORKPLACES, start=1)
}
TDP_7 = "hn-duc-thang-tdp-7"
# The residence branch whose working members are linked instead of registered (issue 24).
LINKED_FROM = (TDP_7,)
WORKPLACE_TERM_START = datetime.date(2025, 5, 15)


def _workplace_type(workplace: str) -> str:
    if workplace.startswith(("Trường", "Học viện")):
        return BranchType.SCHOOL
    if workplace.startswith(("Công ty", "Tổng công ty", "Ngân hàng")):
        return BranchType.ENTERPRISE
    return BranchType.AGENCY


WORKPLACE_NODES: tuple[Node, ...] = (
    Node(
        WORKPLACE_PARENT,
        "Đảng bộ Khối các cơ quan, đơn vị Thành phố",
        OrganizationKind.GRASSROOTS,
        "hn",
        f"Số 18 phố Lý Thường Kiệt, {HN}",
    ),
    *(
        Node(
            code,
            f"Chi bộ {workplace}",
            OrganizationKind.BRANCH,
            WORKPLACE_PARENT,
            f"{workplace}, {HN}",
            branch_type=_workplace_type(workplace),
            meeting_place=f"Phòng họp {workplace}",
            meeting_weekday=Weekday.FRIDAY,
            meeting_week=WeekOfMonth.LAST,
        )
        for workplace, code in WORKPLACE_BRANCHES.items()
    ),
)

NODES: tuple[Node, ...] = (
    Node("hn", "Đảng bộ Thành phố Hà Nội", OrganizationKind.PROVINCE, None, f"Số 8 phố Lê Lai, phường Hoàn Kiếm, {HN}"),
    Node("hn-tam-hung", "Đảng bộ xã Tam Hưng", OrganizationKind.COMMUNE, "hn", f"Trụ sở Đảng ủy - UBND, {TAM_HUNG}"),
    Node(
        "hn-tam-hung-song-khe",
        "Chi bộ thôn Song Khê",
        OrganizationKind.BRANCH,
        "hn-tam-hung",
        f"Nhà văn hóa thôn Song Khê, {TAM_HUNG}",
        branch_type=BranchType.VILLAGE,
        meeting_place="Nhà văn hóa thôn Song Khê",
        meeting_day=5,
        plan=BranchPlan(
            active=161,
            residence=f"Xóm {{xom}}, thôn Song Khê, {TAM_HUNG}",
            province_id="001",
            term_start=datetime.date(2025, 4, 12),
            secretary_since=datetime.date(2020, 4, 18),
            probationary=4,
            exempt=7,
            attached=2,
            left=(LeaveReason.TRANSFER, LeaveReason.DEATH),
            committee=3,
            workplaces=TAM_HUNG_WORKPLACES,
            working_share=0.12,
            personas=(("member", ""),),
        ),
    ),
    Node(
        "hn-tam-hung-phu-thinh",
        "Chi bộ thôn Phú Thịnh",
        OrganizationKind.BRANCH,
        "hn-tam-hung",
        f"Nhà văn hóa thôn Phú Thịnh, {TAM_HUNG}",
        branch_type=BranchType.VILLAGE,
        meeting_place="Nhà văn hóa thôn Phú Thịnh",
        meeting_day=5,
        plan=BranchPlan(
            active=24,
            residence=f"Thôn Phú Thịnh, {TAM_HUNG}",
            province_id="001",
            term_start=datetime.date(2025, 4, 10),
            exempt=1,
            workplaces=TAM_HUNG_WORKPLACES,
            personas=(("cadre", TAM_HUNG_PARTY),),
        ),
    ),
    Node(
        "hn-tam-hung-thuong-thanh",
        "Chi bộ thôn Thượng Thanh",
        OrganizationKind.BRANCH,
        "hn-tam-hung",
        f"Nhà văn hóa thôn Thượng Thanh, {TAM_HUNG}",
        branch_type=BranchType.VILLAGE,
        meeting_place="Nhà văn hóa thôn Thượng Thanh",
        meeting_day=6,
        plan=BranchPlan(
            active=28,
            residence=f"Thôn Thượng Thanh, {TAM_HUNG}",
            province_id="001",
            term_start=datetime.date(2025, 4, 11),
            exempt=2,
            workplaces=TAM_HUNG_WORKPLACES,
            personas=(("leader", TAM_HUNG_PARTY),),
        ),
    ),
    Node(
        "hn-tam-hung-hung-giao",
        "Chi bộ thôn Hưng Giáo",
        OrganizationKind.BRANCH,
        "hn-tam-hung",
        f"Nhà văn hóa thôn Hưng Giáo, {TAM_HUNG}",
        branch_type=BranchType.VILLAGE,
        meeting_place="Nhà văn hóa thôn Hưng Giáo",
        meeting_day=4,
        plan=BranchPlan(
            active=19,
            residence=f"Thôn Hưng Giáo, {TAM_HUNG}",
            province_id="001",
            term_start=datetime.date(2025, 4, 9),
            workplaces=TAM_HUNG_WORKPLACES,
            personas=(("staff", f"Văn phòng {TAM_HUNG_PARTY}"), ("officer", "UBND xã Tam Hưng")),
        ),
    ),
    Node(
        "hn-duc-thang",
        "Đảng bộ phường Đức Thắng",
        OrganizationKind.COMMUNE,
        "hn",
        f"Trụ sở Đảng ủy phường, {DUC_THANG}",
    ),
    Node(
        "hn-duc-thang-tdp-7",
        "Chi bộ Tổ dân phố số 7",
        OrganizationKind.BRANCH,
        "hn-duc-thang",
        f"Nhà văn hóa Tổ dân phố số 7, {DUC_THANG}",
        branch_type=BranchType.RESIDENTIAL,
        meeting_place="Nhà văn hóa Tổ dân phố số 7",
        meeting_weekday=Weekday.SATURDAY,
        meeting_week=WeekOfMonth.FIRST,
        plan=BranchPlan(
            active=312,
            residence=f"Số {{house}} ngõ {{lane}} đường Đức Thắng, Tổ dân phố số 7, {DUC_THANG}",
            province_id="001",
            term_start=datetime.date(2025, 4, 19),
            secretary_since=datetime.date(2017, 5, 20),
            probationary=5,
            exempt=9,
            attached=3,
            left=(LeaveReason.TRANSFER, LeaveReason.TRANSFER, LeaveReason.DEATH),
            committee=5,
            workplaces=DUC_THANG_WORKPLACES,
            working_share=0.8,
            movers_share=0.5,
            female_share=0.45,
        ),
    ),
    Node(
        "hn-duc-thang-tdp-5",
        "Chi bộ Tổ dân phố số 5",
        OrganizationKind.BRANCH,
        "hn-duc-thang",
        f"Nhà văn hóa Tổ dân phố số 5, {DUC_THANG}",
        branch_type=BranchType.RESIDENTIAL,
        meeting_place="Nhà văn hóa Tổ dân phố số 5",
        meeting_weekday=Weekday.SUNDAY,
        meeting_week=WeekOfMonth.FIRST,
        plan=BranchPlan(
            active=46,
            residence=f"Số {{house}} ngõ {{lane}} phố Viên, Tổ dân phố số 5, {DUC_THANG}",
            province_id="001",
            term_start=datetime.date(2025, 4, 20),
            probationary=2,
            exempt=2,
            attached=1,
            workplaces=DUC_THANG_WORKPLACES,
            working_share=0.6,
            movers_share=0.4,
            female_share=0.45,
            personas=(("staff", ""),),
        ),
    ),
    Node(
        "hn-duc-thang-th",
        "Chi bộ Trường Tiểu học Đức Thắng",
        OrganizationKind.BRANCH,
        "hn-duc-thang",
        f"Trường Tiểu học Đức Thắng, {DUC_THANG}",
        branch_type=BranchType.SCHOOL,
        meeting_place="Phòng họp Trường Tiểu học Đức Thắng",
        meeting_weekday=Weekday.TUESDAY,
        meeting_week=WeekOfMonth.LAST,
        plan=BranchPlan(
            active=14,
            residence=f"Số {{house}} ngõ {{lane}} phố Viên, {DUC_THANG}",
            province_id="001",
            term_start=datetime.date(2025, 3, 25),
            workplaces=("Trường Tiểu học Đức Thắng",),
            working_share=1.0,
            movers_share=0.6,
            female_share=0.7,
            born_from=1968,
        ),
    ),
    Node("qt", "Đảng bộ tỉnh Quảng Trị", OrganizationKind.PROVINCE, None, f"Phường Đồng Hới, {QT}"),
    Node("qt-dakrong", "Đảng bộ xã Đakrông", OrganizationKind.COMMUNE, "qt", f"Trụ sở Đảng ủy xã, xã Đakrông, {QT}"),
    Node(
        "qt-dakrong-klu",
        "Chi bộ thôn Klu",
        OrganizationKind.BRANCH,
        "qt-dakrong",
        f"Nhà sinh hoạt cộng đồng thôn Klu, xã Đakrông, {QT}",
        branch_type=BranchType.VILLAGE,
        meeting_place="Nhà sinh hoạt cộng đồng thôn Klu",
        meeting_day=10,
        plan=BranchPlan(
            active=21,
            residence=f"Thôn Klu, xã Đakrông, {QT}",
            province_id="045",
            term_start=datetime.date(2025, 3, 28),
            probationary=2,
            ethnic_mix=(("Vân Kiều", VAN_KIEU, 55), ("Pa Kô", PA_KO, 25), ("Kinh", CENTRAL, 20)),
            workplaces=("UBND xã Đakrông", "Trường Tiểu học và THCS Đakrông", "Đồn Biên phòng Ba Nang"),
            born_from=1955,
        ),
    ),
    Node("qt-hai-lang", "Đảng bộ xã Hải Lăng", OrganizationKind.COMMUNE, "qt", f"Trụ sở Đảng ủy xã, xã Hải Lăng, {QT}"),
    Node(
        "qt-hai-lang-phuong-hai",
        "Chi bộ thôn Phương Hải",
        OrganizationKind.BRANCH,
        "qt-hai-lang",
        f"Nhà văn hóa thôn Phương Hải, xã Hải Lăng, {QT}",
        branch_type=BranchType.VILLAGE,
        meeting_place="Nhà văn hóa thôn Phương Hải",
        meeting_day=3,
        plan=BranchPlan(
            active=27,
            residence=f"Thôn Phương Hải, xã Hải Lăng, {QT}",
            province_id="045",
            term_start=datetime.date(2025, 4, 2),
            exempt=2,
            left=(LeaveReason.DEATH,),
            ethnic_mix=(("Kinh", CENTRAL, 1),),
            workplaces=("UBND xã Hải Lăng", "Trường THCS Hải Lăng"),
        ),
    ),
    Node("dt", "Đảng bộ tỉnh Đồng Tháp", OrganizationKind.PROVINCE, None, f"Phường Mỹ Tho, {DT}"),
    Node(
        "dt-cao-lanh", "Đảng bộ phường Cao Lãnh", OrganizationKind.COMMUNE, "dt", f"Trụ sở Đảng ủy phường, {CAO_LANH}"
    ),
    Node(
        "dt-cao-lanh-khom-3",
        "Chi bộ khóm 3",
        OrganizationKind.BRANCH,
        "dt-cao-lanh",
        f"Nhà văn hóa khóm 3, {CAO_LANH}",
        branch_type=BranchType.KHOM,
        meeting_place="Nhà văn hóa khóm 3",
        meeting_day=2,
        plan=BranchPlan(
            active=33,
            residence=f"Số {{house}} đường Nguyễn Huệ, khóm 3, {CAO_LANH}",
            province_id="087",
            term_start=datetime.date(2025, 4, 5),
            probationary=2,
            exempt=1,
            attached=1,
            ethnic_mix=(("Kinh", SOUTH, 1),),
            workplaces=("UBND phường Cao Lãnh", "Bệnh viện Đa khoa Đồng Tháp", "Trường THPT Thủ Khoa Huân"),
            working_share=0.35,
            movers_share=0.2,
            female_share=0.45,
        ),
    ),
    Node(
        "dt-cao-lanh-hoa-khanh",
        "Chi bộ ấp Hòa Khánh",
        OrganizationKind.BRANCH,
        "dt-cao-lanh",
        f"Hội quán ấp Hòa Khánh, {CAO_LANH}",
        branch_type=BranchType.AP,
        meeting_place="Hội quán ấp Hòa Khánh",
        meeting_day=5,
        # Under nine full members: a secretary only, no chi ủy.
        plan=BranchPlan(
            active=8,
            residence=f"Ấp Hòa Khánh, {CAO_LANH}",
            province_id="087",
            term_start=datetime.date(2025, 4, 6),
            ethnic_mix=(("Kinh", SOUTH, 1),),
            workplaces=("Hợp tác xã Hòa Khánh",),
        ),
    ),
)
NODES = (*NODES, *WORKPLACE_NODES)


# Demo logins: username, role, where the role is held, the branch of the member the account
# belongs to and how that member is picked (a persona of the plan, or the secretary), and the
# title shown in the command's output.
@dataclass(frozen=True)
class Login:
    username: str
    role: str
    organization: str
    member_branch: str
    persona: str
    title: str


LOGINS: tuple[Login, ...] = (
    Login(
        "canbo.tamhung",
        RoleKind.COMMUNE_STAFF,
        "hn-tam-hung",
        "hn-tam-hung-hung-giao",
        "staff",
        "Chuyên viên Văn phòng Đảng ủy xã Tam Hưng",
    ),
    Login(
        "bithu.songkhe",
        RoleKind.SECRETARY,
        "hn-tam-hung-song-khe",
        "hn-tam-hung-song-khe",
        PositionKind.SECRETARY,
        "Bí thư Chi bộ thôn Song Khê",
    ),
    Login(
        "lanhdao.tamhung",
        RoleKind.LEADER,
        "hn-tam-hung",
        "hn-tam-hung-thuong-thanh",
        "leader",
        "Bí thư Đảng ủy xã Tam Hưng",
    ),
    Login(
        "canbo.phutrach",
        RoleKind.CADRE,
        "hn-tam-hung-song-khe",
        "hn-tam-hung-phu-thinh",
        "cadre",
        "Phó Bí thư Đảng ủy xã Tam Hưng",
    ),
    Login(
        "dangvien.songkhe",
        RoleKind.MEMBER,
        "hn-tam-hung-song-khe",
        "hn-tam-hung-song-khe",
        "member",
        "Đảng viên Chi bộ thôn Song Khê",
    ),
    # Working members and their residence (issue 24): the residence branch's secretary, and the
    # secretary of a workplace whose people live in Tổ dân phố số 7.
    Login(
        "bithu.tdp7",
        RoleKind.SECRETARY,
        TDP_7,
        TDP_7,
        PositionKind.SECRETARY,
        "Bí thư Chi bộ Tổ dân phố số 7",
    ),
    Login(
        "canbo.ducthang",
        RoleKind.COMMUNE_STAFF,
        "hn-duc-thang",
        "hn-duc-thang-tdp-5",
        "staff",
        "Chuyên viên Ban Xây dựng Đảng, Đảng ủy phường Đức Thắng",
    ),
    Login(
        "bithu.cucthue",
        RoleKind.SECRETARY,
        WORKPLACE_BRANCHES["Cục Thuế TP Hà Nội"],
        WORKPLACE_BRANCHES["Cục Thuế TP Hà Nội"],
        PositionKind.SECRETARY,
        "Bí thư Chi bộ Cục Thuế TP Hà Nội",
    ),
    # Answers the petitions sent to UBND xã Tam Hưng (demo.petitions puts them on its queue).
    Login(
        "canbo.ubnd",
        RoleKind.OFFICER,
        "hn-tam-hung",
        "hn-tam-hung-hung-giao",
        "officer",
        "Công chức Văn phòng HĐND và UBND xã Tam Hưng",
    ),
)


# --- Generating people ---------------------------------------------------------------


@dataclass
class Person:
    """One invented member: the Member fields, plus what the plan wants of them."""

    fields: dict
    category: str  # full, probationary, exempt, attached, left:<reason>
    family: str  # family and middle name, for User.last_name
    given: str  # for User.first_name
    position: str = ""
    position_since: datetime.date | None = None
    persona: str = ""
    # A working member of a residence branch (LINKED_FROM): the code of their workplace's branch,
    # where they are a member; the residence branch keeps only the link (demo.residence).
    workplace_code: str = ""

    @property
    def card(self) -> str:
        return self.fields["party_card_number"]

    def is_plain_full_member(self) -> bool:
        return self.category == "full" and not self.position and not self.persona


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    # Exactly one draw whatever the range, so the random stream does not depend on the dates.
    span = max((last - first).days, 0)
    return first + datetime.timedelta(days=int(rng.random() * (span + 1)))


def _days_ago(days: int, today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=days)


class _Uniques:
    """Party card numbers, citizen IDs and phones drawn without repeats across the whole demo."""

    def __init__(self):
        self.seen: set[str] = set()

    def draw(self, make) -> str:
        value = make()
        while value in self.seen:
            value = make()
        self.seen.add(value)
        return value


def _people(node: Node, today: datetime.date, uniques: _Uniques) -> list[Person]:
    """The invented members of one branch: the same people on every run."""
    plan = node.plan
    rng = random.Random(f"{SEED}:{node.code}")
    categories = (
        ["probationary"] * plan.probationary
        + ["exempt"] * plan.exempt
        + ["attached"] * plan.attached
        + ["full"] * (plan.active - plan.probationary - plan.exempt - plan.attached)
        + [f"left:{reason}" for reason in plan.left]
    )
    rng.shuffle(categories)
    people = [_person(rng, plan, category, today, uniques) for category in categories]
    _assign_positions(rng, plan, people, uniques)
    _assign_personas(rng, plan, people)
    return people


def _birth_range(category: str, plan: BranchPlan) -> tuple[int, int]:
    if category == "probationary":
        return max(plan.born_from, 1986), 2000
    if category in ("exempt", f"left:{LeaveReason.DEATH}"):
        return 1940, 1952
    return plan.born_from, 1998


def _person(rng: random.Random, plan: BranchPlan, category: str, today: datetime.date, uniques: _Uniques) -> Person:
    ethnicity, pool, _weight = rng.choices(plan.ethnic_mix, weights=[w for _e, _p, w in plan.ethnic_mix])[0]
    sex = Sex.FEMALE if rng.random() < plan.female_share else Sex.MALE
    full_name, family, given = draw_name(rng, pool, sex)
    born_from, born_to = _birth_range(category, plan)
    dob = _day_between(rng, datetime.date(born_from, 1, 1), datetime.date(born_to, 12, 31))

    if category == "probationary":
        admitted = _days_ago(rng.randint(20, 330), today)
    else:
        # Most are admitted in their twenties or thirties, some later in life; full members
        # were admitted more than a year ago.
        latest = min(add_years(dob, 55), _days_ago(400, ANCHOR))
        if rng.random() < 0.8:
            latest = min(add_years(dob, 38), latest)
        admitted = _day_between(rng, add_years(dob, 18), latest)
    full_on = None if category == "probationary" else add_years(admitted, 1)

    joined = admitted
    if plan.movers_share and category != "probationary" and rng.random() < plan.movers_share:
        joined = _day_between(rng, admitted, _days_ago(400, ANCHOR))  # moved into the area later
    fields = {
        "full_name": full_name,
        "name_key": search_key(full_name),
        "date_of_birth": dob,
        "sex": sex,
        "ethnicity": ethnicity,
        "admitted_on": admitted,
        "full_member_on": full_on,
        "status": MemberStatus.PROBATIONARY if category == "probationary" else MemberStatus.FULL,
        "joined_branch_on": joined,
        "residence": plan.residence.format(house=rng.randint(1, 120), lane=rng.randint(1, 60), xom=rng.randint(1, 6)),
        "party_card_number": uniques.draw(lambda: str(rng.randint(10_000_000, 99_999_999))),
    }
    if rng.random() < 0.92:
        # CCCD: province of birth registration, century and sex, year of birth, then a serial.
        century_sex = (0 if dob.year < 2000 else 2) + (1 if sex == Sex.FEMALE else 0)
        fields["citizen_id"] = uniques.draw(
            lambda: f"{plan.province_id}{century_sex}{dob.year % 100:02d}{rng.randint(0, 999_999):06d}"
        )
    if rng.random() < (0.6 if category == "exempt" else 0.9):
        fields["phone"] = uniques.draw(lambda: f"09{rng.randint(0, 99_999_999):08d}")
    if plan.workplaces and category != "exempt" and ANCHOR.year - dob.year < 60 and rng.random() < plan.working_share:
        fields["workplace"] = rng.choice(plan.workplaces)

    if category == "exempt":
        fields["exempt_since"] = _day_between(rng, max(add_years(dob, 70), full_on), _days_ago(60, today))
        fields["exempt_reason"] = EXEMPT_REASON
    elif category == "attached":
        fields["temporarily_attached"] = True
        fields["joined_branch_on"] = _days_ago(rng.randint(30, 300), today)
    elif category.startswith("left:"):
        reason = category.removeprefix("left:")
        earliest = max(joined + datetime.timedelta(days=30), _days_ago(700, today))
        fields["left_on"] = _day_between(rng, earliest, _days_ago(30, today))
        fields["leave_reason"] = reason
        fields["leave_note"] = DEATH_NOTE if reason == LeaveReason.DEATH else rng.choice(TRANSFER_NOTES)
    return Person(fields=fields, category=category, family=family, given=given)


def _assign_positions(rng: random.Random, plan: BranchPlan, people: list[Person], uniques: _Uniques) -> None:
    """A secretary always; a deputy and chi ủy members where the branch has 9+ full members."""
    full_members = [p for p in people if p.fields["status"] == MemberStatus.FULL and "left_on" not in p.fields]
    wanted = [(PositionKind.SECRETARY, plan.secretary_since or plan.term_start)]
    if len(full_members) >= 9:
        wanted.append((PositionKind.DEPUTY, plan.term_start))
        wanted += [(PositionKind.COMMITTEE, plan.term_start)] * plan.committee
    for kind, since in wanted:
        candidates = [
            p
            for p in full_members
            if p.is_plain_full_member()
            and p.fields["joined_branch_on"] <= add_years(since, -2)
            and 1952 <= p.fields["date_of_birth"].year <= (1995 if kind == PositionKind.COMMITTEE else 1980)
        ]
        holder = rng.choice(candidates)
        holder.position, holder.position_since = kind, since
        if "phone" not in holder.fields:
            holder.fields["phone"] = uniques.draw(lambda: f"09{rng.randint(0, 99_999_999):08d}")


def _assign_personas(rng: random.Random, plan: BranchPlan, people: list[Person]) -> None:
    """Pick the members who get a demo login: working age, with a phone, holding no position."""
    for persona, workplace in plan.personas:
        candidates = [
            p
            for p in people
            if p.is_plain_full_member() and 1965 <= p.fields["date_of_birth"].year <= 1990 and "phone" in p.fields
        ]
        person = rng.choice(candidates)
        person.persona = persona
        if workplace:
            person.fields["workplace"] = workplace


# --- Writing to the database ---------------------------------------------------------


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _build_tree(stdout) -> tuple[dict[str, Organization], int]:
    orgs = {org.code: org for org in Organization.objects.filter(code__in=[n.code for n in NODES])}
    created = 0
    for node in NODES:
        if node.code in orgs:
            continue
        if node.parent is None:
            orgs[node.code] = Organization.objects.add_root(create_kwargs=node.org_fields())
        else:
            orgs[node.code] = Organization.objects.add_child(orgs[node.parent], create_kwargs=node.org_fields())
        created += 1
        _say(stdout, _("Created %(name)s.") % {"name": node.name})
    return orgs, created


Branches = list[tuple[Node, Organization, list[Person]]]


def _home(org: Organization, person: Person, orgs: dict[str, Organization]) -> Organization:
    """The branch a person is a member of: their workplace's for a linked working member."""
    return orgs[person.workplace_code] if person.workplace_code else org


def _create_members(branches: Branches, stdout, orgs: dict[str, Organization]) -> int:
    cards = [person.card for _node, _org, people in branches for person in people]
    existing = set(Member.objects.filter(party_card_number__in=cards).values_list("party_card_number", flat=True))
    new = []
    for node, org, people in branches:
        fresh = [_validated(Member(branch=_home(org, p, orgs), **p.fields)) for p in people if p.card not in existing]
        if fresh:
            new += fresh
            _say(stdout, _("Added %(count)d members to %(branch)s.") % {"count": len(fresh), "branch": node.name})
    if new:
        # Hundreds of rows: bulk-created for speed rather than one member_save each. bulk_create
        # skips Member.save(), which is why name_key and joined_branch_on are filled in by _person().
        bulk_create_with_history(new, Member, batch_size=500, default_change_reason=CHANGE_REASON)
    return len(new)


def _move_working_members(node: Node, people: list[Person]) -> None:
    """In a residence branch of LINKED_FROM, members who work at a workplace of the demo tree are
    members of its branch (QĐ 213: the residence branch keeps only their link). Each workplace
    branch gets a secretary, and a deputy where it has nine full members or more (a chi ủy)."""
    if node.code not in LINKED_FROM:
        return
    full: dict[str, list[Person]] = {}
    for person in people:
        code = WORKPLACE_BRANCHES.get(person.fields.get("workplace", ""))
        if code and person.category in ("full", "probationary") and not person.position and not person.persona:
            person.workplace_code = code
            if person.category == "full":
                full.setdefault(code, []).append(person)
    for members in full.values():
        posts = [PositionKind.SECRETARY] + ([PositionKind.DEPUTY] if len(members) >= COMMITTEE_MINIMUM else [])
        for person, post in zip(members, posts, strict=False):
            person.position, person.position_since = post, WORKPLACE_TERM_START


def _validated(member: Member) -> Member:
    """The rules the member form and the importer apply (raises ValidationError if the plan breaks one)."""
    member_validate(
        status=member.status,
        admitted_on=member.admitted_on,
        full_member_on=member.full_member_on,
        exempt_since=member.exempt_since,
        exempt_reason=member.exempt_reason,
    )
    return member


def _create_positions(branches: Branches, members_by_card: dict[str, Member], orgs: dict[str, Organization]) -> int:
    """A branch gets its positions only while it has none, so later edits are kept.

    No service creates positions (the admin site does), so they are plain rows."""
    homes = {_home(org, person, orgs).pk for _n, org, people in branches for person in people if person.position}
    staffed = set(Position.objects.filter(branch__in=homes).values_list("branch", flat=True))
    new = [
        Position(
            member=members_by_card[person.card],
            branch=_home(org, person, orgs),
            kind=person.position,
            started_on=person.position_since,
        )
        for _node, org, people in branches
        for person in people
        if person.position and person.card in members_by_card and _home(org, person, orgs).pk not in staffed
    ]
    if new:
        bulk_create_with_history(new, Position, default_change_reason=CHANGE_REASON)
    return len(new)


def _login_person(login: Login, people_by_branch: dict[str, list[Person]]) -> Person:
    people = people_by_branch[login.member_branch]
    if login.persona == PositionKind.SECRETARY:
        return next(p for p in people if p.position == PositionKind.SECRETARY)
    return next(p for p in people if p.persona == login.persona)


def _create_users(orgs, people_by_branch, members_by_card, password_hash) -> tuple[list[dict], int]:
    User = get_user_model()
    existing = {user.username: user for user in User.objects.filter(username__in=[x.username for x in LOGINS])}
    logins, created = [], 0
    for login in LOGINS:
        person = _login_person(login, people_by_branch)
        user = existing.get(login.username)
        if user is None:
            # Django's Vietnamese admin labels first_name "Tên" (given name), last_name "Họ".
            user = User.objects.create(
                username=login.username,
                password=password_hash(),
                first_name=person.given,
                last_name=person.family,
                # A reserved domain (RFC 2606): the demo's notices land in var/mail/, never in a real mailbox.
                email=f"{login.username}@chibo.example",
            )
            created += 1
        elif not user.email:
            user.email = f"{login.username}@chibo.example"
            user.save(update_fields=["email"])
        Role.objects.get_or_create(user=user, kind=login.role, organization=orgs[login.organization])
        member = members_by_card.get(person.card)
        if member is not None and member.user_id is None and not Member.objects.filter(user=user).exists():
            member.user = user
            # Nobody edits it: the seed links the account to its member, as an administrator would.
            member_save(member=member, by=None)
        logins.append(
            {
                "username": login.username,
                "role": login.role,
                "organization": orgs[login.organization].name,
                "name": person.fields["full_name"],
                "title": login.title,
            }
        )
    return logins, created


def _ensure_admin(password_hash) -> bool:
    """Create the superuser "admin" only when the site has no superuser (and no "admin")."""
    User = get_user_model()
    if User.objects.filter(Q(is_superuser=True) | Q(username=ADMIN_USERNAME)).exists():
        return False
    User.objects.create(username=ADMIN_USERNAME, password=password_hash(), is_staff=True, is_superuser=True)
    return True


def seed_demo(*, stdout=None, today: datetime.date | None = None) -> dict:
    """Build the demo organisations, members, positions and users; return the demo logins.

    Returns ``{"password", "logins": [{"username", "role", "organization", "name", "title"}, …],
    "admin_created", "created": {"organizations", "members", "positions", "users"}}``.
    Progress lines go to ``stdout`` (anything with ``write``) when given. Dates are relative
    to ``today`` (probationary members were admitted within the last year).
    """
    today = today or timezone.localdate()
    uniques = _Uniques()
    hashed: list[str] = []

    def password_hash() -> str:
        # Hashing is slow on purpose; every demo account shares one password, so hash it once.
        if not hashed:
            hashed.append(make_password(DEMO_PASSWORD))
        return hashed[0]

    with transaction.atomic():
        orgs, orgs_created = _build_tree(stdout)
        branches = [(node, orgs[node.code], _people(node, today, uniques)) for node in NODES if node.plan]
        for node, _org, people in branches:
            _move_working_members(node, people)
        members_created = _create_members(branches, stdout, orgs)

        needed = [p.card for _n, _o, people in branches for p in people if p.position or p.persona]
        members_by_card = {m.party_card_number: m for m in Member.objects.filter(party_card_number__in=needed)}
        positions_created = _create_positions(branches, members_by_card, orgs)

        people_by_branch: dict[str, list[Person]] = {}
        for node, _org, people in branches:
            for person in people:
                people_by_branch.setdefault(person.workplace_code or node.code, []).append(person)
        logins, users_created = _create_users(orgs, people_by_branch, members_by_card, password_hash)
        admin_created = _ensure_admin(password_hash)

    return {
        "password": DEMO_PASSWORD,
        "logins": logins,
        "admin_created": admin_created,
        "created": {
            "organizations": orgs_created,
            "members": members_created,
            "positions": positions_created,
            "users": users_created + int(admin_created),
        },
    }
