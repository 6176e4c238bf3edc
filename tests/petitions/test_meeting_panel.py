"""The "Kiến nghị" panel of the meeting page, and the petitions in the minutes (page, DOCX, PDF)."""

import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from meetings import documents
from meetings.models import MeetingStatus
from petitions.models import Petition, PetitionStatus
from petitions.panels import RAISED_HEADING, REPORTED_HEADING

from ..factories import MemberFactory
from .conftest import NOW, D, at, make_meeting, make_petition

pytestmark = pytest.mark.system_scope

S = PetitionStatus


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):  # Thursday 10/12/2026
        yield


def page(client, meeting) -> str:
    response = client.get(f"/meetings/{meeting.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str) -> str:
    match = re.search(r'<section class="mb-4" id="petitions".*?</section>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def january(tree):
    """Song Khê's next meeting (5/01/2027): the answers are read out there."""
    return make_meeting(tree.branch, D(2027, 1, 5), kind="regular")


@pytest.fixture
def petitions(tree, catalogue, root, meeting, january):
    """Raised at the meeting of 5/12 (one by a member, one by a resident with a phone), one answered
    on the spot, and one answered by UBND to be read out in January."""
    member = MemberFactory(branch=tree.branch, full_name="Trần Văn Bình")
    road = make_petition(
        tree.branch, catalogue.roads, root, S.FORWARDED, meeting=meeting, title="Sửa chữa tuyến đường nội thôn",
        raised_by_member=member, resident_name="", resident_phone="",
    )  # fmt: skip
    light = make_petition(tree.branch, catalogue.other, root, meeting=meeting, title="Lắp đèn đường xóm 2")
    seeds = make_petition(
        tree.branch, catalogue.other, root, S.ANSWERED_AT_MEETING, meeting=meeting, title="Hỗ trợ giống vụ đông",
        answer="Hội Nông dân xã hỗ trợ 50% giá giống.",
    )  # fmt: skip
    Petition.objects.filter(pk=seeds.pk).update(meeting=meeting)
    water = make_petition(
        tree.branch, catalogue.water, root, S.ANSWERED, title="Nước giếng xóm 3", answer="Nước đạt chuẩn.",
        answered_on=D(2026, 12, 8),
    )  # fmt: skip
    return {"road": road, "light": light, "seeds": seeds, "water": water}


def test_before_its_day_the_meeting_offers_no_record_or_report_back(secretary, january, petitions):
    html = panel(page(secretary, january))
    assert "Nước giếng xóm 3" in html  # listed, to be read out there
    assert "Ghi kiến nghị" not in html and "/report_back/" not in html
    response = secretary.get(f"/petitions/new/?meeting={january.pk}", follow=True)
    content = response.content.decode()
    assert response.redirect_chain == [(f"/meetings/{january.pk}/", 302)]
    assert "chưa diễn ra" in content and 'name="submit_key"' not in content


def test_the_secretary_records_and_reports_back_from_the_meeting_page(secretary, january, meeting, petitions):
    with time_machine.travel(at(D(2027, 1, 5), 19), tick=False):
        _records_and_reports_back(secretary, january, petitions)


def _records_and_reports_back(secretary, january, petitions):
    html = panel(page(secretary, january))
    assert f'href="/petitions/new/?meeting={january.pk}"' in html and "Ghi kiến nghị" in html
    water = petitions["water"]
    # The answer to read out in January, with its button posting to the petition's report-back action.
    assert "Nước giếng xóm 3" in html and "Nước đạt chuẩn." in html
    assert f'action="/petitions/{water.pk}/report_back/"' in html
    assert f'name="report_back-meeting" value="{january.pk}"' in html
    assert "Đã thông báo tại cuộc họp này" in html

    assert f'name="next" value="/meetings/{january.pk}/#petitions"' in html
    response = secretary.post(
        f"/petitions/{water.pk}/report_back/",
        {"report_back-meeting": january.pk, "report_back-version": water.version, "next": f"/meetings/{january.pk}/"},
    )
    assert response.status_code == 302 and response["Location"] == f"/meetings/{january.pk}/"  # back to the meeting
    water.refresh_from_db()
    assert (water.status, water.reported_back_at_meeting) == (S.REPORTED_BACK, january)
    html = panel(page(secretary, january))
    assert f'action="/petitions/{water.pk}/report_back/"' not in html
    assert 'id="petitions-reported-back"' in html and "Nước giếng xóm 3" in html


def test_the_panel_lists_what_was_raised_at_the_meeting(secretary, meeting, petitions):
    html = panel(page(secretary, meeting))
    for title in ("Sửa chữa tuyến đường nội thôn", "Lắp đèn đường xóm 2", "Hỗ trợ giống vụ đông"):
        assert title in html
    assert 'data-status="forwarded"' in html and 'data-status="new"' in html
    assert "0912345678" not in html  # residents' phones are never on the meeting page


def test_plain_members_see_the_panel_without_the_buttons(plain_member, january, petitions):
    with time_machine.travel(at(D(2027, 1, 5), 19), tick=False):
        html = panel(page(plain_member, january))
    assert "Nước giếng xóm 3" in html
    assert "Ghi kiến nghị" not in html and "report_back" not in html


def test_leaders_see_it_but_do_not_record_or_report_back(leader, january, petitions):
    with time_machine.travel(at(D(2027, 1, 5), 19), tick=False):
        html = panel(page(leader, january))
    assert "Nước giếng xóm 3" in html
    assert "/petitions/new/" not in html and "report_back" not in html


def test_no_panel_for_a_reader_when_there_is_nothing(leader, tree):
    quiet = make_meeting(tree.sibling, D(2027, 1, 5), kind="regular")
    assert 'id="petitions"' not in page(leader, quiet)


def test_no_record_button_on_a_cancelled_meeting(secretary, tree):
    cancelled = make_meeting(tree.branch, D(2027, 1, 9), status=MeetingStatus.CANCELLED)
    assert "Ghi kiến nghị" not in page(secretary, cancelled)


def _queries(client, meeting) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, meeting)
    return len(captured)


def _petitions_for(meeting, count, catalogue, root, answered_meeting):
    for n in range(count):
        make_petition(meeting.branch, catalogue.roads, root, S.IN_PROGRESS, meeting=meeting, title=f"Kiến nghị {n}",
                      deadline=D(2026, 12, 4))  # fmt: skip
        make_petition(meeting.branch, catalogue.water, root, S.ANSWERED, title=f"Đã trả lời {n}")
        make_petition(meeting.branch, catalogue.roads, root, S.REPORTED_BACK, meeting=answered_meeting,
                      title=f"Đã thông báo {n}")  # fmt: skip


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_the_meeting_page_runs_the_same_queries_for_1_or_20_petitions(request, persona, tree, catalogue, root):
    """Staff see the buttons (record, report back), leaders only the lists: 1 or 20 of each kind of row."""
    client = request.getfixturevalue(persona)
    small = make_meeting(tree.branch, D(2026, 12, 5), kind="regular")
    large = make_meeting(tree.sibling, D(2026, 12, 5), kind="regular")
    _petitions_for(small, 1, catalogue, root, small)
    _petitions_for(large, 20, catalogue, root, large)
    assert 'id="petitions-to-report"' in page(client, small)
    small_count, large_count = _queries(client, small), _queries(client, large)
    assert small_count == large_count
    html = panel(page(client, large))
    assert len(set(re.findall(r"Kiến nghị \d+", html))) == 20
    assert len(set(re.findall(r"Đã trả lời \d+", html))) == 20
    assert len(set(re.findall(r"Đã thông báo \d+", html))) == 20


# --- The minutes ---------------------------------------------------------------------------------


def _docx_text(meeting) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(documents.minutes_docx(meeting))).paragraphs)


