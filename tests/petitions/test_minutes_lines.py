"""The petitions' lines in the minutes: what happened at the meeting, as it was when the minutes
were adopted, in the record's words, and the same whatever happens to the petitions afterwards."""

import datetime
import re

import pytest
import time_machine

from meetings.models import Meeting
from petitions.models import PetitionStatus
from petitions.panels import RAISED_HEADING, REPORTED_HEADING, outcome_line, raised_section, reported_section
from petitions.services import workflow

from ..factories import MemberFactory
from .conftest import NOW, TZ, D, make_meeting, make_petition

pytestmark = pytest.mark.system_scope

S = PetitionStatus


def moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


# The meeting of Saturday 5/12/2026 (19:00–21:00), its minutes read out and adopted at its close.
AT_THE_MEETING = moment(D(2026, 12, 5), 20, 15)
ADOPTED = moment(D(2026, 12, 5), 21, 0)
# The next monthly meeting, Tuesday 5/01/2027, where the answers are read out.
JANUARY = D(2027, 1, 5)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):  # Thursday 10/12/2026
        yield


@pytest.fixture
def january(tree):
    return make_meeting(tree.branch, JANUARY, kind="regular")


def adopt(meeting: Meeting, when: datetime.datetime) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(minutes_adopted_at=when)
    meeting.refresh_from_db()
    return meeting


def lines(section) -> list[str]:
    return [] if section is None else section.lines


def record(meeting, catalogue, root, when, **fields):
    """Recorded by the secretary from the meeting page at ``when``, raised at ``meeting``."""
    with time_machine.travel(when, tick=False):
        return workflow.petition_record(
            branch=meeting.branch, category=catalogue.roads, by=root, meeting=meeting, **fields
        )


def test_the_raised_lines_stay_the_same_once_answered_and_reported_back(tree, meeting, january, catalogue, root):
    member = MemberFactory(branch=tree.branch, full_name="Trần Văn Bình")
    road = record(meeting, catalogue, root, AT_THE_MEETING, title="Sửa chữa tuyến đường nội thôn",
                  raised_by_member=member)  # fmt: skip
    light = record(meeting, catalogue, root, AT_THE_MEETING, title="Lắp đèn đường xóm 2",
                   resident_name="Nguyễn Văn Dân", resident_phone="0912345678")  # fmt: skip
    seeds = record(meeting, catalogue, root, AT_THE_MEETING, title="Hỗ trợ giống vụ đông")
    with time_machine.travel(moment(D(2026, 12, 5), 20, 40), tick=False):
        workflow.petition_answer_at_meeting(
            petition=seeds, answer="Hội Nông dân xã hỗ trợ 50% giá giống", meeting=meeting, by=root
        )
    adopt(meeting, ADOPTED)
    adopted = [
        "1. Sửa chữa tuyến đường nội thôn – đồng chí Trần Văn Bình nêu.",
        "2. Lắp đèn đường xóm 2 – nhân dân phản ánh.",
        "3. Hỗ trợ giống vụ đông – nhân dân phản ánh. "
        "Trả lời tại buổi sinh hoạt: Hội Nông dân xã hỗ trợ 50% giá giống.",
    ]
    section = raised_section(meeting)
    assert (section.heading, section.lines) == (RAISED_HEADING, adopted)
    assert reported_section(meeting) is None  # nothing was read out on 5/12

    # Afterwards: the road is forwarded and answered, the light is declined, then January hears the answer.
    with time_machine.travel(moment(D(2026, 12, 7), 9), tick=False):
        road = workflow.petition_forward(petition=road, body=catalogue.ubnd, by=root)
        workflow.petition_decline(petition=light, reason="Chưa có kinh phí trong năm 2026.", by=root)
    with time_machine.travel(moment(D(2026, 12, 8), 9), tick=False):
        road = workflow.petition_answer(petition=road, answer="Đã đưa vào kế hoạch quý I/2027.", by=root)
    assert lines(raised_section(meeting)) == adopted
    with time_machine.travel(moment(JANUARY, 20, 10), tick=False):
        workflow.petition_report_back(petition=road, meeting=january, by=root)
    adopt(january, moment(JANUARY, 21, 0))

    assert lines(raised_section(meeting)) == adopted
    assert lines(reported_section(january)) == [
        "1. Sửa chữa tuyến đường nội thôn: UBND xã Tam Hưng trả lời ngày 08/12/2026: Đã đưa vào kế hoạch quý I/2027."
    ]
    assert raised_section(january) is None  # raised in December, not in January


