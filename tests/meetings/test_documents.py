"""The minutes and the resolution as DOCX and PDF: Vietnamese header, names and counts survive."""

import datetime
import io
import unicodedata
from urllib.parse import unquote

import pytest
from docx import Document
from pypdf import PdfReader

from meetings import documents, services
from meetings.documents.pdf import FONT_FAMILY
from meetings.models import AgendaItem, Attendance, Category, Guest, Mark, MeetingStatus, Speech, Task
from members.models import MemberStatus, Position, PositionKind

from ..factories import MemberFactory, PositionFactory
from .conftest import at, make_meeting

pytestmark = pytest.mark.system_scope

SECRETARY = "Nguyễn Văn Thưởng"
MINUTE_TAKER = "Trần Thị Hằng"
ABSENT = "Phạm Đức Hữu"
PROBATIONARY = "Đỗ Thị Ngọc Ánh"
CADRE = "Lê Quang Vĩnh"


def flat(text: str) -> str:
    """One line, composed: what a reader sees, whatever the line breaks in the file."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return flat("\n".join(parts))


def pdf_text(content: bytes) -> str:
    return flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def pdf_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            fonts.add(str(font["/BaseFont"]))
    return fonts


def held_meeting(tree, *, full_members=9, adopted=True, committee=True):
    """Song Khê, 5/12/2026: full members, one probationary, one absent with reason, a cadre, a vote, a score.
    With ``committee``, the minute-taker holds a committee position (the branch has a chi ủy)."""
    secretary = MemberFactory(branch=tree.branch, full_name=SECRETARY)
    PositionFactory(member=secretary, branch=tree.branch, kind=PositionKind.SECRETARY)
    taker = MemberFactory(branch=tree.branch, full_name=MINUTE_TAKER)
    if committee:
        PositionFactory(member=taker, branch=tree.branch, kind=PositionKind.COMMITTEE)
    absent = MemberFactory(branch=tree.branch, full_name=ABSENT)
    others = MemberFactory.create_batch(full_members - 3, branch=tree.branch)
    probationary = MemberFactory(
        branch=tree.branch,
        full_name=PROBATIONARY,
        status=MemberStatus.PROBATIONARY,
        admitted_on=datetime.date(2026, 6, 1),
        full_member_on=None,
    )
    meeting = make_meeting(
        tree.branch,
        chair=secretary,
        minute_taker=taker,
        actual_start=at(datetime.date(2026, 12, 5), 19, 30),
        actual_end=at(datetime.date(2026, 12, 5), 21, 15),
        status=MeetingStatus.HELD,
    )
    from django.contrib.auth import get_user_model

    marker = get_user_model().objects.create(username="marker")
    for member in [secretary, taker, *others]:
        Attendance.objects.create(
            meeting=meeting, member=member, mark=Mark.PRESENT, category=Category.FULL, marked_by=marker
        )
    Attendance.objects.create(
        meeting=meeting, member=probationary, mark=Mark.PRESENT, category=Category.PROBATIONARY, marked_by=marker
    )
    Attendance.objects.create(
        meeting=meeting,
        member=absent,
        mark=Mark.EXCUSED,
        reason="Ốm nằm viện",
        category=Category.FULL,
        marked_by=marker,
    )
    Guest.objects.create(
        meeting=meeting,
        name=CADRE,
        title="Phó Bí thư Đảng ủy, Chủ tịch UBND xã",
        expected=True,
        attended=True,
        remarks="Chi bộ cần vận động nhân dân hiến đất làm đường.",
        promises="Báo cáo Đảng ủy xã về kinh phí sửa đường.",
    )
    item = AgendaItem.objects.create(
        meeting=meeting, position=1, title="Thảo luận nhiệm vụ tháng", conclusion="Thống nhất sửa đường làng."
    )
    Speech.objects.create(agenda_item=item, speaker=taker, speaker_name=MINUTE_TAKER, text="Đề nghị sửa đường thôn.")
    voters = full_members - 1
    minutes = services.minutes.minutes_for(meeting)
    minutes.votes_for, minutes.votes_against, minutes.votes_abstain = voters, 0, 0
    minutes.scores = {"preparation": 15, "attendance": 18, "conduct": 42, "closing": 18}
    minutes.score_total, minutes.score_level = 93, "good"
    minutes.save()
    resolution = services.resolution.resolution_for(meeting)
    Task.objects.create(resolution=resolution, position=1, description="Bê tông hóa đường ngõ xóm", lead=SECRETARY)
    if adopted:
        meeting.status = MeetingStatus.ADOPTED
        meeting.save()
        services.resolution.resolution_issue(meeting=meeting, by=None)  # the vote passed: numbered
    return meeting


@pytest.fixture
def held(tree):
    return held_meeting(tree)


EXPECTED_IN_BOTH = [
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "ĐẢNG BỘ XÃ TAM HƯNG",
    "CHI BỘ THÔN SONG KHÊ",
    "Tam Hưng, ngày 05 tháng 12 năm 2026",
    SECRETARY,
]
MINUTES_EXPECTED = [
    "BIÊN BẢN",
    "Ý KIẾN CHỈ ĐẠO CỦA CẤP ỦY CẤP TRÊN",
    "vận động nhân dân hiến đất làm đường",
    "Báo cáo Đảng ủy xã về kinh phí sửa đường",
    MINUTE_TAKER,
    CADRE,
    "Phó Bí thư Đảng ủy, Chủ tịch UBND xã",
    f"Đồng chí {ABSENT}: vắng có lý do.",
    "Tổng số đảng viên của chi bộ: 10 đồng chí.",
    "Số đảng viên phải triệu tập: 10 đồng chí",
    "Có mặt: 9 đồng chí (chính thức: 8; dự bị: 1; sinh hoạt tạm thời: 0), đạt 90%",
    "Vắng mặt: 1 đồng chí (có lý do: 1; không lý do: 0)",
    "Đề nghị sửa đường thôn.",
    "Thống nhất sửa đường làng.",
    "Tán thành: 8 đồng chí (100%)",
    "Tổng điểm: 93/100. Xếp loại: Tốt.",
    "CHỦ TRÌ",
    "THƯ KÝ",
]
RESOLUTION_EXPECTED = [
    "NGHỊ QUYẾT",
    "Số 01-NQ/CB",
    "Chi bộ thôn Song Khê lãnh đạo thực hiện nhiệm vụ tháng 12/2026",
    "có mặt: 9 đồng chí",
    "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG TRƯỚC",
    "II. NHIỆM VỤ THÁNG 12/2026",
    "Bê tông hóa đường ngõ xóm",
    "III. TỔ CHỨC THỰC HIỆN",
    "IV. TỰ ĐÁNH GIÁ CHẤT LƯỢNG SINH HOẠT",
    "Nơi nhận:",
    "Đảng ủy xã (để b/c)",
    "T/M CHI ỦY BÍ THƯ",
]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_minutes_documents_carry_the_vietnamese_text(held, fmt):
    content = getattr(documents, f"minutes_{fmt}")(held)
    text = docx_text(content) if fmt == "docx" else pdf_text(content)
    for expected in EXPECTED_IN_BOTH + MINUTES_EXPECTED:
        assert expected in text, expected


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_resolution_documents_carry_the_vietnamese_text(held, fmt):
    content = getattr(documents, f"resolution_{fmt}")(held)
    text = docx_text(content) if fmt == "docx" else pdf_text(content)
    for expected in EXPECTED_IN_BOTH + RESOLUTION_EXPECTED:
        assert expected in text, expected


def test_a_branch_without_chi_uy_signs_for_the_branch(tree):
    """No committee position held: the secretary signs for the branch, whatever the member count."""
    meeting = held_meeting(tree, full_members=9, committee=False)
    text = pdf_text(documents.resolution_pdf(meeting))
    assert "T/M CHI BỘ BÍ THƯ" in text
    assert "CHI ỦY" not in text
    assert "T/M CHI BỘ BÍ THƯ" in docx_text(documents.resolution_docx(meeting))


def test_pdf_embeds_its_fonts_in_one_family(held):
    fonts = pdf_fonts(documents.minutes_pdf(held))
    assert fonts
    # Subset names look like /ABCDEF+TeXGyreTermes-Bold.
    assert all(FONT_FAMILY.replace(" ", "") in font.split("+")[-1].replace("-", "") for font in fonts), fonts


def test_docx_layout_a4_hd36_margins_times_new_roman(held):
    document = Document(io.BytesIO(documents.minutes_docx(held)))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == 30 and round(section.top_margin.mm) == 20
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size.pt == 14
    header = document.tables[0].rows[0].cells
    assert header[0].paragraphs[0].text == "ĐẢNG BỘ XÃ TAM HƯNG"
    assert header[0].paragraphs[2].text == "*"
    right = header[1].paragraphs
    assert right[0].runs[0].underline and right[0].runs[0].bold
    assert right[-1].runs[0].italic


# --- Downloads -----------------------------------------------------------------------------

DOWNLOADS = ["minutes_docx", "minutes_pdf", "resolution_docx", "resolution_pdf"]


@pytest.mark.parametrize("name", DOWNLOADS)
def test_download_is_an_attachment_with_ascii_and_utf8_names(secretary, held, name):
    held.status = MeetingStatus.HELD
    held.save()
    response = secretary.get(f"/meetings/{held.pk}/{name.replace('_', '.')}")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    extension = name.split("_")[1]
    what = "bien-ban" if name.startswith("minutes") else "nghi-quyet"
    # Named by the meeting's day (two meetings of one month get two names); held, not adopted: a draft.
    expected = f"du-thao-{what}-chi-bo-thon-song-khe-ngay-05-12-2026.{extension}"
    assert disposition.startswith(f'attachment; filename="{expected}"')
    assert disposition.isascii()
    utf8 = disposition.split("filename*=UTF-8''")[1]
    title = "biên bản" if name.startswith("minutes") else "nghị quyết"
    assert unquote(utf8) == f"Dự thảo {title} Chi bộ thôn Song Khê 05-12-2026.{extension}"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize("name", DOWNLOADS)
def test_readers_download_only_adopted_meetings(tree, leader, plain_member, cadre, name):
    meeting = held_meeting(tree, adopted=False)
    url = f"/meetings/{meeting.pk}/{name.replace('_', '.')}"
    for reader in (leader, plain_member, cadre):
        assert reader.get(url).status_code == 404
    meeting.status = MeetingStatus.ADOPTED
    meeting.save()
    for reader in (leader, plain_member, cadre):
        assert reader.get(url).status_code == 200


@pytest.mark.parametrize("name", DOWNLOADS)
def test_commune_staff_download_held_meetings(held, staff, name):
    """Outsiders get 404 on every download: tests/test_url_walk.py."""
    url = f"/meetings/{held.pk}/{name.replace('_', '.')}"
    assert staff.get(url).status_code == 200


def test_resolution_download_404_without_resolution(tree, secretary):
    meeting = make_meeting(tree.branch, status=MeetingStatus.HELD)
    assert secretary.get(f"/meetings/{meeting.pk}/resolution.pdf").status_code == 404
    assert secretary.get(f"/meetings/{meeting.pk}/minutes.pdf").status_code == 200


@pytest.mark.parametrize("status", [MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT, MeetingStatus.CANCELLED])
def test_a_meeting_not_held_has_no_minutes_document(tree, secretary, status):
    meeting = make_meeting(tree.branch, status=status)
    for extension in ("pdf", "docx"):
        assert secretary.get(f"/meetings/{meeting.pk}/minutes.{extension}").status_code == 404
    page = secretary.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"/meetings/{meeting.pk}/minutes.pdf" not in page


DEPUTY = "Hoàng Thị Phó"


@pytest.mark.parametrize(("committee", "for_whom"), [(True, "T/M CHI ỦY"), (False, "T/M CHI BỘ")])
def test_with_the_secretary_post_vacant_the_deputy_in_charge_signs(tree, committee, for_whom):
    """Issue 20: the secretary's term ended before the meeting; the deputy signs "PHÓ BÍ THƯ" with her name."""
    meeting = held_meeting(tree, committee=committee)
    Position.objects.filter(kind=PositionKind.SECRETARY).update(ended_on=datetime.date(2026, 11, 30))
    deputy = MemberFactory(branch=tree.branch, full_name=DEPUTY)
    PositionFactory(member=deputy, branch=tree.branch, kind=PositionKind.DEPUTY)
    content = documents.resolution_docx(meeting)
    sign = Document(io.BytesIO(content)).tables[-1].rows[0].cells[1]
    assert [p.text for p in sign.paragraphs if p.text] == [for_whom, "PHÓ BÍ THƯ", DEPUTY]
    assert f"{for_whom} PHÓ BÍ THƯ" in pdf_text(documents.resolution_pdf(meeting))


def test_the_secretary_signs_on_the_last_day_of_the_term_even_with_a_deputy(tree):
    meeting = held_meeting(tree)
    Position.objects.filter(kind=PositionKind.SECRETARY).update(ended_on=datetime.date(2026, 12, 5))
    PositionFactory(
        member=MemberFactory(branch=tree.branch, full_name=DEPUTY), branch=tree.branch, kind=PositionKind.DEPUTY
    )
    sign = Document(io.BytesIO(documents.resolution_docx(meeting))).tables[-1].rows[0].cells[1]
    assert [p.text for p in sign.paragraphs if p.text] == ["T/M CHI ỦY", "BÍ THƯ", SECRETARY]


def test_with_both_posts_vacant_the_line_is_left_for_a_name(tree):
    meeting = held_meeting(tree, committee=False)
    Position.objects.filter(kind=PositionKind.SECRETARY).delete()
    sign = Document(io.BytesIO(documents.resolution_docx(meeting))).tables[-1].rows[0].cells[1]
    assert [p.text for p in sign.paragraphs if p.text] == ["T/M CHI BỘ", "BÍ THƯ"]
