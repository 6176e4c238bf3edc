"""The minutes and the resolution in the format of Hướng dẫn 36-HD/VPTW, read back from the files:
one typeface with every Vietnamese letter, sizes and margins, numbers and dates, signatures,
what the minutes state, control characters, and who reads the absence reasons."""

import datetime
import io
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from meetings import documents
from meetings.documents.content import vietnamese_date
from meetings.documents.pdf import FONT_FAMILY
from meetings.models import (
    AdoptedRecord,
    AgendaItem,
    Attendance,
    Category,
    Guest,
    Mark,
    MeetingRules,
    MeetingStatus,
    Resolution,
    Speech,
)
from members.models import PositionKind
from members.text import strip_controls

from ..factories import MemberFactory, PositionFactory
from .conftest import at, make_meeting
from .test_documents import ABSENT, CADRE, MINUTE_TAKER, SECRETARY, docx_text, flat, held_meeting, pdf_fonts, pdf_text
from .test_resolution_numbering import passed_resolution
from .test_rules import post_data as post_rules_data

pytestmark = pytest.mark.system_scope

CHAIR = "Vũ Văn Quảng"
REASON = "Đi viện chăm người nhà"
VIETNAMESE = "ơ ư ạ ế ộ ủ ỹ Ỷ Ạ Ặ Ợ Ữ đ Đ"


def chaired_meeting(tree, **kwargs):
    """``held_meeting`` chaired by a committee member who is not the secretary."""
    meeting = held_meeting(tree, **kwargs)
    chair = MemberFactory(branch=tree.branch, full_name=CHAIR)
    Attendance.objects.create(
        meeting=meeting, member=chair, mark=Mark.PRESENT, category=Category.FULL, marked_by=marker()
    )
    meeting.chair = chair
    meeting.save()
    absence = Attendance.objects.get(meeting=meeting, mark=Mark.EXCUSED)
    absence.reason = REASON
    absence.save()
    return meeting


def marker():
    return get_user_model().objects.get(username="marker")


@pytest.fixture
def chaired(tree):
    return chaired_meeting(tree)


