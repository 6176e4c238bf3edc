"""Bad input, second pass (issue 22): dates outside the plausible range (members.dates: 1900 to five
years ahead) are refused with a Vietnamese message by the announced days, the commune's rules and
the member import, and nothing is saved."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import MeetingRules
from meetings.services.rules import meeting_rules_save
from members.models import ImportBatch, Member
from tests.meetings.test_rules import post_data
from tests.members.test_import import GOOD_ROWS, confirm, csv_file, upload_ok
from workdays.models import AnnouncedDay
from workdays.services import announced_day_add

pytestmark = pytest.mark.system_scope

NOW = datetime.datetime(2026, 11, 26, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
TOO_EARLY = "Hãy nhập ngày từ năm 1900 trở đi."
TOO_LATE = "Hãy nhập ngày không muộn hơn 26/11/2031."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(("day", "message"), [("01/01/0001", TOO_EARLY), ("31/12/9999", TOO_LATE)])
def test_an_announced_day_must_be_plausible(tree, staff, day, message):
    # The commune's own day off: commune staff do not keep the national list.
    response = staff.post(
        "/workdays/", {"day": day, "kind": "day_off", "organization": tree.commune.pk, "note": "Nghỉ bù"}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AnnouncedDay.objects.exists()


def test_the_announced_days_service_refuses_year_one(db):
    with pytest.raises(ValidationError):
        announced_day_add(day=datetime.date(1, 1, 1), kind="day_off", note="", by=None)
    assert not AnnouncedDay.objects.exists()


@pytest.mark.parametrize(("day", "message"), [("01/01/0001", TOO_EARLY), ("01/01/9999", TOO_LATE)])
def test_the_committee_term_start_must_be_plausible(staff, tree, day, message):
    rules_before = MeetingRules.objects.count()
    history_before = MeetingRules.history.count()

    response = staff.post(reverse("meetings:rules", args=[tree.commune.pk]), post_data(term_started_on=day))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert MeetingRules.objects.count() == rules_before
    assert MeetingRules.history.count() == history_before


def test_a_plausible_term_start_is_saved(staff, tree):
    response = staff.post(reverse("meetings:rules", args=[tree.commune.pk]), post_data(term_started_on="01/10/2025"))
    assert response.status_code == 302
    assert MeetingRules.objects.get(organization=tree.commune).term_started_on == datetime.date(2025, 10, 1)


def test_the_rules_service_refuses_year_9999(tree):
    with pytest.raises(ValidationError):
        meeting_rules_save(
            organization=tree.commune, values={"term_started_on": datetime.date(9999, 1, 1)}, rubric=[], by=None
        )
    assert not MeetingRules.objects.filter(organization=tree.commune).exists()


def test_an_imported_full_member_date_in_3000_is_a_row_error(secretary, tree):
    row = ["Phạm Văn Dũng", "01/01/1970", "Nam", "", "", "", "01/01/1995", "01/01/3000", "Chính thức"] + [""] * 4
    batch = upload_ok(secretary, tree.branch, csv_file([GOOD_ROWS[0], row]))

    page = secretary.get(reverse("members:import_preview", args=[batch.pk])).content.decode()
    assert (
        "Dòng 3: ngày 01/01/3000 ở cột “Ngày chính thức” không hợp lý (hãy nhập ngày từ năm 1900 đến 26/11/2031)."
        in page
    )

    confirm(secretary, batch)
    assert list(Member.objects.values_list("full_name", flat=True)) == ["Nguyễn Văn An"]
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DONE


def test_an_imported_full_member_date_after_today_is_a_row_error(secretary, tree):
    # Plausible (within five years) but in the future: a member becomes full by a decision taken.
    row = ["Phạm Văn Dũng", "01/01/1970", "Nam", "", "", "", "01/01/1995", "01/01/2027", "Chính thức"] + [""] * 4
    batch = upload_ok(secretary, tree.branch, csv_file([GOOD_ROWS[0], row]))

    page = secretary.get(reverse("members:import_preview", args=[batch.pk])).content.decode()
    assert "Dòng 3: ngày chính thức (01/01/2027) sau hôm nay." in page

    confirm(secretary, batch)
    assert list(Member.objects.values_list("full_name", flat=True)) == ["Nguyễn Văn An"]


def test_the_member_form_refuses_a_full_member_date_after_today(secretary, tree):
    from members.services.register import member_validate

    with pytest.raises(ValidationError) as refused:
        member_validate(
            status="full", admitted_on=datetime.date(2020, 1, 1), full_member_on=datetime.date(2026, 11, 27)
        )
    assert refused.value.error_dict["full_member_on"][0].code == "full_in_future"
    member_validate(status="full", admitted_on=datetime.date(2020, 1, 1), full_member_on=datetime.date(2026, 11, 26))
