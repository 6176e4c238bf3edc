"""Personas: each is a logged-in test client with one role somewhere in a small tree.

Tree: Hà Nội → xã Tam Hưng → {thôn Song Khê, thôn Phú Thịnh}
      Hà Nội → phường Đức Thắng → {Tổ dân phố số 7}       (another commune: outsiders)
"""

from types import SimpleNamespace

import pytest
from django.test import Client

from members import scoping
from members.access import system_scope
from members.models import OrganizationKind, RoleKind

from .factories import MemberFactory, UserFactory, give_role, make_org


@pytest.fixture
def tree(db):
    province = make_org("Đảng bộ Thành phố Hà Nội", OrganizationKind.PROVINCE, code="hn")
    commune = make_org("Đảng bộ xã Tam Hưng", OrganizationKind.COMMUNE, province, code="tam-hung")
    branch = make_org(
        "Chi bộ thôn Song Khê",
        OrganizationKind.BRANCH,
        commune,
        code="song-khe",
        branch_type="village",
        meeting_day=5,
        meeting_place="Nhà văn hóa thôn Song Khê",
    )
    sibling = make_org(
        "Chi bộ thôn Phú Thịnh", OrganizationKind.BRANCH, commune, code="phu-thinh", branch_type="village"
    )
    other_commune = make_org("Đảng bộ phường Đức Thắng", OrganizationKind.COMMUNE, province, code="duc-thang")
    other_branch = make_org(
        "Chi bộ Tổ dân phố số 7", OrganizationKind.BRANCH, other_commune, code="tdp-7", branch_type="residential"
    )
    return SimpleNamespace(
        province=province,
        commune=commune,
        branch=branch,
        sibling=sibling,
        other_commune=other_commune,
        other_branch=other_branch,
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Fixtures set up data across branches: they run in the system scope. Test bodies run
    guarded, as production code does (pretix does the same with django-scopes): a request enters
    its user's scope (the middleware), a task or command must enter its own."""
    with system_scope():
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """The body starts in no scope whatever ran before it. ``pytestmark = pytest.mark.system_scope``:
    this module's test bodies build or check rows across branches directly (factories,
    ``Model.objects``, services), which production code only does inside a scope; requests made by
    these tests still run in their user's scope."""
    with system_scope() if item.get_closest_marker("system_scope") else scoping.outside():
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Real hashing costs ~0.3 s per user; tests only need passwords that work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests travel in time (time_machine) further than a login lasts.
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    # Personas log in with a password only (production requires two-factor of staff and leaders);
    # tests/members/test_accounts_two_factor.py turns the requirement on.
    settings.CHIBO_2FA_REQUIRED = False
    # Each test its own empty cache: the shared one (Redis, a folder) outlives tests and runs
    # (tests/test_cache.py checks the shared one across processes).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _persona(username, kind, organization, member=None):
    user = UserFactory(username=username)
    if kind:
        give_role(user, kind, organization)
    if member is not None:
        member.user = user
        member.save()
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def staff(tree):
    """Commune staff of xã Tam Hưng."""
    return _persona("staff", RoleKind.COMMUNE_STAFF, tree.commune)


@pytest.fixture
def secretary(tree):
    """Secretary of Chi bộ thôn Song Khê."""
    return _persona("secretary", RoleKind.SECRETARY, tree.branch)


@pytest.fixture
def leader(tree):
    return _persona("leader", RoleKind.LEADER, tree.commune)


@pytest.fixture
def cadre(tree):
    """A cadre assigned to follow Chi bộ thôn Song Khê."""
    return _persona("cadre", RoleKind.CADRE, tree.branch)


@pytest.fixture
def plain_member(tree):
    member = MemberFactory(branch=tree.branch, full_name="Lê Thị Hoa")
    return _persona("member", RoleKind.MEMBER, tree.branch, member=member)


@pytest.fixture
def outsider(tree):
    """Commune staff of another commune (phường Đức Thắng)."""
    return _persona("outsider", RoleKind.COMMUNE_STAFF, tree.other_commune)
