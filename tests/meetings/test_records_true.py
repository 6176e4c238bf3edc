"""Records a party office can file: a draft says so, adoption freezes what the documents say, a
correction is a recorded amendment, the signers were present, the totals come from the register
(docs/domain.md#minutes-and-resolution)."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from meetings import documents, services
from meetings.documents.pdf import FONT_FAMILY
from meetings.models import AdoptedRecord, AgendaItem, Attendance, Category, Guest, Mark, Meeting, MeetingStatus, Speech
from members.models import LeaveReason, Member

from ..factories import MemberFactory
from .conftest import TZ, at
from .test_documents import CADRE, MINUTE_TAKER, docx_text, held_meeting, pdf_text

pytestmark = pytest.mark.system_scope

END = datetime.datetime(2026, 12, 5, 21, 20, tzinfo=TZ)


def adopt(meeting):
    with time_machine.travel(END, tick=False):
        return services.minutes.minutes_adopt(meeting=meeting, by=get_user_model().objects.get(username="marker"))


def texts(meeting) -> dict[str, str]:
    """What both documents say, as the PDF's HTML source and the DOCX's text, for a reader who
    sees absence reasons."""
    out = {}
    for what in ("minutes", "resolution"):
        data = documents.document_data(meeting, reasons=True)
        out[f"{what}.html"] = render_to_string(
            f"meetings/documents/{what}.html", {"doc": data, "font_family": FONT_FAMILY}
        )
    out["minutes.docx"] = docx_text(documents.minutes_docx(meeting, reasons=True))
    out["resolution.docx"] = docx_text(documents.resolution_docx(meeting, reasons=True))
    return out


@pytest.fixture
def unadopted(tree):
    return held_meeting(tree, adopted=False)


def test_adoption_freezes_both_documents_byte_for_byte(unadopted):
    meeting = adopt(unadopted)
    before = texts(meeting)
    assert "DỰ THẢO" not in before["minutes.html"]
    assert "thông qua trước khi kết thúc" in before["minutes.docx"]

    # Five later changes to what the documents print.
    taker = Member.objects.get(full_name=MINUTE_TAKER)
    taker.full_name = "Trần Thị Hằng Mới"  # 1. a member renamed
    taker.save()
    Guest.objects.filter(meeting=meeting).delete()  # 2. a guest removed
    Speech.objects.filter(agenda_item__meeting=meeting).update(text="Sửa sau khi thông qua.")  # 3. a speech edited
    AgendaItem.objects.filter(meeting=meeting).update(conclusion="Kết luận khác.")  # 4. a conclusion edited
    moved = Attendance.objects.filter(meeting=meeting, mark=Mark.PRESENT).exclude(member=taker).first().member
    Member.objects.filter(pk=moved.pk).update(  # 5. a member moved out, back-dated before the meeting
        left_on=datetime.date(2026, 12, 1), leave_reason=LeaveReason.TRANSFER
    )
    minutes = meeting.minutes
    minutes.opening, minutes.votes_for = "Khai mạc khác.", 1  # 6. the minutes' text and vote
    minutes.save()

    after = texts(meeting)
    for name, text in before.items():
        assert after[name] == text, name
    # The frozen content really held the old values, and the live record has moved on.
    live = documents.content.build_document_data(Meeting.objects.get(pk=meeting.pk))
    assert "Trần Thị Hằng Mới" in live.minute_taker and "Trần Thị Hằng Mới" not in before["minutes.html"]


def test_an_amendment_is_printed_after_the_adopted_text(unadopted, staff):
    meeting = adopt(unadopted)
    before = pdf_text(documents.minutes_pdf(meeting))
    services.minutes.amendment_record(
        meeting=meeting, document="minutes", text="Đồng chí chủ trì là Vũ Văn Quảng.", by=staff.user
    )
    after = pdf_text(documents.minutes_pdf(meeting))
    assert "ĐÍNH CHÍNH" in after and "đính chính biên bản: Đồng chí chủ trì là Vũ Văn Quảng." in after
    assert after.startswith(before.rsplit(" ", 1)[0][:200])
    with pytest.raises(ValueError):
        AdoptedRecord.objects.get(meeting=meeting).save()


def test_amendment_only_for_adopted_minutes(unadopted, staff):
    with pytest.raises(ValidationError):
        services.minutes.amendment_record(meeting=unadopted, document="minutes", text="x", by=staff.user)


@pytest.mark.parametrize("signer", ["chair", "minute_taker"])
@pytest.mark.parametrize("mark", [Mark.EXCUSED, Mark.UNEXCUSED])
def test_minutes_cannot_be_adopted_when_a_signer_was_absent(unadopted, signer, mark):
    meeting = unadopted
    Attendance.objects.filter(meeting=meeting, member=getattr(meeting, signer)).update(mark=mark)
    with pytest.raises(ValidationError) as error:
        adopt(meeting)
    assert error.value.code == "signer_absent"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and not AdoptedRecord.objects.filter(meeting=meeting).exists()


def test_guests_are_listed_only_as_recorded(unadopted):
    meeting = unadopted
    Guest.objects.create(meeting=meeting, name="Lê Văn Chưa Ghi", title="Ủy viên", expected=True, attended=None)
    Guest.objects.create(meeting=meeting, name="Đỗ Văn Vắng", title="Đảng ủy viên", expected=True, attended=False)
    text = pdf_text(documents.minutes_pdf(meeting))
    assert f"Đại biểu dự: Đồng chí {CADRE}" in text
    assert "Khách mời" not in text
    assert "Lê Văn Chưa Ghi" not in text
    assert "Đại biểu được mời vắng mặt: Đồng chí Đỗ Văn Vắng – Đảng ủy viên." in text


def test_totals_leave_out_members_transferred_before_the_meeting_and_list_attached_apart(unadopted, tree):
    meeting = unadopted
    before = documents.document_data(meeting).attendance
    gone = MemberFactory(branch=tree.branch, left_on=datetime.date(2026, 6, 30), leave_reason=LeaveReason.TRANSFER)
    visitor = MemberFactory(
        branch=tree.other_branch, away_branch=tree.branch, away_from=datetime.date(2026, 11, 1), away_until=None
    )
    Attendance.objects.create(
        meeting=meeting,
        member=visitor,
        mark=Mark.PRESENT,
        category=Category.ATTACHED,
        marked_by=get_user_model().objects.get(username="marker"),
    )
    lines = documents.document_data(meeting).attendance
    assert gone.pk and lines[0] == before[0]  # the branch's own total does not count the transferred member
    assert "Đảng viên nơi khác sinh hoạt tạm thời tại chi bộ: 1 đồng chí." in lines


def test_a_thematic_meeting_without_a_vote_has_no_vote_block(unadopted):
    meeting = unadopted
    meeting.kind = "thematic"
    meeting.save()
    minutes = meeting.minutes
    minutes.votes_for = minutes.votes_against = minutes.votes_abstain = None
    minutes.save()
    text = pdf_text(documents.minutes_pdf(meeting))
    assert "KẾT QUẢ BIỂU QUYẾT" not in text and "Chưa ghi kết quả biểu quyết" not in text


def test_two_meetings_of_a_month_download_under_two_names(unadopted, tree):
    first = documents.filenames(unadopted, "minutes", "pdf", draft=False)[0]
    unadopted.actual_start = at(datetime.date(2026, 12, 20), 19, 30)
    unadopted.actual_end = at(datetime.date(2026, 12, 20), 21, 0)
    second = documents.filenames(unadopted, "minutes", "pdf", draft=False)[0]
    assert first == "bien-ban-chi-bo-thon-song-khe-ngay-05-12-2026.pdf"
    assert second == "bien-ban-chi-bo-thon-song-khe-ngay-20-12-2026.pdf"