def test_a_petition_recorded_after_the_adoption_is_not_in_the_minutes(meeting, catalogue, root):
    record(meeting, catalogue, root, AT_THE_MEETING, title="Nạo vét mương thoát nước")
    # Recorded on 8/12 for the meeting of 5/12: by the service (with its timeline) and by hand (without).
    record(meeting, catalogue, root, moment(D(2026, 12, 8), 9), title="Cắt tỉa cây xanh", raised_on=D(2026, 12, 5))
    with time_machine.travel(moment(D(2026, 12, 8), 10), tick=False):
        make_petition(meeting.branch, catalogue.roads, root, meeting=meeting, title="Rác thải ven đường")
    # While the minutes are a draft they list everything raised at the meeting.
    assert len(lines(raised_section(meeting))) == 3

    adopt(meeting, ADOPTED)
    assert lines(raised_section(meeting)) == ["1. Nạo vét mương thoát nước – nhân dân phản ánh."]


def test_an_answer_recorded_after_the_adoption_is_not_in_the_minutes(meeting, january, catalogue, root):
    well = record(meeting, catalogue, root, AT_THE_MEETING, title="Nước giếng xóm 3")
    with time_machine.travel(moment(D(2026, 12, 8), 9), tick=False):  # "answered at the meeting", marked 3 days later
        workflow.petition_answer_at_meeting(petition=well, answer="Nước đạt chuẩn.", meeting=meeting, by=root)
    assert "Trả lời tại buổi sinh hoạt: Nước đạt chuẩn." in lines(raised_section(meeting))[0]  # the draft
    adopt(meeting, ADOPTED)
    assert lines(raised_section(meeting)) == ["1. Nước giếng xóm 3 – nhân dân phản ánh."]

    # Marked reported back in January the day after January's minutes were adopted.
    road = make_petition(meeting.branch, catalogue.roads, root, S.ANSWERED, title="Đường xóm 4")
    with time_machine.travel(moment(D(2027, 1, 6), 9), tick=False):
        workflow.petition_report_back(petition=road, meeting=january, by=root)
    assert len(lines(reported_section(january))) == 1  # January's minutes are still a draft
    adopt(january, moment(JANUARY, 21, 0))
    assert reported_section(january) is None


