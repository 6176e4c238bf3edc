import pytest

from members import selectors
from members.models import OrganizationKind, RoleKind

from ..factories import MemberFactory, UserFactory, give_role, make_org
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.system_scope]


def test_a_leader_opens_a_province_a_page_of_communes_at_a_time(live_server, phone, monkeypatch):
    monkeypatch.setattr(selectors, "CHILDREN_PER_PAGE", 2)  # a province of a thousand communes, in small
    province = make_org("Đảng bộ Tỉnh Thử", OrganizationKind.PROVINCE, code="thu")
    for number in (1, 2, 3):
        commune = make_org(f"Đảng bộ xã Số {number}", OrganizationKind.COMMUNE, province, code=f"xa-{number}")
        branch = make_org(f"Chi bộ thôn {number}", OrganizationKind.BRANCH, commune, code=f"thon-{number}")
        MemberFactory.create_batch(number, branch=branch)
    give_role(UserFactory(username="lanhdao"), RoleKind.LEADER, province)

    login(phone, live_server, "lanhdao", "matkhau-123")
    phone.goto(f"{live_server.url}/organizations/")
    under = phone.locator(f"#tree-{province.pk}")
    # The province opens by itself, with the first page of its communes and a button for the rest.
    more = under.get_by_role("button", name="Xem thêm (đã hiện 2/3)")
    more.wait_for()
    assert under.get_by_role("link", name="Đảng bộ xã Số 3").count() == 0
    more.click()
    third = under.get_by_role("link", name="Đảng bộ xã Số 3")
    third.wait_for()
    assert under.get_by_role("button", name="Xem thêm (đã hiện 2/3)").count() == 0
    assert under.locator(":scope > ul > li").count() == 3  # one list, the button replaced by the third commune
    # The third commune opens to its branch, with its member count.
    under.locator("li", has_text="Đảng bộ xã Số 3").get_by_role("button", name="Mở cấp dưới").click()
    phone.get_by_role("link", name="Chi bộ thôn 3").wait_for()
    assert phone.locator("li", has_text="Chi bộ thôn 3").last.locator(".badge").inner_text() == "3"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
