"""The resident is told (issue 23): after the branch heard the outcome, "đã thông báo cho người
dân" (how, when, by whom), once; shown on the page and in the figures."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from petitions.models import Petition
from petitions.services import workflow

from .conftest import NOW, D, make_meeting, make_petition

pytestmark = pytest.mark.system_scope

S = workflow.PetitionStatus


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):  # Thursday 10/12/2026
        yield


def test_the_resident_is_told_after_the_report_back_and_once(tree, catalogue, root, secretary):
    answered = make_petition(tree.branch, catalogue.roads, root, S.ANSWERED)
    with pytest.raises(ValidationError):  # the branch has not heard it yet
        workflow.petition_tell_resident(petition=answered, how="phone", told_by="Bí thư", by=secretary.user)
    held = make_meeting(tree.branch, D(2026, 12, 5))
    workflow.petition_report_back(petition=answered, meeting=held, by=secretary.user)

    url = f"/petitions/{answered.pk}/"
    assert "tell_resident-how" in secretary.get(url).content.decode()
    response = secretary.post(
        f"{url}tell_resident/",
        {"tell_resident-how": "village_meeting", "tell_resident-on": "08/12/2026",
         "tell_resident-told_by": "Trưởng thôn Nguyễn Văn Hải", "tell_resident-version": answered.version + 1},
    )  # fmt: skip
    assert response.status_code == 302
    told = Petition.objects.get(pk=answered.pk)
    assert (told.told_resident_on, told.told_resident_how, told.told_resident_by) == (
        D(2026, 12, 8),
        "village_meeting",
        "Trưởng thôn Nguyễn Văn Hải",
    )
    html = secretary.get(url).content.decode()
    assert "Tại họp thôn, tổ dân phố" in html and "08/12/2026" in html and "tell_resident-how" not in html
    with pytest.raises(ValidationError):
        workflow.petition_tell_resident(petition=told, how="phone", told_by="Bí thư", by=secretary.user)


def test_a_members_own_petition_has_no_resident_to_tell(tree, catalogue, root, secretary):
    held = make_meeting(tree.branch, D(2026, 12, 5))
    own = make_petition(tree.branch, catalogue.roads, root, S.REPORTED_BACK, meeting=held, resident_name="")
    assert not own.awaits_telling_resident


def test_a_refusal_read_out_can_be_told_too_and_not_before_the_meeting(tree, catalogue, root, secretary, leader):
    refused = make_petition(tree.branch, catalogue.roads, root, S.DECLINED)
    held = make_meeting(tree.branch, D(2026, 12, 5))
    workflow.petition_report_back(petition=refused, meeting=held, by=secretary.user)
    with pytest.raises(ValidationError):  # before the branch heard it on 5/12
        workflow.petition_tell_resident(
            petition=refused, how="in_person", told_by="Bí thư", on=D(2026, 12, 4), by=secretary.user
        )
    workflow.petition_tell_resident(petition=refused, how="in_person", told_by="Bí thư", by=secretary.user)
    assert Petition.objects.get(pk=refused.pk).told_resident_on == D(2026, 12, 10)


def test_the_figures_count_answered_and_told(tree, catalogue, root, leader):
    held = make_meeting(tree.branch, D(2026, 12, 5))
    make_petition(tree.branch, catalogue.roads, root, S.REPORTED_BACK, meeting=held)
    make_petition(
        tree.branch, catalogue.roads, root, S.REPORTED_BACK, meeting=held,
        told_resident_on=D(2026, 12, 6), told_resident_how="phone", told_resident_by="Bí thư",
    )  # fmt: skip
    html = leader.get("/petitions/figures/").content.decode()
    assert "Đã trả lời và đã báo người dân" in html
    assert '<div class="pt-count" id="answered-and-told"><strong>1</strong>' in html


def test_no_answer_on_the_spot_at_a_meeting_still_to_come(tree, catalogue, root, cadre):
    petition = make_petition(tree.branch, catalogue.roads, root)
    later = make_meeting(tree.branch, D(2027, 1, 9))
    with pytest.raises(ValidationError):
        workflow.petition_answer_at_meeting(petition=petition, answer="Sẽ sửa.", meeting=later, by=root)
    assert Petition.objects.get(pk=petition.pk).status == S.NEW


def test_the_petition_page_offers_report_back_only_with_a_meeting_that_has_come(tree, catalogue, root, secretary):
    answered = make_petition(tree.branch, catalogue.roads, root, S.ANSWERED)
    make_meeting(tree.branch, D(2027, 1, 5), kind="regular")  # still to come
    html = secretary.get(f"/petitions/{answered.pk}/").content.decode()
    assert "report_back-meeting" not in html
    make_meeting(tree.branch, D(2026, 12, 9))  # held yesterday
    html = secretary.get(f"/petitions/{answered.pk}/").content.decode()
    assert "report_back-meeting" in html
