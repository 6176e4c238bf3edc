"""Each step tells the next person (issue 23): the commune hears of a new petition, the officer of a
forwarded one at once with its deadline, the secretary of a refusal or an escalation; nothing twice."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from members.models import RoleKind
from notifications.models import Notification
from petitions import reminders
from petitions.services import workflow

from ..factories import UserFactory, give_role
from .conftest import NOW, D, make_petition

pytestmark = pytest.mark.system_scope

S = workflow.PetitionStatus


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):  # Thursday 10/12/2026
        yield


def told(kind, petition=None) -> dict[int, str]:
    rows = Notification.objects.filter(kind=kind, channel="inbox")
    if petition is not None:
        rows = rows.filter(about_id=petition.pk)
    return {row.recipient_id: row.body for row in rows}


def test_a_new_petition_reaches_the_communes_leaders_and_staff_once(tree, catalogue, secretary, leader, staff):
    key = "6f1f0f5e-7c1b-4c55-9d55-0d1a8b7f0a01"
    for _ in range(2):  # a double tap records one petition and tells once
        petition = workflow.petition_record(
            branch=tree.branch, title="Sửa cống xóm 4", category=catalogue.roads, by=secretary.user,
            resident_name="Nguyễn Văn Tám", submit_key=key,
        )  # fmt: skip
    assert set(told(reminders.RAISED, petition)) == {leader.user.pk, staff.user.pk}
    assert "Sửa cống xóm 4" in told(reminders.RAISED, petition)[leader.user.pk]
    assert secretary.user.pk not in told(reminders.RAISED)


def test_forwarded_the_officer_is_told_at_once_with_the_deadline(tree, catalogue, leader, officer, root):
    petition = make_petition(tree.branch, catalogue.roads, root)
    workflow.petition_forward(
        petition=petition, body=catalogue.ubnd, officer=officer.user, deadline=D(2026, 12, 21), by=leader.user
    )
    messages = told(reminders.FORWARDED, petition)
    assert list(messages) == [officer.user.pk]
    assert "21/12/2026" in messages[officer.user.pk] and "UBND xã Tam Hưng" in messages[officer.user.pk]
    rows = Notification.objects.filter(kind=reminders.FORWARDED)
    assert rows.count() == len(set(rows.values_list("dedupe_key", flat=True)))  # unique keys


def test_forwarded_to_a_body_with_no_officer_chosen_tells_every_officer_of_the_body(
    tree, catalogue, leader, officer, root
):
    second = UserFactory(username="officer-2")
    give_role(second, RoleKind.OFFICER, tree.commune)
    catalogue.ubnd.officers.add(second)
    petition = make_petition(tree.branch, catalogue.roads, root)
    workflow.petition_forward(petition=petition, body=catalogue.ubnd, by=leader.user)
    assert set(told(reminders.FORWARDED, petition)) == {officer.user.pk, second.pk}


def test_reassigned_the_new_officer_is_told(tree, catalogue, leader, officer, root):
    other = UserFactory(username="farmer-officer")
    give_role(other, RoleKind.OFFICER, tree.commune)
    catalogue.farmers.officers.add(other)
    petition = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED, officer=officer.user)
    workflow.petition_assign(petition=petition, body=catalogue.farmers, officer=other, by=leader.user)
    assert set(told(reminders.FORWARDED, petition)) == {other.pk}


def test_the_secretary_hears_a_refusal_and_an_escalation(tree, catalogue, leader, secretary, root):
    refused = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED, title="Làm sân bóng")
    workflow.petition_decline(petition=refused, reason="Chưa có quỹ đất.", by=leader.user)
    assert "Chưa có quỹ đất." in told(reminders.OUTCOME, refused)[secretary.user.pk]

    sent_up = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED, title="Nâng cấp tỉnh lộ")
    workflow.petition_escalate(
        petition=sent_up, to="Sở Xây dựng TP Hà Nội", expected_answer_by=D(2027, 2, 1), by=leader.user
    )
    body = told(reminders.OUTCOME, sent_up)[secretary.user.pk]
    assert "Sở Xây dựng TP Hà Nội" in body and "01/02/2027" in body
    assert Notification.objects.filter(kind=reminders.OUTCOME, channel="inbox").count() == 2


def test_an_escalation_needs_a_follow_up_date_within_two_years(tree, catalogue, leader, root):
    petition = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED)
    with pytest.raises(ValidationError) as missing:
        workflow.petition_escalate(petition=petition, to="UBND tỉnh", by=leader.user)
    assert missing.value.error_list[0].code == "expected_answer_by"
    with pytest.raises(ValidationError):
        workflow.petition_escalate(petition=petition, to="UBND tỉnh", expected_answer_by=D(2029, 1, 5), by=leader.user)
    petition.refresh_from_db()
    assert petition.status == S.FORWARDED
    sent_up = workflow.petition_escalate(
        petition=petition, to="UBND tỉnh", expected_answer_by=D(2027, 1, 15), by=leader.user
    )
    assert sent_up.deadline == D(2027, 1, 15)  # chased and counted overdue against it
