"""The cadre's promises are tracked (issue 23): what the attending cadre promised to take back
("tiếp thu, báo cáo cấp trên") becomes an item with a holder and a deadline, listed with the
petitions as a kind of its own, its holder told, and reported back the same way."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meetings.models import Guest
from notifications.models import Notification
from petitions import reminders
from petitions.models import Petition, PetitionKind
from petitions.panels import raised_section
from petitions.services import workflow

from .conftest import NOW, D, make_meeting

pytestmark = pytest.mark.system_scope

S = workflow.PetitionStatus
PROMISED = "Báo cáo UBND xã xem xét sửa chữa đoạn đường trục thôn"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):  # Thursday 10/12/2026
        yield


@pytest.fixture
def guest(meeting):
    return Guest.objects.create(meeting=meeting, name="Nguyễn Quang Tuyên", attended=True, promises=PROMISED)


def test_the_secretary_follows_up_a_promise_from_the_meeting_page(tree, catalogue, meeting, guest, secretary, officer):
    html = secretary.get(f"/meetings/{meeting.pk}/").content.decode()
    link = f"/petitions/promise/new/?meeting={meeting.pk}&amp;guest={guest.pk}"
    assert link in html and PROMISED in html
    form = secretary.get(link.replace("&amp;", "&")).content.decode()
    assert PROMISED in form  # filled in from the guest's promises
    response = secretary.post(
        link.replace("&amp;", "&"),
        {"title": PROMISED, "category": catalogue.roads.pk, "body": catalogue.ubnd.pk, "officer": officer.user.pk,
         "working_days": 10, "submit_key": "0b6b2a52-6f9e-4a3c-9d8f-2c1f5b1e7a10"},
    )  # fmt: skip
    assert response.status_code == 302
    promise = Petition.objects.get(kind=PetitionKind.PROMISE)
    # Ten working days after Thursday 10/12/2026: Thursday 24/12.
    assert (promise.status, promise.body, promise.officer, promise.deadline, promise.meeting) == (
        S.FORWARDED, catalogue.ubnd, officer.user, D(2026, 12, 24), meeting
    )  # fmt: skip
    assert Notification.objects.filter(kind=reminders.FORWARDED, recipient=officer.user, about_id=promise.pk).exists()
    # Listed with the petitions raised there, as a promise; the minutes say whose it is.
    html = secretary.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Cán bộ tiếp thu, báo cáo cấp trên" in html
    assert raised_section(meeting).lines == [f"1. {PROMISED} – cán bộ dự tiếp thu, báo cáo cấp trên."]
    assert "Cán bộ tiếp thu, báo cáo cấp trên" in secretary.get(f"/petitions/{promise.pk}/").content.decode()


def test_a_promise_is_answered_and_reported_back_like_a_petition(tree, catalogue, meeting, secretary, officer):
    promise = workflow.promise_record(
        meeting=meeting, title=PROMISED, category=catalogue.roads, body=catalogue.ubnd, deadline=D(2026, 12, 24),
        by=secretary.user,
    )  # fmt: skip
    january = make_meeting(tree.branch, D(2027, 1, 5), kind="regular")
    workflow.petition_answer(petition=promise, answer="Đã đưa vào kế hoạch sửa chữa quý I/2027.", by=officer.user)
    item = january.agenda_items.get(kind="petitions")
    assert PROMISED in item.notes
    with time_machine.travel(NOW.replace(year=2027, month=1, day=5, hour=20), tick=False):
        workflow.petition_report_back(petition=promise, meeting=january, by=secretary.user)
    assert Petition.objects.get(pk=promise.pk).status == S.REPORTED_BACK


def test_no_promise_at_a_meeting_still_to_come(tree, catalogue, secretary):
    later = make_meeting(tree.branch, D(2027, 1, 9))
    with pytest.raises(ValidationError):
        workflow.promise_record(
            meeting=later, title=PROMISED, category=catalogue.roads, body=catalogue.ubnd, deadline=D(2027, 1, 20),
            by=secretary.user,
        )  # fmt: skip
    assert not Petition.objects.exists()
