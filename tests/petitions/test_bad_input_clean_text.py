"""Bad input, second pass (issue 22): what a petition's people type loses bidirectional overrides,
zero-width and control characters and is composed (NFC), whichever form or service it comes
through; a resident's phone is read by the one reader of numbers (notifications.phones)."""

import unicodedata
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import Meeting
from members.text import clean_text
from petitions.models import Petition, PetitionEvent
from petitions.services import catalogue as catalogue_services
from petitions.services import workflow

from .conftest import make_petition

pytestmark = pytest.mark.system_scope

INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff\x07"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_clean_text():
    assert clean_text(f" {nfd('Sửa đường')}{INVISIBLE} thôn\u202e ") == "Sửa đường thôn"
    assert clean_text("Dòng 1\r\nDòng 2") == "Dòng 1\nDòng 2"


def record(client, tree, catalogue, **fields):
    data = {
        "title": "Nước sạch xóm 2",
        "content": "",
        "category": catalogue.water.pk,
        "resident_name": "Nguyễn Thị Dân",
        "resident_phone": "",
        "priority": "normal",
        "raised_on": "",
        "submit_key": str(uuid.uuid4()),
        **fields,
    }
    return client.post(reverse("petitions:record") + f"?branch={tree.branch.pk}", data)


def test_a_recorded_petition_is_stored_clean(secretary, tree, catalogue):
    response = record(
        secretary,
        tree,
        catalogue,
        title=f"\u202e{nfd('Nước sạch')}\u200b xóm 2\u202c",
        content=f"Giếng\u2066 bị nhiễm phèn\u2069.{INVISIBLE}",
        resident_name=f"{nfd('Nguyễn')}\u200b Thị  Dân\ufeff",
        resident_phone="+84 912 345 678",
    )

    assert response.status_code == 302
    petition = Petition.objects.get()
    assert (petition.title, petition.content, petition.resident_name, petition.resident_phone) == (
        "Nước sạch xóm 2",
        "Giếng bị nhiễm phèn.",
        "Nguyễn Thị Dân",
        "0912345678",
    )


@pytest.mark.parametrize("phone", ["09١٢٣٤٥٦٧٨", "０９１２３４５６７８", "+1 202 555 01", "0112 345 678"])
def test_a_residents_phone_that_is_not_a_vietnamese_number_is_refused(secretary, tree, catalogue, phone):
    response = record(secretary, tree, catalogue, resident_phone=phone)
    assert response.status_code == 200
    assert "resident_phone" in response.context["form"].errors
    assert not Petition.objects.exists()


def test_the_service_reads_a_residents_phone_like_every_other(tree, catalogue, root):
    with pytest.raises(ValidationError) as error:
        workflow.petition_record(
            branch=tree.branch, title="Đèn đường", category=catalogue.roads, by=root, resident_phone="09١٢٣٤٥٦٧٨"
        )
    assert error.value.error_list[0].code == "resident_phone"
    assert not Petition.objects.exists()


def test_a_title_of_nothing_but_invisible_characters_is_missing(secretary, tree, catalogue):
    response = record(secretary, tree, catalogue, title="\u200b\u202e")
    assert response.status_code == 200
    assert not Petition.objects.exists()


def test_timeline_texts_and_catalogue_names_are_stored_clean(tree, catalogue, root):
    petition = make_petition(tree.branch, catalogue.roads, root)
    workflow.petition_comment(petition=petition, text=f"\u202e{nfd('Đã gọi')}\u200b điện", by=root)
    assert PetitionEvent.objects.filter(petition=petition).latest("pk").text == "Đã gọi điện"

    category = catalogue_services.category_create(
        commune=tree.commune, name=f"\u2067{nfd('Môi trường')}\u200b mới\u2069", default_days=10, by=root
    )
    assert category.name == "Môi trường mới"


def test_a_meeting_cancelled_keeps_a_clean_reason(secretary, tree):
    from tests.meetings.conftest import make_meeting

    meeting = make_meeting(tree.branch)
    response = secretary.post(
        reverse("meetings:cancel", args=[meeting.pk]), {"reason": f"\u202e{nfd('Mưa bão')}\u200b lớn"}
    )
    assert response.status_code in (200, 302)
    assert Meeting.objects.get(pk=meeting.pk).status_reason == "Mưa bão lớn"
