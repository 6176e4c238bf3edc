"""benchmark_weight's measure on one page: Playwright's chromium under the slow-network emulation
reports bytes, requests and LCP for a logged-in page (the command runs the same function)."""

import pytest

from demo import weight
from members.models import OrganizationKind, RoleKind

from ..factories import MemberFactory, UserFactory, give_role, make_org

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.system_scope]


def test_measure_reports_bytes_requests_and_lcp_of_a_first_load(live_server, browser):
    province = make_org("Đảng bộ Thành phố Hà Nội", OrganizationKind.PROVINCE, code="hn")
    commune = make_org("Đảng bộ xã Tam Hưng", OrganizationKind.COMMUNE, province, code="tam-hung")
    branch = make_org("Chi bộ thôn Song Khê", OrganizationKind.BRANCH, commune, code="song-khe", branch_type="village")
    MemberFactory.create_batch(5, branch=branch)
    give_role(UserFactory(username="bithu"), RoleKind.SECRETARY, branch)
    paths = weight.page_paths("song-khe")
    assert set(paths) == {"login", "home", "members", "branch", "flags"}  # no meeting yet: no meeting or roll

    results = weight.measure(
        browser, live_server.url, paths, user="bithu", password="matkhau-123", pages=("login", "branch")
    )

    assert [(r.page, r.status) for r in results] == [("login", 200), ("branch", 200)]
    for result in results:
        assert result.requests >= 2  # the page (its CSS written in its head) and the icon
        assert result.bytes > 1000
        assert result.lcp_ms is not None and result.lcp_ms > weight.LATENCY_MS  # one round trip at least
        assert weight.line(result).startswith("bithu")
