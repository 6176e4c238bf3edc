"""The meeting goes on when the network drops (issue 26), on a 360x740 phone: the roll of a
161-member branch, a petition and a speech recorded offline, the page reloaded offline, then the
network back: the server holds each write once, even when every queued request is sent again;
and a request whose answer is lost is retried without applying anything twice."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from meetings import services
from meetings.models import Attendance, KeyedWrite, Meeting, MeetingKind, MeetingStatus, Speech
from members.models import OrganizationKind, RoleKind
from petitions.models import Petition

from ..factories import MemberFactory, UserFactory, give_role, make_org
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.system_scope]

MARKS = ["present", "late", "present", "unexcused", "left_early", "present", "present", "excused"]


@pytest.fixture
def big_branch():
    province = make_org("Đảng bộ Thành phố Hà Nội", OrganizationKind.PROVINCE, code="hn")
    commune = make_org("Đảng bộ xã Tam Hưng", OrganizationKind.COMMUNE, province, code="tam-hung")
    branch = make_org("Chi bộ thôn Song Khê", OrganizationKind.BRANCH, commune, code="song-khe", branch_type="village")
    user = UserFactory(username="bithu")
    give_role(user, RoleKind.SECRETARY, branch)
    members = MemberFactory.create_batch(161, branch=branch)
    now = timezone.localtime()
    meeting = Meeting.objects.create(
        branch=branch,
        kind=MeetingKind.REGULAR,
        month=now.date().replace(day=1),
        planned_start=now - datetime.timedelta(hours=1),
        planned_end=now + datetime.timedelta(hours=1),
        status=MeetingStatus.HELD,
        actual_start=now - datetime.timedelta(hours=1),
    )
    item = services.agenda.agenda_item_add(meeting=meeting, title="Thảo luận", kind="discussion")
    return meeting, members, item, user


def _controlled(page) -> None:
    """Waits until the service worker controls the page (it registers after the page loads)."""
    for _attempt in range(100):
        if page.evaluate("!!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            return
        page.wait_for_timeout(200)
    raise AssertionError("the service worker never took control of the page")


def _send_now(page) -> None:
    """Taps "Gửi ngay" unless the queue has already been sent on its own (the 'online' event, a retry)."""
    button = page.get_by_role("button", name="Gửi ngay")
    try:
        if button.is_visible():
            button.click(timeout=3_000)
    except PlaywrightTimeoutError:
        pass


def _row_ids(page) -> list[int]:
    return [
        int(i.removeprefix("roll-"))
        for i in page.locator("ul.roll > li[id^='roll-']").evaluate_all("r => r.map(x => x.id)")
    ]


def test_a_roll_a_petition_and_a_speech_taken_offline_are_saved_once(live_server, phone, big_branch):
    meeting, members, item, user = big_branch
    page = phone
    context = page.context
    login(page, live_server, "bithu", "matkhau-123")
    _controlled(page)
    page.reload()
    _controlled(page)
    roll = f"{live_server.url}{reverse('meetings:roll', args=[meeting.pk])}"
    petition_form = f"{live_server.url}{reverse('petitions:record')}?meeting={meeting.pk}"
    speeches = f"{live_server.url}{reverse('meetings:minutes', args=[meeting.pk])}?step=speeches"
    # Opened online: kept on the phone for the meeting.
    for url in (f"{live_server.url}{meeting.get_absolute_url()}", petition_form, speeches, roll):
        page.goto(url)
        expect(page.locator("#offline-banner")).to_be_attached()

    ids = _row_ids(page)
    assert len(ids) == 161
    # The roll call starts online: five marks saved at once.
    for member_id in ids[:5]:
        page.locator(f"#roll-{member_id} button[name=present]").click()
    expect(page.locator("#roll-counts")).to_contain_text("Có mặt 5")

    # The network drops in the middle of the roll call.
    sent = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" and r.headers.get("idempotency-key") else None)
    offline_from = timezone.now()
    context.set_offline(True)
    banner = page.locator("#offline-banner")
    expect(banner).to_contain_text("Đang ngoại tuyến – các thay đổi sẽ được gửi khi có mạng")
    offline_marks = {}
    for number, member_id in enumerate(ids[5:45]):
        mark = MARKS[number % len(MARKS)]
        page.locator(f"#roll-{member_id} button[name={mark}]").click()
        offline_marks[member_id] = mark
    expect(banner).to_contain_text("40 thay đổi đang chờ gửi")
    expect(page.locator("ul.roll > li[data-waiting]")).to_have_count(40)
    assert Attendance.objects.filter(meeting=meeting).count() == 5

    # A petition and a speech, offline, on pages kept on the phone.
    page.goto(petition_form)
    form = page.locator("#record-form")
    form.locator("[name=title]").fill("Đường xóm 3 ngập khi mưa")
    form.locator("[name=category]").select_option(index=1)
    form.locator("[name=resident_name]").fill("Bà Nguyễn Thị Lan")
    form.locator("button[type=submit]").first.click()
    expect(page.locator("[data-offline-note]")).to_be_visible()
    page.goto(speeches)
    block = page.locator(f"#item-{item.pk}")
    block.get_by_text("Thêm người phát biểu").click()
    block.locator("[name=speaker_name]").fill("Đồng chí Hùng")
    block.locator("[name=text]").fill("Đề nghị sửa đường xóm 3 trước mùa mưa.")
    block.locator("button[type=submit]").last.click()
    expect(page.locator("[data-offline-note]")).to_be_visible()
    expect(page.locator("#offline-banner")).to_contain_text("42 thay đổi đang chờ gửi")

    # The app is closed and reopened offline: the roll opens from the phone, the marks waiting.
    page.goto(roll)
    page.reload()
    expect(page.locator("ul.roll > li[data-waiting]")).to_have_count(40)
    for member_id, mark in list(offline_marks.items())[:3]:
        expect(page.locator(f"#roll-{member_id} button[name={mark}]")).to_have_attribute("aria-pressed", "true")
    # A page never opened says it needs the network.
    other = context.new_page()
    other.goto(f"{live_server.url}{reverse('members:list')}")
    expect(other.get_by_text("Trang này cần có mạng")).to_be_visible()
    other.close()
    assert Attendance.objects.filter(meeting=meeting).count() == 5
    assert not Petition.objects.exists() and not Speech.objects.exists()

    # The network returns: everything is sent, in order, once.
    context.set_offline(False)
    _send_now(page)
    expect(page.locator("ul.roll > li[data-waiting]")).to_have_count(0, timeout=60_000)
    expect(page.locator("#offline-banner")).to_be_hidden()
    stored = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "mark"))
    assert len(stored) == 45
    assert {member_id: stored[member_id] for member_id in offline_marks} == offline_marks
    assert list(Petition.objects.values_list("title", "meeting_id")) == [("Đường xóm 3 ngập khi mưa", meeting.pk)]
    assert list(Speech.objects.values_list("speaker_name", flat=True)) == ["Đồng chí Hùng"]
    expect(page.locator("#roll-counts")).to_contain_text(
        f"Có mặt {5 + sum(m in ('present', 'late', 'left_early') for m in offline_marks.values())}"
    )

    # Every queued request sent again (a phone that did not hear the answers): nothing changes.
    history = Attendance.history.count()
    # The writes queued offline, as the server received them: 42 keys. The page sent most of them;
    # the service worker's Background Sync may have sent some, which the page does not see.
    keys = {str(key) for key in KeyedWrite.objects.filter(received_at__gte=offline_from).values_list("key", flat=True)}
    assert len(keys) == 42
    assert sent and {r.headers["idempotency-key"] for r in sent} <= keys
    for request in sent:
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() in ("idempotency-key", "x-tapped-at", "content-type", "hx-request")
        }
        response = context.request.post(request.url, headers=headers, data=request.post_data, max_redirects=0)
        assert response.status < 500, response.status
        assert response.headers.get("idempotent-replayed") == "true"
    assert Attendance.history.count() == history
    assert Attendance.objects.filter(meeting=meeting).count() == 45
    assert Petition.objects.count() == 1 and Speech.objects.count() == 1
    assert KeyedWrite.objects.filter(key__in=keys).count() == 42

    # Logging out removes what the phone kept of the meeting.
    databases = "indexedDB.databases().then(found => found.map(db => db.name))"
    assert "chibo-meeting-pages" in page.evaluate("caches.keys()")
    assert "chibo-offline" in page.evaluate(databases)
    with page.expect_navigation():
        page.locator("form[data-logout]").evaluate("form => form.requestSubmit()")
    assert page.url.startswith(f"{live_server.url}/login/")
    assert "chibo-meeting-pages" not in page.evaluate("caches.keys()")
    assert "chibo-offline" not in page.evaluate(databases)  # Clear-Site-Data: "storage"


def test_a_write_whose_answer_is_lost_is_retried_and_applied_once(live_server, browser, big_branch):
    meeting, members, item, user = big_branch
    # page.route sees the page's own requests only without a service worker in between.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server, "bithu", "matkhau-123")
        page.goto(f"{live_server.url}{reverse('meetings:roll', args=[meeting.pk])}")
        member_id = _row_ids(page)[0]
        lost = []

        def reach_then_drop(route):
            if route.request.method == "POST" and not lost:
                lost.append(route.fetch())  # the server applies it…
                route.abort("connectionreset")  # …and the answer never reaches the phone
            else:
                route.continue_()

        page.route("**/roll/*/", reach_then_drop)
        with page.expect_event("requestfailed"):
            page.locator(f"#roll-{member_id} button[name=late]").click()
        expect(page.locator(f"#roll-{member_id}")).to_have_attribute("data-waiting", "đang chờ gửi")
        assert lost and lost[0].status == 200
        assert list(Attendance.objects.filter(meeting=meeting).values_list("mark", flat=True)) == ["late"]
        _send_now(page)
        expect(page.locator("ul.roll > li[data-waiting]")).to_have_count(0)
        expect(page.locator(f"#roll-{member_id} button[name=late]")).to_have_attribute("aria-pressed", "true")
        assert Attendance.objects.filter(meeting=meeting).count() == 1
        assert Attendance.history.count() == 1
        assert KeyedWrite.objects.count() == 1

        # The same with a speech (an htmx form): the request reaches the server, the answer is lost.
        page.goto(f"{live_server.url}{reverse('meetings:minutes', args=[meeting.pk])}?step=speeches")
        lost.clear()
        page.route("**/speeches/", reach_then_drop)
        block = page.locator(f"#item-{item.pk}")
        block.get_by_text("Thêm người phát biểu").click()
        block.locator("[name=speaker_name]").fill("Đồng chí Hùng")
        block.locator("[name=text]").fill("Đề nghị sửa đường.")
        with page.expect_event("requestfailed"):
            block.locator("button[type=submit]").last.click()
        expect(page.locator("[data-offline-note]")).to_be_visible()
        assert Speech.objects.count() == 1
        _send_now(page)
        expect(page.locator("#offline-banner")).to_be_hidden()
        assert Speech.objects.count() == 1
        assert KeyedWrite.objects.count() == 2
        assert json.loads(page.locator("#offline-text").text_content())["send_now"] == "Gửi ngay"
    finally:
        context.close()
