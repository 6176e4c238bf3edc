"""The monthly meeting on a 360-px phone, on the demo data of xã Tam Hưng.

The secretary of Chi bộ thôn Song Khê prepares next month's regular meeting from the commune's
agenda template, takes the roll with the one-tap buttons, records the assigned cadre, writes
the minutes (vote and score), starts the resolution with a task, adopts the minutes and
downloads both documents. The commune staff then sees every branch of the commune on the
flags page.
"""

import datetime
import io
import re

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from playwright.sync_api import expect
from pypdf import PdfReader

from demo.meetings import CADRE_USERNAME, COMMUNE, SECRETARY_USERNAME, SONG_KHE, STAFF_USERNAME, seed_meetings_demo
from demo.members import DEMO_PASSWORD, seed_demo
from meetings.models import AgendaTemplate, Meeting, MeetingStatus
from members.access import subtree_q
from members.models import Member, Organization, OrganizationKind

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.system_scope]

PHONE_WIDTH = 360


@pytest.fixture
def today():
    """The live server runs on the real clock, so the demo is built for the real today."""
    return timezone.localdate()


@pytest.fixture
def demo(today):
    seed_demo(today=today)
    seed_meetings_demo(today=today)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _docx_text(content: bytes) -> str:
    """Every paragraph of the body, tables (the two-column header) included."""
    body = Document(io.BytesIO(content)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def _download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    download = info.value
    assert download.failure() is None
    with open(download.path(), "rb") as handle:
        return handle.read()


def test_secretary_prepares_holds_and_records_next_months_meeting(live_server, phone, demo, today):
    page = phone
    branch = Organization.objects.get(code=SONG_KHE)
    template = AgendaTemplate.objects.get(organization__code=COMMUNE).items
    month = _next_month(today)
    meeting_day = branch.meeting_date(month.year, month.month)
    cadre = Member.objects.get(user__username=CADRE_USERNAME)

    login(page, live_server, SECRETARY_USERNAME, DEMO_PASSWORD)

    # Meetings, from the phone's menu.
    page.locator("label[for=nav-toggle]").click()  # the phone menu opens without JavaScript
    page.locator("#mainnav").get_by_role("link", name="Sinh hoạt chi bộ").click()
    expect(page.get_by_role("heading", name="Sinh hoạt chi bộ", level=1)).to_be_visible()
    _fits_the_phone(page)

    # Next month's regular meeting, on the branch's meeting day.
    page.get_by_role("link", name="Thêm buổi sinh hoạt").click()
    expect(page.get_by_label("Chi bộ")).to_have_value(str(branch.pk))
    expect(page.get_by_label("Loại")).to_have_value("regular")
    page.get_by_label("Ngày").fill(meeting_day.isoformat())
    page.get_by_role("button", name="Tạo", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Đã tạo buổi sinh hoạt.")
    meeting = Meeting.objects.get(branch=branch, month=month)
    assert page.url == f"{live_server.url}/meetings/{meeting.pk}/"
    _fits_the_phone(page)

    # The agenda starts from the commune's template, with the month's guidance in it.
    agenda = page.locator("#agenda-items > li .fw-semibold")
    titles = agenda.all_inner_texts()
    expected_titles = [item["title"] for item in template]
    assert [t for t in titles if t in expected_titles] == expected_titles
    guidance_title = f"Định hướng nội dung sinh hoạt chi bộ tháng {month:%m/%Y}"
    assert guidance_title in titles
    expect(page.locator("#agenda-items").get_by_role("link", name="định hướng của Đảng ủy xã")).to_have_count(1)

    # Roll call: one tap per member, the counts follow without a reload.
    page.locator("#roll-summary").get_by_role("link", name="Điểm danh").click()
    expect(page.get_by_role("heading", name="Điểm danh", level=1)).to_be_visible()
    counts = page.locator("#roll-counts")

    def count(label: str):
        return counts.get_by_text(re.compile(rf"{label} \d+"))

    expected_count = int(re.search(r"\d+", count("Phải dự").inner_text())[0])
    assert expected_count > 100
    expect(count("Chưa điểm danh")).to_have_text(f"Chưa điểm danh {expected_count}")
    page.evaluate("window.notReloaded = true")
    rows = page.locator("li[id^='roll-']")

    def name_of(row) -> str:
        return row.get_by_role("group").get_attribute("aria-label").removeprefix("Điểm danh ")

    for number in range(4):
        row = rows.nth(number)
        row.get_by_role("button", name="Có mặt", exact=True).click()
        expect(row.get_by_role("button", name="Có mặt", exact=True)).to_have_attribute("aria-pressed", "true")
        expect(count("Có mặt")).to_have_text(f"Có mặt {number + 1}")

    excused = rows.nth(4)
    excused_name = name_of(excused)
    excused.get_by_role("button", name="Vắng có lý do").click()
    expect(count("Có lý do")).to_have_text("Có lý do 1")
    reason = excused.get_by_label("Lý do vắng")
    expect(reason).to_be_focused()
    reason.fill("Đi công tác")
    with page.expect_response(lambda response: response.request.method == "POST") as saved:
        excused.get_by_role("button", name="Lưu lý do").click()
    assert saved.value.ok

    unexcused = rows.nth(5)
    unexcused_name = name_of(unexcused)
    unexcused.get_by_role("button", name="Vắng không lý do").click()
    expect(unexcused.get_by_role("button", name="Vắng không lý do")).to_have_attribute("aria-pressed", "true")
    expect(count("Không lý do")).to_have_text("Không lý do 1")
    expect(count("Có lý do")).to_have_text("Có lý do 1")
    expect(count("Có mặt")).to_have_text("Có mặt 4")
    expect(count("Chưa điểm danh")).to_have_text(f"Chưa điểm danh {expected_count - 6}")
    assert page.evaluate("window.notReloaded") is True
    _fits_the_phone(page)

    # The reason was saved: it is there after a reload, and on the meeting page.
    page.reload()
    expect(page.get_by_role("group", name=f"Điểm danh {excused_name}")).to_be_visible()
    expect(page.locator("li[id^='roll-']").nth(4).get_by_label("Lý do vắng")).to_have_value("Đi công tác")
    # Everyone else came: one tap marks the rest present.
    page.get_by_role("button", name=f"Đánh dấu có mặt cho {expected_count - 6} đồng chí chưa điểm danh").click()
    expect(page.get_by_role("alert")).to_have_text(f"Đã đánh dấu có mặt cho {expected_count - 6} đảng viên.")
    expect(count("Có mặt")).to_have_text(f"Có mặt {expected_count - 2}")
    expect(count("Chưa điểm danh")).to_have_count(0)
    page.get_by_role("link", name="Quay lại buổi sinh hoạt").click()
    absentees = page.locator("#roll-summary")
    expect(absentees).to_contain_text(f"{excused_name}: vắng có lý do (Đi công tác)")
    expect(absentees).to_contain_text(f"{unexcused_name}: vắng không lý do")

    # The assigned cadre came, gave remarks and promised to take something back.
    page.get_by_role("link", name="Ghi nhận đại biểu").click()
    cadre_row = page.locator("li.list-group-item").filter(has_text=cadre.full_name)
    expect(cadre_row).to_contain_text("cán bộ phụ trách")
    cadre_row.get_by_role("link", name="Ghi nhận", exact=True).click()
    expect(page.get_by_role("heading", name=cadre.full_name)).to_be_visible()
    page.get_by_label("Có đến").check()
    page.get_by_label("Ý kiến chỉ đạo").fill("Đề nghị chi bộ vận động nhân dân giữ gìn vệ sinh môi trường.")
    page.get_by_label("Nội dung tiếp thu, mang về cấp trên giải quyết").fill("Báo cáo UBND xã sửa đường trục thôn.")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Đã lưu.")
    cadre_row = page.locator("li.list-group-item").filter(has_text=cadre.full_name)
    expect(cadre_row).to_contain_text("có đến")
    expect(cadre_row).to_contain_text("Đề nghị chi bộ vận động nhân dân")
    expect(cadre_row).to_contain_text("Báo cáo UBND xã sửa đường trục thôn.")
    _fits_the_phone(page)

    # The minutes: the vote must add up to the full members present, as the page says.
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.get_by_role("link", name="Ghi biên bản").click()
    # In steps: the opening first, then (after the speakers and conclusions) the vote.
    page.get_by_label("Khai mạc (tuyên bố lý do, giới thiệu đại biểu, cử thư ký)").fill("Đồng chí Bí thư khai mạc.")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.get_by_role("alert")).to_have_text("Đã lưu biên bản.")
    page.get_by_role("link", name="4. Biểu quyết và bế mạc").click()
    voters_line = page.get_by_text("đảng viên chính thức có mặt và biểu quyết")
    voters = int(re.match(r"\d+", voters_line.inner_text())[0])
    assert 0 < voters <= expected_count - 2
    page.get_by_label("Tán thành", exact=True).fill(str(voters))
    page.get_by_label("Không tán thành", exact=True).fill("0")
    page.get_by_label("Không biểu quyết", exact=True).fill("0")
    page.get_by_role("button", name="Lưu biên bản").click()
    expect(page.get_by_role("alert")).to_have_text("Đã lưu biên bản.")
    _fits_the_phone(page)

    # The score, from the minutes page.
    page.get_by_role("link", name="Chấm điểm", exact=True).click()
    # The HD 42 rubric the commune starts from.
    for label, points in (
        ("Thời gian, thời lượng (/5)", 5),
        ("Tham dự (/5)", 5),
        ("Chuẩn bị (/10)", 9),
        ("Tiến hành sinh hoạt, đảng viên tham gia (/30)", 26),
        ("Chủ trì (/10)", 9),
        ("Nguyên tắc sinh hoạt đảng (/5)", 5),
        ("Kết quả thực hiện nghị quyết tháng trước (/30)", 23),
        ("Kết thúc sinh hoạt, biên bản (/5)", 5),
    ):
        page.get_by_label(label).fill(str(points))
    page.get_by_role("button", name="Lưu điểm").click()
    expect(page.get_by_role("alert")).to_have_text("Đã lưu điểm.")
    expect(page.locator("tfoot")).to_contain_text("87/100")
    _fits_the_phone(page)

    # The resolution, with one task.
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.get_by_role("button", name="Bắt đầu soạn nghị quyết").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nghị quyết")
    page.get_by_role("link", name="Nhiệm vụ tháng này").click()
    page.get_by_label("Nhiệm vụ").fill("Vận động nhân dân thu gom rác thải đúng giờ.")
    page.get_by_label("Người phụ trách").fill("Chi hội trưởng Chi hội Phụ nữ")
    page.get_by_label("Thời hạn").fill((meeting_day + datetime.timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Thêm nhiệm vụ").click()
    expect(page.get_by_role("alert")).to_have_text("Đã thêm nhiệm vụ.")
    expect(page.locator("li.list-group-item").first).to_contain_text("Vận động nhân dân thu gom rác thải đúng giờ.")
    _fits_the_phone(page)

    # The secretary chairs by default; the minute-taker is appointed at the meeting.
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.locator("#meeting-actions").get_by_role("link", name="Sửa", exact=True).click()
    # Each member list has a filter box above it (static/js/pick.js): the select itself is meant here.
    expect(page.get_by_label("Chủ trì", exact=True)).not_to_have_value("")
    page.get_by_label("Thư ký", exact=True).select_option(index=2)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Đã lưu.")

    # The meeting was held (only a held meeting's minutes can be adopted): its actual times.
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.get_by_role("link", name="Ghi nhận đã họp").click()
    expect(page.get_by_label("Ngày họp")).to_have_value(meeting_day.strftime("%d/%m/%Y"))
    # Next month's meeting cannot be recorded held before it starts: this rehearsal says it was
    # brought forward to yesterday evening.
    page.get_by_label("Ngày họp").fill((today - datetime.timedelta(days=1)).strftime("%d/%m/%Y"))
    page.get_by_label("Giờ bắt đầu thực tế").fill("19:35")
    page.get_by_label("Giờ kết thúc thực tế").fill("21:45")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Đã ghi nhận buổi sinh hoạt đã diễn ra.")
    expect(page.locator("header dl")).to_contain_text("19:35–21:45 (130 phút)")

    # Adopt the minutes.
    page.get_by_role("link", name="Thông qua biên bản", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text(f"Biểu quyết: {voters} tán thành")
    page.get_by_role("button", name="Thông qua biên bản").click()
    expect(page.get_by_role("alert")).to_have_text("Biên bản đã được thông qua. Điểm danh nay đã được khóa.")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ADOPTED
    _fits_the_phone(page)

    # Both documents, as PDF and Word, from the meeting page's links.
    for link in ("Biên bản (PDF)", "Nghị quyết (PDF)"):
        text = _pdf_text(_download(page, link))
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text, link
        assert "CHI BỘ THÔN SONG KHÊ" in text, link
    for link in ("Biên bản (Word)", "Nghị quyết (Word)"):
        text = _docx_text(_download(page, link))
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text, link
        assert "CHI BỘ THÔN SONG KHÊ" in text, link


def test_commune_staff_sees_every_branch_on_the_flags_page(live_server, phone, demo):
    page = phone
    commune = Organization.objects.get(code=COMMUNE)
    branches = list(
        Organization.objects.filter(subtree_q([commune]), kind=OrganizationKind.BRANCH)
        .order_by("path")
        .values_list("name", flat=True)
    )
    assert len(branches) == 4

    login(page, live_server, STAFF_USERNAME, DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("link", name="Cảnh báo", exact=True).click()
    expect(page.get_by_role("heading", name="Cảnh báo sinh hoạt", level=1)).to_be_visible()
    rows = page.locator("#flags [data-branch] a.fw-semibold")
    expect(rows).to_have_count(len(branches))
    # Every branch, the most serious first (tests/test_rules_flags.py checks the ranking).
    assert sorted(rows.all_inner_texts()) == sorted(branches)
    _fits_the_phone(page)