def test_the_minutes_list_what_was_raised_and_what_was_reported_back(tree, meeting, january, petitions, secretary):
    data = documents.document_data(meeting)
    [raised] = [section for section in data.sections if section.heading == RAISED_HEADING]
    # What happened at the meeting: who raised what, and the answer given there; no status.
    assert raised.lines == [
        "1. Sửa chữa tuyến đường nội thôn – đồng chí Trần Văn Bình nêu.",
        "2. Lắp đèn đường xóm 2 – nhân dân phản ánh.",
        "3. Hỗ trợ giống vụ đông – nhân dân phản ánh. "
        "Trả lời tại buổi sinh hoạt: Hội Nông dân xã hỗ trợ 50% giá giống.",
    ]
    assert REPORTED_HEADING not in [section.heading for section in data.sections]  # nothing read out on 5/12

    water = petitions["water"]
    with time_machine.travel(at(D(2027, 1, 5), 20), tick=False):  # read out on the meeting's day
        data = {"report_back-meeting": january.pk, "report_back-version": water.version}
        assert secretary.post(f"/petitions/{water.pk}/report_back/", data).status_code == 302
    text = _docx_text(january)
    assert REPORTED_HEADING in text
    assert "1. Nước giếng xóm 3: UBND xã Tam Hưng trả lời ngày 08/12/2026: Nước đạt chuẩn." in text
    assert RAISED_HEADING not in text  # nothing raised in January

    text = _docx_text(meeting)
    assert RAISED_HEADING in text and "Sửa chữa tuyến đường nội thôn" in text
    # Residents are "nhân dân" in the minutes: no name, no phone.
    assert "Nguyễn Văn Dân" not in text and "0912345678" not in text
    assert "cử tri" not in text.lower()


def test_the_minutes_page_lists_them(leader, meeting, petitions):
    meeting.status = MeetingStatus.ADOPTED
    meeting.save()
    html = leader.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert RAISED_HEADING in html and "Sửa chữa tuyến đường nội thôn" in html
    assert "Nguyễn Văn Dân" not in html


def test_a_return_address_off_the_site_is_ignored(secretary, january, petitions):
    water = petitions["water"]
    with time_machine.travel(at(D(2027, 1, 5), 20), tick=False):  # on the meeting's day
        response = secretary.post(
            f"/petitions/{water.pk}/report_back/",
            {"report_back-meeting": january.pk, "report_back-version": water.version, "next": "https://example.org/"},
        )
    assert response["Location"] == f"/petitions/{water.pk}/"
