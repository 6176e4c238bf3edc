import pytest

from members.models import OrganizationKind, RoleKind

from ..factories import MemberFactory, UserFactory, give_role, make_org

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.system_scope]


def test_secretary_finds_member_without_accents_and_opens_branch(live_server, phone):
    province = make_org("Đảng bộ Thành phố Hà Nội", OrganizationKind.PROVINCE, code="hn")
    commune = make_org("Đảng bộ xã Tam Hưng", OrganizationKind.COMMUNE, province, code="tam-hung")
    branch = make_org("Chi bộ thôn Song Khê", OrganizationKind.BRANCH, commune, code="song-khe", branch_type="village")
    MemberFactory(branch=branch, full_name="Nguyễn Văn An")
    MemberFactory.create_batch(20, branch=branch)
    user = UserFactory(username="bithu")
    give_role(user, RoleKind.SECRETARY, branch)

    phone.goto(f"{live_server.url}/login/")
    phone.get_by_label("Tên đăng nhập").fill("bithu")
    phone.get_by_label("Mật khẩu").fill("matkhau-123")
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.wait_for_url(f"{live_server.url}/")

    phone.goto(f"{live_server.url}/members/")
    phone.get_by_label("Họ tên").fill("nguyen van an")
    phone.get_by_role("button", name="Tìm").click()
    result = phone.locator("#member-results a").first
    assert result.inner_text().startswith("Nguyễn Văn An")
    assert phone.locator("#member-results a").count() == 1

    result.click()
    phone.get_by_role("link", name="Chi bộ thôn Song Khê").first.click()
    phone.wait_for_url(f"{live_server.url}/organizations/{branch.pk}/")
    assert phone.locator("h1").inner_text() == "Chi bộ thôn Song Khê"
    assert phone.locator("#count-total").inner_text() == "21"
    # Nothing wider than the phone: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
