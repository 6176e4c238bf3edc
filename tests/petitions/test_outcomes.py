"""The petitions' dates are plausible (issue 22): a day raised from 1900 up to today, a deadline
within two years, and a page that still opens on the dates saved before they were checked."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from petitions.models import Petition, PetitionEvent, PetitionStatus
from petitions.services import workflow

from .conftest import NOW, D, make_petition

S = PetitionStatus


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):  # Thursday 10/12/2026
        yield


# --- Plausible dates (issue 22) ----------------------------------------------------------------------


def record_data(catalogue, raised_on: str) -> dict:
    return {
        "title": "Nước sạch xóm 2",
        "category": catalogue.water.pk,
        "resident_name": "Nguyễn Thị Dân",
        "priority": "normal",
        "raised_on": raised_on,
        "submit_key": str(uuid.uuid4()),
    }


@pytest.mark.parametrize(
    ("raised_on", "message"),
    [
        ("01/01/0001", "Hãy nhập ngày từ năm 1900 trở đi."),
        ("11/12/2026", "Ngày nêu kiến nghị không được ở tương lai."),  # tomorrow
    ],
)
def test_an_implausible_day_raised_is_refused_and_nothing_saved(secretary, tree, catalogue, raised_on, message):
    url = reverse("petitions:record") + f"?branch={tree.branch.pk}"
    page = secretary.post(url, record_data(catalogue, raised_on))
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not Petition.objects.exists() and not PetitionEvent.objects.exists()


def test_the_service_refuses_the_year_one_too(tree, catalogue, root):
    with pytest.raises(ValidationError) as refused:
        workflow.petition_record(branch=tree.branch, title="X", category=catalogue.water, raised_on=D(1, 1, 1), by=root)
    assert refused.value.error_list[0].code == "raised_on"
    assert not Petition.objects.exists()


@pytest.mark.parametrize("action", ["forward", "set_deadline"])
def test_a_deadline_years_ahead_is_refused(leader, tree, catalogue, root, action):
    petition = make_petition(tree.branch, catalogue.roads, root)
    data = {f"{action}-deadline": "31/12/9999", f"{action}-version": petition.version}
    if action == "forward":
        data["forward-body"] = catalogue.ubnd.pk
    html = leader.post(reverse("petitions:action", args=[petition.pk, action]), data).content.decode()
    assert "Hãy nhập ngày không muộn hơn" in html
    # Within the five plausible years but more than two ahead: the service's limit.
    data[f"{action}-deadline"] = "11/12/2028"
    html = leader.post(reverse("petitions:action", args=[petition.pk, action]), data).content.decode()
    assert "Thời hạn phải trong vòng hai năm kể từ hôm nay (không muộn hơn ngày 10/12/2028)." in html
    petition.refresh_from_db()
    assert (petition.status, petition.deadline, petition.version) == (S.NEW, None, 1)


def test_an_extension_years_ahead_is_refused(tree, catalogue, root, leader):
    petition = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED)
    with pytest.raises(ValidationError):
        workflow.petition_extend_deadline(petition=petition, deadline=D(9999, 12, 31), reason="Chờ", by=leader.user)
    assert Petition.objects.get(pk=petition.pk).deadline == D(2026, 12, 20)


@pytest.mark.parametrize("status", [S.NEW, S.FORWARDED, S.ESCALATED, S.DECLINED])
def test_the_page_never_fails_on_dates_stored_before_they_were_checked(
    leader, secretary, tree, catalogue, root, status
):
    """01/01/0001 and 31/12/9999 were accepted once: the page still opens, with its forms."""
    first, last = datetime.date.min, datetime.date.max
    petition = make_petition(tree.branch, catalogue.roads, root, status, raised_on=first)
    # A forwarded one is overdue since 01/01/0001: its days late count from 1900, not year 1.
    extremes = {"deadline": None if status == S.NEW else first if status == S.FORWARDED else last}
    if status == S.ESCALATED:
        extremes.update(escalated_on=first)
    Petition.objects.filter(pk=petition.pk).update(**extremes)
    for client in (leader, secretary):
        response = client.get(reverse("petitions:detail", args=[petition.pk]))
        assert response.status_code == 200
    assert leader.get(reverse("petitions:list")).status_code == 200
    future = make_petition(tree.branch, catalogue.roads, root, raised_on=last, title="Ngày nêu 31/12/9999")
    assert leader.get(reverse("petitions:detail", args=[future.pk])).status_code == 200