# --- Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (datetime.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
        (datetime.date(2026, 1, 9), "ngày 09 tháng 01 năm 2026"),
        (datetime.date(2026, 2, 10), "ngày 10 tháng 02 năm 2026"),
        (datetime.date(2026, 10, 1), "ngày 01 tháng 10 năm 2026"),
        (datetime.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_dates_have_a_zero_only_on_days_1_to_9_and_months_1_and_2(day, written):
    assert vietnamese_date(day) == written


# --- One typeface ----------------------------------------------------------------------------


def test_the_typeface_has_every_vietnamese_letter():
    """fc-query on the installed face (Makefile SYSTEM_PACKAGES: fonts-texgyre)."""
    files = subprocess.run(
        ["fc-list", f"{FONT_FAMILY}", "file"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert files, f"{FONT_FAMILY} is not installed (apt-get install fonts-texgyre)"
    letters = {chr(c) for c in range(0x1EA0, 0x1EFA)} | set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư")
    for path in files:
        charset = subprocess.run(
            ["fc-query", "--format=%{charset}", path.rstrip(":")], capture_output=True, text=True, check=True
        ).stdout
        covered = set()
        for part in charset.split():
            first, _, last = part.partition("-")
            covered.update(range(int(first, 16), int(last or first, 16) + 1))
        missing = sorted(letter for letter in letters if ord(letter) not in covered)
        assert not missing, (path, "".join(missing))


@pytest.mark.parametrize("what", ["minutes", "resolution"])
def test_pdf_sets_every_text_in_one_embedded_family(chaired, what):
    """Names, headers and bold/italic runs full of ơ ư ạ ế…: no glyph falls back to a second family."""
    Speech.objects.create(
        agenda_item=chaired.agenda_items.first(), speaker_name=CADRE, text=f"Kiểm tra chữ: {VIETNAMESE}."
    )
    fonts = pdf_fonts(getattr(documents, f"{what}_pdf")(chaired))
    # Subset names: /ABCDEF+TeX-Gyre-Termes, /ABCDEF+TeX-Gyre-Termes-Bold…
    family = FONT_FAMILY.replace(" ", "-")
    styles = {"", "-Bold", "-Italic", "-Bold-Italic"}
    assert {font.split("+")[-1].removeprefix(family) for font in fonts} <= styles, fonts


# --- The PDF read back -----------------------------------------------------------------------------


def top_margin_texts(content: bytes) -> list[list[str]]:
    """Per page, the texts set in the top margin (above the 20 mm margin)."""
    found = []
    for page in PdfReader(io.BytesIO(content)).pages:
        limit = float(page.mediabox.top) - 20 / 25.4 * 72
        texts = []

        def visit(text, cm, tm, font_dict, font_size, texts=texts, limit=limit):
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and y > limit:
                texts.append(text.strip())

        page.extract_text(visitor_text=visit)
        found.append(texts)
    return found


def test_resolution_pdf_header_number_date_and_signature(chaired):
    content = documents.resolution_pdf(chaired)
    first_lines = PdfReader(io.BytesIO(content)).pages[0].extract_text().splitlines()[:8]
    assert first_lines == [
        "ĐẢNG BỘ XÃ TAM HƯNG",
        "CHI BỘ THÔN SONG KHÊ",
        "*",
        "Số 01-NQ/CB",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Tam Hưng, ngày 05 tháng 12 năm 2026",
        "NGHỊ QUYẾT",
        "Chi bộ thôn Song Khê lãnh đạo thực hiện nhiệm vụ tháng 12/2026",
    ]
    text = pdf_text(content)
    # "T/M CHI ỦY" over "BÍ THƯ", then the secretary's name, after "Nơi nhận".
    assert text.index("Nơi nhận:") < text.index("T/M CHI ỦY BÍ THƯ") < text.rindex(SECRETARY)


def test_minutes_pdf_signed_by_the_chair_and_the_minute_taker_named(chaired):
    content = documents.minutes_pdf(chaired)
    assert PdfReader(io.BytesIO(content)).pages[0].extract_text().splitlines()[:7] == [
        "ĐẢNG BỘ XÃ TAM HƯNG",
        "CHI BỘ THÔN SONG KHÊ",
        "*",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Tam Hưng, ngày 05 tháng 12 năm 2026",
        "BIÊN BẢN",
        "Sinh hoạt chi bộ thường kỳ tháng 12/2026",
    ]
    text = pdf_text(content)
    signatures = text[text.rindex("THƯ KÝ") :]
    assert "CHỦ TRÌ" in signatures and CHAIR in signatures and MINUTE_TAKER in signatures
    assert SECRETARY not in signatures
    assert "BÍ THƯ" not in signatures


def test_page_numbers_from_page_two(chaired):
    item = chaired.agenda_items.first()
    for n in range(40):
        Speech.objects.create(agenda_item=item, speaker_name=CADRE, text=f"Ý kiến số {n}: " + "đường làng " * 30)
    pages = top_margin_texts(documents.minutes_pdf(chaired))
    assert len(pages) >= 3
    assert pages[0] == []
    assert pages[1:] == [[str(n)] for n in range(2, len(pages) + 1)]


# --- The DOCX read back ---------------------------------------------------------------------------


def runs_of(paragraph):
    return [run for run in paragraph.runs if run.text]


@pytest.mark.parametrize("what", ["minutes", "resolution"])
def test_docx_margins_sizes_and_page_numbers(chaired, what):
    document = Document(io.BytesIO(getattr(documents, f"{what}_docx")(chaired)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30
    assert 15 <= round(section.right_margin.mm) <= 20
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20

    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    assert normal.paragraph_format.alignment == 3  # WD_ALIGN_PARAGRAPH.JUSTIFY

    left, right = document.tables[0].rows[0].cells
    superior, branch = runs_of(left.paragraphs[0])[0], runs_of(left.paragraphs[1])[0]
    assert superior.text == "ĐẢNG BỘ XÃ TAM HƯNG" and superior.font.size.pt == 14 and not superior.bold
    assert branch.text == "CHI BỘ THÔN SONG KHÊ" and branch.font.size.pt == 14 and branch.bold
    party = runs_of(right.paragraphs[0])[0]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert party.font.size.pt == 15 and party.bold and party.underline
    place = runs_of(right.paragraphs[-1])[0]
    assert place.text == "Tam Hưng, ngày 05 tháng 12 năm 2026" and place.italic and place.font.size.pt == 14
    if what == "resolution":
        number = runs_of(left.paragraphs[3])[0]
        assert number.text == "Số 01-NQ/CB" and number.font.size.pt == 14

    title = next(p for p in document.paragraphs if p.text in ("BIÊN BẢN", "NGHỊ QUYẾT"))
    assert runs_of(title)[0].font.size.pt == 15 and runs_of(title)[0].bold

    # Page numbers: none on the first page, a PAGE field on the others.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


@pytest.mark.parametrize("what", ["minutes", "resolution"])
def test_docx_rows_never_split_and_signatures_stay_with_the_text(chaired, what):
    document = Document(io.BytesIO(getattr(documents, f"{what}_docx")(chaired)))
    for table in document.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
    # The paragraph before the signature table keeps with it.
    body = document.element.body
    signatures = document.tables[-1]._tbl
    before = signatures.getprevious()
    assert before.tag == qn("w:p") and before.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
    assert body.index(signatures) == len(body) - 2  # then only the section properties


def test_docx_names_times_new_roman_with_the_full_vietnamese_serif_as_substitute(chaired):
    content = documents.minutes_docx(chaired)
    document = Document(io.BytesIO(content))
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs")} == {"Times New Roman"}
    font_table = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    ).blob.decode()
    assert f'<w:font w:name="Times New Roman"><w:altName w:val="{FONT_FAMILY}"/>' in font_table.replace("\n", "")


def test_docx_resolution_signature_on_two_lines(chaired):
    document = Document(io.BytesIO(documents.resolution_docx(chaired)))
    sign = document.tables[-1].rows[0].cells[1]
    lines = [p.text for p in sign.paragraphs if p.text]
    assert lines == ["T/M CHI ỦY", "BÍ THƯ", SECRETARY]


# --- Numbering -----------------------------------------------------------------------------------


def resolution_of(branch, day):
    """A meeting's resolution, passed and numbered (numbers are given at a passing vote)."""
    return passed_resolution(make_meeting(branch, day=day))


def test_numbers_restart_at_the_committee_term_the_commune_sets(tree):
    MeetingRules.objects.create(organization=tree.commune, term_started_on=datetime.date(2026, 10, 1))
    august = resolution_of(tree.branch, datetime.date(2026, 8, 5))
    september = resolution_of(tree.branch, datetime.date(2026, 9, 30))
    october = resolution_of(tree.branch, datetime.date(2026, 10, 1))
    november = resolution_of(tree.branch, datetime.date(2026, 11, 5))
    january = resolution_of(tree.branch, datetime.date(2027, 1, 5))
    assert [r.number for r in (august, september)] == [1, 2]
    # The term began on 1/10: 01 again, and on through the new year.
    assert [r.number for r in (october, november, january)] == [1, 2, 3]
    assert january.reference == "Số 03-NQ/CB"
    assert october.series_start == datetime.date(2026, 10, 1)
    # Another branch numbers on its own.
    assert resolution_of(tree.sibling, datetime.date(2026, 11, 5)).number == 1


def test_numbers_per_calendar_year_only_if_the_commune_says_so(tree):
    MeetingRules.objects.create(
        organization=tree.commune, term_started_on=datetime.date(2026, 10, 1), number_by_year=True
    )
    numbers = [resolution_of(tree.branch, datetime.date(2026, m, 5)).number for m in (9, 10, 11)]
    assert numbers == [1, 2, 3]
    assert resolution_of(tree.branch, datetime.date(2027, 1, 5)).number == 1


def test_the_database_refuses_a_repeated_number_in_one_term(tree):
    MeetingRules.objects.create(organization=tree.commune, term_started_on=datetime.date(2026, 10, 1))
    first = resolution_of(tree.branch, datetime.date(2026, 10, 5))
    second = resolution_of(tree.branch, datetime.date(2026, 11, 5))
    second.number = first.number
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    # The same number in the term before is another run.
    before = resolution_of(tree.branch, datetime.date(2026, 9, 5))
    assert before.number == first.number == 1


def test_the_resolution_form_refuses_a_number_taken_in_the_term(tree, secretary):
    MeetingRules.objects.create(organization=tree.commune, term_started_on=datetime.date(2026, 10, 1))
    resolution_of(tree.branch, datetime.date(2026, 10, 5))
    second = resolution_of(tree.branch, datetime.date(2026, 11, 5))
    response = secretary.post(
        f"/meetings/{second.meeting_id}/resolution/",
        {"version": second.version, "number": 1, "title": second.title, "recipients": "- Lưu chi bộ."},
    )
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.number == 2


# --- What the minutes say ---------------------------------------------------------------------------


def test_minutes_state_total_exempt_expected_present_excused_unexcused(tree):
    meeting = held_meeting(tree)
    MemberFactory(branch=tree.branch, full_name="Cụ Nguyễn Văn Thọ", exempt_since=datetime.date(2020, 1, 1))
    late = MemberFactory(branch=tree.branch)
    Attendance.objects.create(
        meeting=meeting, member=late, mark=Mark.UNEXCUSED, category=Category.FULL, marked_by=marker()
    )
    text = pdf_text(documents.minutes_pdf(meeting))
    assert "Tổng số đảng viên của chi bộ: 12 đồng chí (không phải triệu tập – miễn sinh hoạt: 1)." in text
    assert "Số đảng viên phải triệu tập: 11 đồng chí." in text
    assert "Có mặt: 9 đồng chí" in text
    assert "Vắng mặt: 2 đồng chí (có lý do: 1; không lý do: 1)." in text
    assert f"Đồng chí {late.full_name}: vắng không lý do." in text


def test_a_draft_says_so_and_claims_no_adoption(chaired):
    chaired.status, chaired.minutes_adopted_at = MeetingStatus.HELD, None
    chaired.save()
    for text in (pdf_text(documents.minutes_pdf(chaired)), docx_text(documents.minutes_docx(chaired))):
        assert "DỰ THẢO" in text
        assert "Cuộc họp kết thúc lúc 21 giờ 15 phút cùng ngày." in text
        assert "thông qua trước khi kết thúc" not in text and "thông qua chi bộ ngày" not in text
    for text in (pdf_text(documents.resolution_pdf(chaired)), docx_text(documents.resolution_docx(chaired))):
        assert "DỰ THẢO" in text and "-NQ/CB" not in text


def test_closing_line_says_when_the_minutes_were_adopted_later(chaired):
    chaired.status = MeetingStatus.ADOPTED
    chaired.minutes_adopted_at = at(datetime.date(2026, 12, 7), 9, 0)
    chaired.save()
    text = pdf_text(documents.minutes_pdf(chaired))
    assert "Cuộc họp kết thúc lúc 21 giờ 15 phút cùng ngày." in text
    assert "thông qua chi bộ ngày 07/12/2026" in text
    assert "thông qua trước khi kết thúc" not in text
    assert "DỰ THẢO" not in text

    AdoptedRecord.objects.filter(meeting=chaired).delete()  # as if adopted at the meeting instead
    chaired.minutes_adopted_at = at(datetime.date(2026, 12, 5), 21, 10)
    chaired.save()
    assert "thông qua trước khi kết thúc" in docx_text(documents.minutes_docx(chaired))


def test_a_guest_speaker_is_dong_chi_and_another_typed_name_as_typed(chaired):
    item = chaired.agenda_items.first()
    Speech.objects.create(agenda_item=item, speaker_name=CADRE, text="Biểu dương chi bộ.", position=5)
    Speech.objects.create(agenda_item=item, speaker_name="Ông Đỗ Văn Ba (trưởng thôn)", text="Cảm ơn.", position=6)
    for text in (pdf_text(documents.minutes_pdf(chaired)), docx_text(documents.minutes_docx(chaired))):
        assert f"Đồng chí {CADRE}: Biểu dương chi bộ." in text
        assert "Ông Đỗ Văn Ba (trưởng thôn): Cảm ơn." in text
        assert "Đồng chí Ông" not in text


def test_recipients_name_the_level_above_commune_or_ward(tree):
    xa = resolution_of(tree.branch, datetime.date(2026, 12, 5))
    phuong = resolution_of(tree.other_branch, datetime.date(2026, 12, 5))
    assert xa.recipients.startswith("- Đảng ủy xã (để b/c);")
    assert phuong.recipients.startswith("- Đảng ủy phường (để b/c);")
    assert "Đảng ủy phường (để b/c)" in pdf_text(documents.resolution_pdf(phuong.meeting))
    # A resolution saved with the old stock text still names the ward.
    phuong.recipients = "- Đảng ủy xã (để b/c);\n- Lưu chi bộ."
    phuong.save()
    assert "Đảng ủy phường (để b/c)" in docx_text(documents.resolution_docx(phuong.meeting))


# --- Control characters ------------------------------------------------------------------------------

CONTROL = "\x01\x02\x0b\x1f\x7f"


def test_strip_controls_keeps_line_breaks_tabs_and_vietnamese():
    assert strip_controls(f"ốm{CONTROL}\r\nnằm\tviện\rxong") == "ốm\nnằm\tviện\nxong"


def test_control_characters_posted_everywhere_never_break_a_document(tree, secretary):
    """Each form whose text reaches a document gets control characters; they are stripped on
    input, and the four downloads answer 200."""
    meeting = held_meeting(tree, adopted=False)
    absent = Attendance.objects.get(meeting=meeting, mark=Mark.EXCUSED).member
    base = f"/meetings/{meeting.pk}"
    secretary.post(f"{base}/roll/{absent.pk}/", {"mark": Mark.EXCUSED, "reason": f"ốm{CONTROL}"})
    secretary.post(f"{base}/guests/", {"name": f"Đinh Văn Khách{CONTROL}", "title": f"Đảng ủy viên{CONTROL}"})
    cadre = meeting.guests.get(name=CADRE)
    secretary.post(
        f"{base}/guests/{cadre.pk}/",
        {"attended": "yes", "remarks": f"Chỉ đạo{CONTROL}", "promises": f"Tiếp thu{CONTROL}"},
    )
    secretary.post(
        f"{base}/edit/",
        {
            "kind": meeting.kind,
            "place": f"Nhà văn hóa{CONTROL}",
            "topic": "",
            "chair": meeting.chair_id,
            "minute_taker": meeting.minute_taker_id,
        },
    )
    secretary.post(f"{base}/agenda/add/", {"title": f"Việc khác{CONTROL}", "kind": "other", "planned_minutes": 10})
    item = meeting.agenda_items.first()
    secretary.post(f"{base}/minutes/items/{item.pk}/speeches/", {"speaker_name": CADRE, "text": f"Ý kiến{CONTROL}"})
    minutes = meeting.minutes
    fields = {
        "opening": f"Khai mạc{CONTROL}",
        "closing": f"Bế mạc{CONTROL}",
        "votes_for": minutes.votes_for,
        "votes_against": 0,
        "votes_abstain": 0,
    }
    fields.update({f"conclusion_{i.pk}": f"Kết luận{CONTROL}" for i in meeting.agenda_items.all()})
    # The minutes form comes in steps (one screen each on a phone); each step saves its fields.
    for step in ("general", "conclusions", "vote"):
        minutes.refresh_from_db()
        secretary.post(f"{base}/minutes/", {**fields, "step": step, "version": minutes.version})
    resolution = meeting.resolution
    secretary.post(
        f"{base}/resolution/",
        {
            "version": resolution.version,
            "title": f"{resolution.title}{CONTROL}",
            "results": f"Kết quả{CONTROL}",
            "implementation": f"Tổ chức{CONTROL}",
            "assessment": f"Đánh giá{CONTROL}",
            "recipients": f"- Lưu chi bộ.{CONTROL}",
        },
    )
    secretary.post(f"{base}/resolution/tasks/", {"description": f"Nhiệm vụ{CONTROL}", "lead": f"Chi ủy{CONTROL}"})

    meeting.refresh_from_db()
    cadre.refresh_from_db()
    stored = [
        meeting.place,
        cadre.remarks,
        cadre.promises,
        Attendance.objects.get(meeting=meeting, member=absent).reason,
        meeting.guests.get(name__startswith="Đinh Văn Khách").title,
        meeting.agenda_items.get(title__startswith="Việc khác").title,
        Speech.objects.get(text__startswith="Ý kiến").text,
    ]
    minutes.refresh_from_db()
    resolution.refresh_from_db()
    stored += [minutes.opening, minutes.closing, resolution.results, resolution.recipients]
    stored += [item.conclusion for item in meeting.agenda_items.all() if item.conclusion]
    stored += list(resolution.tasks.values_list("description", flat=True))
    assert len(stored) >= 13
    assert "Nhiệm vụ" in stored
    for text in stored:
        assert text == strip_controls(text), repr(text)
    assert resolution.results == "Kết quả" and (minutes.opening, minutes.closing) == ("Khai mạc", "Bế mạc")
    assert {item.conclusion for item in meeting.agenda_items.all()} == {"Kết luận"}
    assert (meeting.place, cadre.remarks) == ("Nhà văn hóa", "Chỉ đạo")

    for name in ("minutes.docx", "minutes.pdf", "resolution.docx", "resolution.pdf"):
        assert secretary.get(f"{base}/{name}").status_code == 200, name


@pytest.mark.parametrize("name", ["minutes.docx", "minutes.pdf", "resolution.docx", "resolution.pdf"])
def test_writers_guard_against_control_characters_already_stored(tree, secretary, name):
    """Text that reached the database before input was cleaned (an import, the admin) still prints."""
    meeting = held_meeting(tree)
    Attendance.objects.filter(meeting=meeting, mark=Mark.EXCUSED).update(reason=f"ốm{CONTROL}")
    Speech.objects.update(text=f"Ý kiến{CONTROL}")
    AgendaItem.objects.filter(meeting=meeting).update(title=f"Thảo luận{CONTROL}", conclusion=f"Kết luận{CONTROL}")
    Guest.objects.filter(meeting=meeting).update(remarks=f"Chỉ đạo{CONTROL}")
    Resolution.objects.filter(meeting=meeting).update(results=f"Kết quả{CONTROL}", recipients=f"- Lưu{CONTROL}")
    meeting.resolution.tasks.update(description=f"Nhiệm vụ{CONTROL}", lead=f"Chi ủy{CONTROL}")
    response = secretary.get(f"/meetings/{meeting.pk}/{name}")
    assert response.status_code == 200
    text = docx_text(response.content) if name.endswith("docx") else pdf_text(response.content)
    assert ("Kết quả" if name.startswith("resolution") else "Kết luận") in text
    assert "\x01" not in text


# --- Absence reasons: one rule, every page and document ------------------------------------------

READERS_WITH_REASONS = ["secretary", "staff", "leader"]
READERS_WITHOUT = ["plain_member", "cadre"]


@pytest.mark.parametrize(
    ("persona", "sees"), [(p, True) for p in READERS_WITH_REASONS] + [(p, False) for p in READERS_WITHOUT]
)
def test_absence_reasons_on_the_adopted_minutes_page_and_documents_by_role(request, chaired, persona, sees):
    chaired.status = MeetingStatus.ADOPTED
    chaired.minutes_adopted_at = at(datetime.date(2026, 12, 5), 21, 20)
    chaired.save()
    client = request.getfixturevalue(persona)
    base = f"/meetings/{chaired.pk}"
    texts = {
        "docx": docx_text(client.get(f"{base}/minutes.docx").content),
        "pdf": pdf_text(client.get(f"{base}/minutes.pdf").content),
    }
    if persona != "staff":  # commune staff get the correction form on adopted minutes, not the read page
        page = client.get(f"{base}/minutes/")
        assert page.status_code == 200
        texts["page"] = flat(page.content.decode())
    for where, text in texts.items():
        assert f"Đồng chí {ABSENT}: vắng có lý do" in text, where
        assert (REASON in text) is sees, (where, persona)


def test_a_committee_member_reads_the_reasons_and_loses_them_with_the_position(tree, chaired, plain_member):
    """Chi ủy members keep the branch with its secretary: they see reasons while they hold the position."""
    chaired.status = MeetingStatus.ADOPTED
    chaired.minutes_adopted_at = at(datetime.date(2026, 12, 5), 21, 20)
    chaired.save()
    member = plain_member.user.member
    position = PositionFactory(
        member=member, branch=tree.branch, kind=PositionKind.COMMITTEE, started_on=datetime.date(2025, 1, 1)
    )
    url = f"/meetings/{chaired.pk}/minutes.docx"
    assert REASON in docx_text(plain_member.get(url).content)
    position.ended_on = datetime.date(2026, 11, 30)
    position.save()
    text = docx_text(plain_member.get(url).content)
    assert REASON not in text and f"Đồng chí {ABSENT}: vắng có lý do." in text


@pytest.mark.parametrize(
    ("votes_for", "verdict"), [(5, "Nghị quyết được thông qua"), (4, "Nghị quyết không được thông qua")]
)
def test_the_vote_with_its_base_tally_and_verdict(chaired, votes_for, verdict):
    """Nine full members present, one absent with an accepted reason: a base of nine; exactly
    half is not more than half (meetings.counting.vote_result decides, the documents say it)."""
    minutes = chaired.minutes
    minutes.votes_for, minutes.votes_against, minutes.votes_abstain = votes_for, 9 - votes_for, 0
    minutes.save()
    for text in (pdf_text(documents.minutes_pdf(chaired)), docx_text(documents.resolution_docx(chaired))):
        assert "Số đảng viên trong diện biểu quyết: 9 đồng chí; có mặt biểu quyết: 9 đồng chí." in text
        assert f"Tán thành: {votes_for} đồng chí" in text
        assert f"{verdict}." in text
        assert "cần trên một nửa" not in text


def test_commune_staff_set_the_term_start_on_the_rules_page(tree, staff):
    page = staff.get(f"/meetings/rules/{tree.commune.pk}/").content.decode()
    assert "Nhiệm kỳ cấp ủy hiện tại bắt đầu từ ngày" in page
    data = post_rules_data(term_started_on="2026-10-01")
    assert staff.post(f"/meetings/rules/{tree.commune.pk}/", data).status_code == 302
    rules = MeetingRules.objects.get(organization=tree.commune)
    assert (rules.term_started_on, rules.number_by_year) == (datetime.date(2026, 10, 1), False)
    assert resolution_of(tree.branch, datetime.date(2026, 9, 5)).number == 1
    assert resolution_of(tree.branch, datetime.date(2026, 10, 5)).number == 1


def test_the_minutes_form_says_what_the_document_writes_itself(tree, secretary):
    meeting = held_meeting(tree, adopted=False)
    page = secretary.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Biên bản đã tự ghi giờ bắt đầu, địa điểm, chủ trì, thư ký, khách mời và tình hình dự họp" in page
    vote_step = secretary.get(f"/meetings/{meeting.pk}/minutes/?step=vote").content.decode()
    assert "Biên bản đã tự ghi giờ kết thúc và việc thông qua biên bản" in page + vote_step
