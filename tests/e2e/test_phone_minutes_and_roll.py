"""On a 360x740 phone: the minutes' error is at the top of the page, where the eye is after the
save; the roll of many names is searched without accents, tells look-alikes apart, shows a tap at
once and keeps it through a dropped connection."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from meetings.models import Attendance, Mark, Meeting, MeetingKind, MeetingStatus
from members.models import OrganizationKind, RoleKind

from ..factories import MemberFactory, UserFactory, give_role, make_org
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.system_scope]


@pytest.fixture
def song_khe():
    province = make_org("Đảng bộ Thành phố Hà Nội", OrganizationKind.PROVINCE, code="hn")
    commune = make_org("Đảng bộ xã Tam Hưng", OrganizationKind.COMMUNE, province, code="tam-hung")
    branch = make_org("Chi bộ thôn Song Khê", OrganizationKind.BRANCH, commune, code="song-khe", branch_type="village")
    user = UserFactory(username="bithu")
    give_role(user, RoleKind.SECRETARY, branch)
    now = timezone.localtime()
    meeting = Meeting.objects.create(
        branch=branch,
        kind=MeetingKind.REGULAR,
        month=now.date().replace(day=1),
        planned_start=now - datetime.timedelta(hours=2),
        planned_end=now - datetime.timedelta(hours=1),
        status=MeetingStatus.HELD,
        actual_start=now - datetime.timedelta(hours=2),
        actual_end=now - datetime.timedelta(hours=1),
    )
    return branch, meeting, user


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 100) <= 740


def test_a_vote_that_does_not_add_up_shows_its_error_at_the_top(live_server, phone, song_khe):
    branch, meeting, user = song_khe
    members = MemberFactory.create_batch(3, branch=branch)
    for member in members:
        Attendance.objects.create(meeting=meeting, member=member, mark=Mark.PRESENT, category="full", marked_by=user)
    login(phone, live_server, "bithu", "matkhau-123")

    phone.goto(f"{live_server.url}{reverse('meetings:minutes', args=[meeting.pk])}?step=vote")
    phone.get_by_label("Tán thành", exact=True).fill("5")
    phone.get_by_label("Không tán thành", exact=True).fill("0")
    phone.get_by_label("Không biểu quyết", exact=True).fill("0")
    phone.get_by_label("Bế mạc").fill("Bế mạc lúc 21 giờ.")
    phone.get_by_role("button", name="Lưu biên bản").click()

    banner = phone.locator("#minutes-errors")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Chưa lưu")
    expect(banner).to_contain_text("3")  # the full members present who vote
    assert _in_view(phone, banner), banner.bounding_box()
    expect(banner).to_be_focused()  # screen readers start at the error
    assert phone.evaluate("window.scrollY") < 200
    expect(phone.get_by_label("Bế mạc")).to_have_value("Bế mạc lúc 21 giờ.")  # what was typed is kept
    # The link takes the eye to the vote.
    banner.get_by_role("link").first.click()
    assert phone.url.endswith("#vote")
    assert _in_view(phone, phone.locator("#vote"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_roll_is_searched_without_accents_and_a_tap_survives_a_dropped_connection(live_server, phone, song_khe):
    branch, meeting, user = song_khe
    MemberFactory.create_batch(40, branch=branch)
    MemberFactory(
        branch=branch, full_name="Nguyễn Thị Oanh", date_of_birth=datetime.date(1962, 2, 1), residence="Xóm 3"
    )
    MemberFactory(
        branch=branch, full_name="Nguyễn Thị Oanh", date_of_birth=datetime.date(1975, 6, 1), residence="Xóm 5"
    )
    duc = MemberFactory(branch=branch, full_name="Đặng Văn Đức")
    login(phone, live_server, "bithu", "matkhau-123")
    phone.goto(f"{live_server.url}{reverse('meetings:roll', args=[meeting.pk])}")
    rows = phone.locator("li[id^='roll-']")

    search = phone.get_by_label("Tìm đảng viên")
    search.fill("oan")  # three letters, no accents
    expect(rows.filter(visible=True)).to_have_count(2)
    expect(rows.filter(visible=True).nth(0)).to_contain_text("Nguyễn Thị Oanh (1962, Xóm 3)")
    expect(rows.filter(visible=True).nth(1)).to_contain_text("Nguyễn Thị Oanh (1975, Xóm 5)")
    search.fill("dang van duc")  # đ is d
    expect(rows.filter(visible=True)).to_have_count(1)
    row = phone.locator(f"#roll-{duc.pk}")
    # The sticky counts and search never cover the row.
    counts_bottom = phone.evaluate("document.getElementById('roll-top').getBoundingClientRect().bottom")
    row.scroll_into_view_if_needed()
    assert row.bounding_box()["y"] >= counts_bottom - 1

    # The network drops: the tap shows at once and is sent when the network is back, once.
    phone.context.set_offline(True)
    present = row.get_by_role("button", name="Có mặt", exact=True)
    present.click()
    expect(present).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("[data-roll-queue]")).to_be_visible()
    assert not Attendance.objects.filter(meeting=meeting, member=duc).exists()
    phone.context.set_offline(False)
    expect(phone.locator("#roll-counts")).to_contain_text("Có mặt 1")
    expect(phone.locator("[data-roll-queue]")).to_be_hidden()
    assert list(Attendance.objects.filter(meeting=meeting, member=duc).values_list("mark", flat=True)) == ["present"]
    # Focus stays on the row after the mark, and the row stays found.
    assert phone.evaluate(f"document.getElementById('roll-{duc.pk}').contains(document.activeElement)")
    expect(rows.filter(visible=True)).to_have_count(1)


def test_agenda_controls_are_big_enough_and_removing_asks_first(live_server, phone, song_khe):
    branch, held, user = song_khe
    now = timezone.localtime()
    meeting = Meeting.objects.create(
        branch=branch,
        kind=MeetingKind.REGULAR,
        month=(now.date().replace(day=1) + datetime.timedelta(days=40)).replace(day=1),
        planned_start=now + datetime.timedelta(days=40),
        planned_end=now + datetime.timedelta(days=40, hours=2),
    )
    for title, kind in (("Khai mạc", "opening"), ("Thảo luận", "discussion"), ("Thông qua biên bản", "minutes")):
        services.agenda.agenda_item_add(meeting=meeting, title=title, kind=kind)
    login(phone, live_server, "bithu", "matkhau-123")
    phone.goto(f"{live_server.url}{meeting.get_absolute_url()}")

    # A new item goes before the closing item.
    phone.get_by_text("Thêm mục chương trình", exact=True).click()
    phone.locator("#id_new_title").fill("Góp ý dự thảo")
    phone.locator("#agenda form[hx-post$='/agenda/add/'] button[type=submit]").click()
    titles = phone.locator("#agenda-items > li .fw-semibold")
    expect(titles).to_have_text(["Khai mạc", "Thảo luận", "Góp ý dự thảo", "Thông qua biên bản"])

    # Every control of the agenda is at least 44x44 px.
    controls = phone.locator("#agenda-items button:visible, #agenda-items a.btn:visible, #agenda-items summary:visible")
    assert controls.count() > 8
    for i in range(controls.count()):
        box = controls.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (controls.nth(i).inner_text(), box)

    # Removing asks first, in the page; the item stays until confirmed.
    item = phone.locator("#agenda-items > li").filter(has_text="Góp ý dự thảo")
    item.get_by_text("Xóa mục này…").click()
    confirm = item.get_by_role("button", name="Đồng ý xóa")
    expect(confirm).to_be_visible()
    assert meeting.agenda_items.filter(title="Góp ý dự thảo").exists()
    confirm.click()
    expect(titles).to_have_text(["Khai mạc", "Thảo luận", "Thông qua biên bản"])
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