def test_each_outcome_reads_in_its_own_sentence(tree, catalogue, root):
    answered = make_petition(
        tree.branch, catalogue.water, root, S.REPORTED_BACK, title="Nước giếng xóm 3", answer="Nước đạt chuẩn.",
        answered_on=D(2026, 12, 8),
    )  # fmt: skip
    refused = make_petition(
        tree.branch, catalogue.other, root, S.DECLINED, title="Làm sân bóng thôn",
        decline_reason="Quỹ đất đã quy hoạch làm nhà văn hóa",
    )  # fmt: skip
    not_ours = make_petition(
        tree.branch, catalogue.other, root, S.NOT_COMPETENT, title="Tranh chấp ranh giới đất hai hộ xóm 5",
        competent_body="Tòa án nhân dân khu vực 3", decline_reason="Hòa giải ở thôn đã không thành",
    )  # fmt: skip
    beyond = make_petition(
        tree.branch, catalogue.roads, root, S.ESCALATED, title="Nâng cấp tỉnh lộ 427",
        escalated_to="Sở Xây dựng tỉnh", escalated_on=D(2026, 12, 2), expected_answer_by=D(2027, 1, 15),
    )  # fmt: skip
    beyond_answered = make_petition(
        tree.branch, catalogue.roads, root, S.REPORTED_BACK, title="Đèn tín hiệu ngã ba",
        escalated_to="Sở Xây dựng tỉnh", escalated_on=D(2026, 12, 2), answer="Lắp đặt trong quý II/2027",
        answered_on=D(2026, 12, 9),
    )  # fmt: skip
    said = {
        "answer": outcome_line(1, answered),
        "refusal": outcome_line(2, refused),
        "not the commune's": outcome_line(3, not_ours),
        "sent up": outcome_line(4, beyond),
        "answer from above": outcome_line(5, beyond_answered),
    }
    assert said == {
        "answer": "1. Nước giếng xóm 3: UBND xã Tam Hưng trả lời ngày 08/12/2026: Nước đạt chuẩn.",
        "refusal": "2. Làm sân bóng thôn: không giải quyết, lý do: Quỹ đất đã quy hoạch làm nhà văn hóa.",
        "not the commune's": "3. Tranh chấp ranh giới đất hai hộ xóm 5: không thuộc thẩm quyền giải quyết của xã; "
        "thuộc thẩm quyền của Tòa án nhân dân khu vực 3; Hòa giải ở thôn đã không thành.",
        "sent up": "4. Nâng cấp tỉnh lộ 427: đã chuyển lên Sở Xây dựng tỉnh ngày 02/12/2026, "
        "dự kiến trả lời trước 15/01/2027.",
        "answer from above": "5. Đèn tín hiệu ngã ba: đã chuyển lên Sở Xây dựng tỉnh ngày 02/12/2026; "
        "Sở Xây dựng tỉnh trả lời ngày 09/12/2026: Lắp đặt trong quý II/2027.",
    }
    # A refusal and "not the commune's to decide" never read alike.
    assert "không thuộc thẩm quyền" not in said["refusal"] and "không giải quyết," not in said["not the commune's"]


STATUS_WORDS = re.compile(
    r"Tình trạng|cử tri|Đã thông báo lại chi bộ|từ chối|cấp trên|Đang thực hiện|hội nghị|cuộc họp|"
    r"\b(new|forwarded|in_progress|answered|reported_back|answered_at_meeting|escalated|declined)\b",
    re.IGNORECASE,
)


def test_no_status_and_no_cu_tri_in_any_line(tree, meeting, catalogue, root):
    for n, status in enumerate(S, start=1):
        make_petition(tree.branch, catalogue.roads, root, status, meeting=meeting, title=f"Kiến nghị số {n}")
    make_petition(
        tree.branch, catalogue.roads, root, S.REPORTED_BACK, meeting=meeting, title="Đèn tín hiệu ngã ba",
        escalated_to="Sở Xây dựng tỉnh", escalated_on=D(2026, 12, 2),
    )  # fmt: skip
    raised, reported = raised_section(meeting), reported_section(meeting)
    assert len(raised.lines) == len(S) - 1 and len(reported.lines) == 2  # raised in every status but reported back
    for line in raised.lines + reported.lines:
        assert not STATUS_WORDS.search(line), line
    assert "cử tri" not in (raised.heading + reported.heading).lower()
    assert raised.heading == "Ý KIẾN, KIẾN NGHỊ CỦA ĐẢNG VIÊN VÀ NHÂN DÂN" and reported.heading == REPORTED_HEADING


@pytest.mark.parametrize("size", [1, 15])
def test_each_section_is_one_query(tree, meeting, catalogue, root, size, django_assert_num_queries):
    adopt(meeting, moment(D(2026, 12, 11), 9))
    for n in range(size):
        make_petition(tree.branch, catalogue.roads, root, S.FORWARDED, meeting=meeting, title=f"Kiến nghị {n}",
                      raised_by_member=MemberFactory(branch=tree.branch))  # fmt: skip
        make_petition(tree.branch, catalogue.roads, root, S.ANSWERED_AT_MEETING, meeting=meeting)
        make_petition(tree.branch, catalogue.roads, root, S.REPORTED_BACK, meeting=meeting)
    with django_assert_num_queries(1):
        assert len(raised_section(meeting).lines) == 2 * size
    with django_assert_num_queries(1):
        assert len(reported_section(meeting).lines) == size
