import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from demo.members import DEMO_PASSWORD, WORKPLACE_BRANCHES, add_years, seed_demo
from members.access import system_scope
from members.models import (
    BranchType,
    Member,
    MemberStatus,
    Organization,
    OrganizationKind,
    Position,
    PositionKind,
    Role,
    RoleKind,
    Weekday,
    WeekOfMonth,
)
from members.text import search_key
from notifications.models import Notification

TODAY = datetime.date(2026, 3, 5)
SONG_KHE = "hn-tam-hung-song-khe"
TDP_7 = "hn-duc-thang-tdp-7"
CUC_THUE = WORKPLACE_BRANCHES["Cục Thuế TP Hà Nội"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _snapshot():
    User = get_user_model()
    return {
        "organizations": Organization.objects.count(),
        "members": Member.objects.count(),
        "positions": Position.objects.count(),
        "roles": Role.objects.count(),
        "users": User.objects.count(),
        "organization history": Organization.history.count(),
        "member history": Member.history.count(),
        "position history": Position.history.count(),
        "role history": Role.history.count(),
        "member rows": list(Member.objects.order_by("pk").values()),
        "passwords": list(User.objects.order_by("pk").values_list("username", "password")),
    }


@pytest.mark.system_scope
def test_builds_the_tree_with_the_seed_articles_branches():
    seed_demo(today=TODAY)

    song_khe = Organization.objects.get(code=SONG_KHE)
    assert [node.code for node in Organization.objects.get_ancestors(song_khe)] == ["hn", "hn-tam-hung"]
    assert song_khe.members.active().count() == 161
    assert song_khe.members.count() > 161  # those who left are kept
    assert (song_khe.meeting_day, song_khe.meeting_place) == (5, "Nhà văn hóa thôn Song Khê")

    tdp7 = Organization.objects.get(code=TDP_7)
    assert Organization.objects.get_parent(tdp7).code == "hn-duc-thang"
    # Its working members (QĐ 213) are members of their workplace's branch, linked to it (issue 24).
    assert tdp7.members.active().count() > 150
    assert tdp7.branch_type == BranchType.RESIDENTIAL
    assert (tdp7.meeting_weekday, tdp7.meeting_week) == (Weekday.SATURDAY, WeekOfMonth.FIRST)
    assert tdp7.members.active().exclude(workplace="").count() < 5
    working = Member.objects.filter(residence__contains="Tổ dân phố số 7").exclude(branch=tdp7)
    assert working.count() > 100
    assert all(branch.code.startswith("hn-noi-cong-tac") for branch in Organization.objects.filter(members__in=working))

    tam_hung = Organization.objects.get(code="hn-tam-hung")
    small = Organization.objects.get_children(tam_hung).exclude(pk=song_khe.pk)
    assert len(small) >= 3
    assert all(15 <= branch.members.active().count() <= 30 for branch in small)

    klu = Organization.objects.get(code="qt-dakrong-klu")
    assert [node.code for node in Organization.objects.get_ancestors(klu)] == ["qt", "qt-dakrong"]
    assert klu.members.filter(ethnicity__in=["Vân Kiều", "Pa Kô"]).count() > klu.members.count() / 2
    phuong_hai = Organization.objects.get(code="qt-hai-lang-phuong-hai")
    assert Organization.objects.get_parent(phuong_hai).code == "qt-hai-lang"
    dong_thap = Organization.objects.get_descendants(Organization.objects.get(code="dt"))
    dong_thap_types = set(dong_thap.values_list("branch_type", flat=True))
    assert {BranchType.KHOM, BranchType.AP} <= dong_thap_types

    assert not Organization.objects.filter(address="").exists()
    assert not any(Organization.objects.find_problems())


@pytest.mark.system_scope
def test_every_branch_has_a_secretary_and_big_branches_a_chi_uy():
    seed_demo(today=TODAY)

    for branch in Organization.objects.filter(kind=OrganizationKind.BRANCH):
        kinds = sorted(branch.positions.held_on(TODAY).values_list("kind", flat=True))
        full = branch.members.active().filter(status=MemberStatus.FULL).count()
        assert kinds.count(PositionKind.SECRETARY) == 1, branch
        assert (PositionKind.DEPUTY in kinds) == (full >= 9), branch
        holders = Member.objects.filter(positions__branch=branch)
        assert not holders.exclude(branch=branch).exists()
        assert not holders.filter(left_on__isnull=False).exists()
    for code in (SONG_KHE, TDP_7):
        kinds = list(Position.objects.filter(branch__code=code).values_list("kind", flat=True))
        assert kinds.count(PositionKind.DEPUTY) == 1
        assert kinds.count(PositionKind.COMMITTEE) >= 3


@pytest.mark.system_scope
def test_member_records_are_plausible():
    seed_demo(today=TODAY)
    members = list(Member.objects.all())

    cards = [m.party_card_number for m in members]
    assert all(len(card) == 8 and card.isdigit() for card in cards)
    assert len(set(cards)) == len(cards)
    with_id = [m.citizen_id for m in members if m.citizen_id]
    assert len(with_id) > 0.8 * len(members)
    assert all(len(cid) == 12 and cid.isdigit() for cid in with_id)
    assert all(m.phone.startswith("09") and len(m.phone) == 10 for m in members if m.phone)

    for m in members:
        assert m.name_key == search_key(m.full_name)
        assert datetime.date(1940, 1, 1) <= m.date_of_birth <= datetime.date(2000, 12, 31)
        assert m.admitted_on >= add_years(m.date_of_birth, 18)
        assert m.joined_branch_on is not None and m.joined_branch_on >= m.admitted_on
        if m.status == MemberStatus.FULL:
            assert m.full_member_on == add_years(m.admitted_on, 1) <= TODAY
        else:
            assert m.full_member_on is None
            assert TODAY - datetime.timedelta(days=366) < m.admitted_on <= TODAY
        if m.left_on:
            assert m.joined_branch_on < m.left_on <= TODAY and m.leave_reason
        if m.exempt_since:
            assert m.full_member_on <= m.exempt_since <= TODAY

    song_khe = Member.objects.filter(branch__code=SONG_KHE)
    assert song_khe.filter(status=MemberStatus.PROBATIONARY).exists()
    assert song_khe.filter(exempt_since__isnull=False, exempt_reason="Tuổi cao, sức yếu").exists()
    assert song_khe.filter(temporarily_attached=True).exists()
    assert set(song_khe.exclude(left_on=None).values_list("leave_reason", flat=True)) == {"transfer", "death"}


@pytest.mark.system_scope
def test_running_twice_changes_nothing():
    first = seed_demo(today=TODAY)
    before = _snapshot()

    second = seed_demo(today=TODAY)

    assert _snapshot() == before
    assert second["created"] == {"organizations": 0, "members": 0, "positions": 0, "users": 0}
    assert second["logins"] == first["logins"]
    assert Organization.objects.get(code=SONG_KHE).members.active().count() == 161


@pytest.mark.system_scope
def test_running_on_another_day_adds_nobody():
    seed_demo(today=TODAY)
    before = _snapshot()

    seed_demo(today=TODAY + datetime.timedelta(days=40))

    assert _snapshot() == before


EXPECTED_LOGINS = {
    # username: (role, where the role is held, branch of the linked member)
    "canbo.tamhung": (RoleKind.COMMUNE_STAFF, "hn-tam-hung", "hn-tam-hung-hung-giao"),
    "bithu.songkhe": (RoleKind.SECRETARY, SONG_KHE, SONG_KHE),
    "lanhdao.tamhung": (RoleKind.LEADER, "hn-tam-hung", "hn-tam-hung-thuong-thanh"),
    "canbo.phutrach": (RoleKind.CADRE, SONG_KHE, "hn-tam-hung-phu-thinh"),
    "dangvien.songkhe": (RoleKind.MEMBER, SONG_KHE, SONG_KHE),
    "bithu.tdp7": (RoleKind.SECRETARY, TDP_7, TDP_7),
    "canbo.ducthang": (RoleKind.COMMUNE_STAFF, "hn-duc-thang", "hn-duc-thang-tdp-5"),
    "bithu.cucthue": (RoleKind.SECRETARY, CUC_THUE, CUC_THUE),
    "canbo.ubnd": (RoleKind.OFFICER, "hn-tam-hung", "hn-tam-hung-hung-giao"),
}


@pytest.mark.system_scope
def test_each_demo_user_has_the_expected_role_and_member():
    result = seed_demo(today=TODAY)
    User = get_user_model()

    assert [login["username"] for login in result["logins"]] == list(EXPECTED_LOGINS)
    for username, (kind, org_code, member_branch) in EXPECTED_LOGINS.items():
        user = User.objects.get(username=username)
        assert list(user.roles.values_list("kind", "organization__code")) == [(kind, org_code)]
        assert user.check_password(DEMO_PASSWORD)
        assert not user.is_staff and not user.is_superuser
        assert user.member.branch.code == member_branch
        assert user.member.left_on is None
        assert f"{user.last_name} {user.first_name}" == user.member.full_name

    secretary = User.objects.get(username="bithu.songkhe").member
    assert secretary.positions.held_on(TODAY).get().kind == PositionKind.SECRETARY
    plain = User.objects.get(username="dangvien.songkhe").member
    assert not plain.positions.exists() and plain.status == MemberStatus.FULL
    cadre = next(login for login in result["logins"] if login["username"] == "canbo.phutrach")
    assert "Phó Bí thư Đảng ủy xã" in cadre["title"]

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    assert result["admin_created"]


@pytest.mark.system_scope
def test_no_admin_when_a_superuser_exists():
    User = get_user_model()
    User.objects.create_superuser("root", password="another-pass-123")

    result = seed_demo(today=TODAY)

    assert not result["admin_created"]
    assert not User.objects.filter(username="admin").exists()


def test_command_refuses_in_production_mode(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())

    assert not Organization.unscoped.exists()


def test_command_with_force_runs_and_prints_the_logins(settings):
    settings.DEBUG = False
    out = StringIO()

    call_command("seed_demo", "--force", stdout=out)

    text = out.getvalue()
    with system_scope():
        assert Organization.objects.get(code=SONG_KHE).members.active().count() == 161
    for username in [*EXPECTED_LOGINS, "admin"]:
        assert f"{username} / {DEMO_PASSWORD}" in text
    assert "Phó Bí thư Đảng ủy xã Tam Hưng" in text


def test_the_command_sends_no_email_or_sms_about_the_past_it_enters(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    outward = Notification.objects.exclude(channel="inbox")
    assert outward.exists(), "the demo records answered petitions: their messages are kept"
    assert not outward.exclude(status="cancelled").exists()
