"""Every outcome goes back to the branch (docs/domain.md, Petitions): an answer, a refusal, "not
within the commune's competence" (not a refusal: the commune cannot decide it) and an escalation
(where it went, when an answer from above is expected), each in its own sentence in the minutes
of the meeting where it was read out. And the petitions' dates are plausible (issue 22)."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from meetings import documents
from petitions.models import Petition, PetitionEvent, PetitionStatus
from petitions.panels import REPORTED_HEADING, reported_section
from petitions.services import workflow
from petitions.services.reportback import report_back_item_ensure
from petitions.services.workflow import ACTIONS

from .conftest import NOW, TZ, D, make_meeting, make_petition

pytestmark = pytest.mark.system_scope

S = PetitionStatus
# Song Khê's next monthly meeting, Tuesday 5/01/2027, and the one after.
JANUARY = D(2027, 1, 5)
FEBRUARY = D(2027, 2, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):  # Thursday 10/12/2026
        yield


@pytest.fixture
def january(tree):
    return make_meeting(tree.branch, JANUARY, kind="regular")


def moment(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def lines(meeting) -> list[str]:
    section = reported_section(meeting)
    return [] if section is None else section.lines


def forwarded(tree, catalogue, root, title):
    return make_petition(tree.branch, catalogue.other, root, S.FORWARDED, title=title)


# --- Two outcomes, not one ------------------------------------------------------------------------


def test_a_refusal_and_not_the_communes_competence_are_different_outcomes(tree, catalogue, root, leader):
    pitch = workflow.petition_decline(
        petition=forwarded(tree, catalogue, root, "Làm sân bóng thôn"),
        reason="Quỹ đất đã quy hoạch làm nhà văn hóa",
        by=leader.user,
    )
    border = workflow.petition_not_competent(
        petition=forwarded(tree, catalogue, root, "Tranh chấp ranh giới đất hai hộ xóm 5"),
        competent_body="Tòa án nhân dân khu vực 3",
        reason="Hòa giải ở thôn không thành; hướng dẫn hai hộ nộp đơn tại Tòa án",
        by=leader.user,
    )
    assert (pitch.status, border.status) == (S.DECLINED, S.NOT_COMPETENT)
    assert (pitch.decided_on, border.decided_on) == (NOW.date(), NOW.date())
    assert [e.kind for e in PetitionEvent.objects.filter(petition=border)] == ["not_competent"]
    assert ACTIONS["decline"].to_status != ACTIONS["not_competent"].to_status
    with translation.override("vi"):
        labels = (pitch.get_status_display(), border.get_status_display())
        assert labels == ("Không giải quyết", "Không thuộc thẩm quyền của xã")
        assert all("/" not in str(label) for _value, label in S.choices)
    with translation.override("en"):
        assert all("/" not in str(label) for _value, label in S.choices)


def test_not_the_communes_competence_needs_who_decides(tree, catalogue, root, leader):
    petition = forwarded(tree, catalogue, root, "Cấp lại sổ đỏ")
    with pytest.raises(ValidationError) as refused, translation.override("vi"):
        workflow.petition_not_competent(petition=petition, competent_body="  ", by=leader.user)
    assert refused.value.error_list[0].code == "competent_body"
    with translation.override("vi"):
        assert "cơ quan có thẩm quyền" in refused.value.messages[0]
    assert Petition.objects.get(pk=petition.pk).status == S.FORWARDED


def test_the_petition_page_offers_both_and_shows_who_decides(leader, tree, catalogue, root):
    petition = forwarded(tree, catalogue, root, "Tranh chấp ranh giới đất hai hộ xóm 5")
    url = reverse("petitions:detail", args=[petition.pk])
    html = leader.get(url).content.decode()
    assert 'id="action-decline"' in html and 'id="action-not_competent"' in html
    response = leader.post(
        reverse("petitions:action", args=[petition.pk, "not_competent"]),
        {
            "not_competent-competent_body": "Tòa án nhân dân khu vực 3",
            "not_competent-reason": "",
            "not_competent-version": petition.version,
        },
    )
    assert response.status_code == 302
    html = leader.get(url).content.decode()
    assert 'data-status="not_competent"' in html and "Không thuộc thẩm quyền của xã" in html
    assert "Tòa án nhân dân khu vực 3" in html and "/ từ chối" not in html


# --- Each goes back to the branch -------------------------------------------------------------------


@pytest.fixture
def outcomes(tree, catalogue, root, leader):
    """A refusal, "not the commune's", an escalation with the day an answer is expected, an answer."""
    with time_machine.travel(moment(D(2026, 12, 8), 9), tick=False):
        refused = workflow.petition_decline(
            petition=forwarded(tree, catalogue, root, "Làm sân bóng thôn"),
            reason="Quỹ đất đã quy hoạch làm nhà văn hóa",
            by=leader.user,
        )
        not_ours = workflow.petition_not_competent(
            petition=forwarded(tree, catalogue, root, "Tranh chấp ranh giới đất hai hộ xóm 5"),
            competent_body="Tòa án nhân dân khu vực 3",
            reason="Hòa giải ở thôn đã không thành",
            by=leader.user,
        )
        sent_up = workflow.petition_escalate(
            petition=forwarded(tree, catalogue, root, "Nâng cấp tỉnh lộ 427"),
            to="Sở Xây dựng TP Hà Nội",
            on=D(2026, 12, 7),
            expected_answer_by=D(2027, 1, 15),
            by=leader.user,
        )
        answered = workflow.petition_answer(
            petition=forwarded(tree, catalogue, root, "Nước giếng xóm 3"), answer="Nước đạt chuẩn.", by=leader.user
        )
    return {"refused": refused, "not_ours": not_ours, "sent_up": sent_up, "answered": answered}


SAID = {
    "answered": "Nước giếng xóm 3: UBND xã Tam Hưng trả lời ngày 08/12/2026: Nước đạt chuẩn.",
    "refused": "Làm sân bóng thôn: không giải quyết, lý do: Quỹ đất đã quy hoạch làm nhà văn hóa.",
    "not_ours": "Tranh chấp ranh giới đất hai hộ xóm 5: không thuộc thẩm quyền giải quyết của xã; "
    "thuộc thẩm quyền của Tòa án nhân dân khu vực 3; Hòa giải ở thôn đã không thành.",
    "sent_up": "Nâng cấp tỉnh lộ 427: đã chuyển lên Sở Xây dựng TP Hà Nội ngày 07/12/2026, "
    "dự kiến trả lời trước 15/01/2027.",
}


def test_every_outcome_waits_on_the_next_meeting_and_is_read_out_there(tree, january, outcomes, secretary):
    # All four wait on January's agenda item and panel, each in its sentence.
    [item] = january.agenda_items.filter(kind="petitions")
    for sentence in SAID.values():
        title = sentence.split(":")[0]
        assert title in item.notes
    assert SAID["refused"] in item.notes and SAID["sent_up"] in item.notes
    # Before the meeting's day the buttons are not offered (they could not succeed).
    html = secretary.get(reverse("meetings:detail", args=[january.pk])).content.decode()
    assert "report_outcome-meeting" not in html and "report_back-meeting" not in html
    assert SAID["refused"].split(":")[0] in html

    # The secretary marks each read out from the meeting page, on the meeting's day.
    with time_machine.travel(moment(JANUARY, 20), tick=False):
        html = secretary.get(reverse("meetings:detail", args=[january.pk])).content.decode()
        for key in ("refused", "not_ours", "sent_up"):
            petition = outcomes[key]
            assert f'action="/petitions/{petition.pk}/report_outcome/"' in html
            assert f'name="report_outcome-meeting" value="{january.pk}"' in html
        assert f'action="/petitions/{outcomes["answered"].pk}/report_back/"' in html
        for key, petition in outcomes.items():
            action = petition.report_action
            response = secretary.post(
                reverse("petitions:action", args=[petition.pk, action]),
                {f"{action}-meeting": january.pk, f"{action}-version": petition.version},
            )
            assert response.status_code == 302, key
    after = {key: Petition.objects.get(pk=p.pk) for key, p in outcomes.items()}
    assert {key: p.status for key, p in after.items()} == {
        "refused": S.DECLINED,
        "not_ours": S.NOT_COMPETENT,
        "sent_up": S.ESCALATED,  # still waiting for the answer from above
        "answered": S.REPORTED_BACK,
    }
    assert all(p.outcome_reported_at_meeting == january for k, p in after.items() if k != "answered")
    assert after["answered"].reported_back_at_meeting == january
    # Nothing is offered twice.
    assert not any(p.allows(ACTIONS[p.report_action]) for p in after.values())

    # January's minutes: each outcome in its own sentence, in the order they came.
    assert lines(january) == [
        f"1. {SAID['sent_up']}",
        f"2. {SAID['refused']}",
        f"3. {SAID['not_ours']}",
        f"4. {SAID['answered']}",
    ]
    data = documents.document_data(january)
    [section] = [s for s in data.sections if s.heading == REPORTED_HEADING]
    assert section.lines == lines(january)


def test_a_refusal_reported_twice_is_refused_with_the_meeting_it_was_read_at(tree, january, outcomes, root):
    refused = outcomes["refused"]
    with time_machine.travel(moment(JANUARY, 20), tick=False):
        workflow.petition_report_back(petition=refused, meeting=january, by=root)
        with pytest.raises(ValidationError) as twice, translation.override("vi"):
            workflow.petition_report_back(petition=refused, meeting=january, by=root)
    with translation.override("vi"):
        assert "05/01/2027" in twice.value.messages[0] and "đã được thông báo" in twice.value.messages[0]


def test_an_outcome_is_not_read_out_before_it_was_known(tree, catalogue, root, leader):
    early = make_meeting(tree.branch, D(2026, 12, 5))
    refused = workflow.petition_decline(petition=forwarded(tree, catalogue, root, "X"), reason="Y", by=leader.user)
    with pytest.raises(ValidationError):
        workflow.petition_report_back(petition=refused, meeting=early, by=root)
    assert Petition.objects.get(pk=refused.pk).outcome_reported_at_meeting is None


def test_an_escalation_read_out_stays_so_in_that_meetings_minutes_once_the_answer_came(tree, january, outcomes, root):
    february = make_meeting(tree.branch, FEBRUARY, kind="regular")
    sent_up = outcomes["sent_up"]
    with time_machine.travel(moment(JANUARY, 20), tick=False):
        workflow.petition_report_back(petition=sent_up, meeting=january, by=root)
    with time_machine.travel(moment(D(2027, 1, 20), 9), tick=False):
        sent_up = workflow.petition_answer(
            petition=sent_up, answer="Đưa vào kế hoạch đầu tư công 2027", answered_on=D(2027, 1, 14), by=root
        )
    with time_machine.travel(moment(FEBRUARY, 20), tick=False):
        sent_up = workflow.petition_report_back(petition=sent_up, meeting=february, by=root)
    assert (sent_up.status, sent_up.outcome_reported_at_meeting, sent_up.reported_back_at_meeting) == (
        S.REPORTED_BACK,
        january,
        february,
    )
    assert f"1. {SAID['sent_up']}" in lines(january)
    assert lines(february) == [
        "1. Nâng cấp tỉnh lộ 427: đã chuyển lên Sở Xây dựng TP Hà Nội ngày 07/12/2026; "
        "Sở Xây dựng TP Hà Nội trả lời ngày 14/01/2027: Đưa vào kế hoạch đầu tư công 2027."
    ]


def test_the_escalation_shows_when_an_answer_is_expected(leader, outcomes):
    html = leader.get(reverse("petitions:detail", args=[outcomes["sent_up"].pk])).content.decode()
    assert "Sở Xây dựng TP Hà Nội" in html and "dự kiến trả lời trước ngày 15/01/2027" in html


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        (D(2026, 12, 6), "không được trước ngày chuyển"),  # before the day it was sent up (7/12)
        (D(2028, 12, 8), "trong vòng hai năm"),  # more than two years after
        (D(9999, 12, 31), "không muộn hơn"),
    ],
)
def test_an_implausible_expected_answer_day_is_refused(tree, catalogue, root, leader, expected, message):
    petition = forwarded(tree, catalogue, root, "Nâng cấp tỉnh lộ 427")
    with pytest.raises(ValidationError) as refused, translation.override("vi"):
        workflow.petition_escalate(
            petition=petition, to="Sở Xây dựng", on=D(2026, 12, 7), expected_answer_by=expected, by=leader.user
        )
    with translation.override("vi"):
        assert message in " ".join(refused.value.messages)
    assert refused.value.error_list[0].code == "expected_answer_by"
    assert Petition.objects.get(pk=petition.pk).status == S.FORWARDED


def test_the_escalate_form_takes_the_expected_day(leader, tree, catalogue, root):
    petition = forwarded(tree, catalogue, root, "Nâng cấp tỉnh lộ 427")
    url = reverse("petitions:action", args=[petition.pk, "escalate"])
    data = {"escalate-to": "Sở Xây dựng", "escalate-on": "07/12/2026", "escalate-version": petition.version}
    html = leader.post(url, {**data, "escalate-expected_answer_by": "01/12/2026"}).content.decode()
    assert "Ngày dự kiến trả lời không được trước ngày chuyển kiến nghị lên cấp trên (07/12/2026)." in html
    assert Petition.objects.get(pk=petition.pk).status == S.FORWARDED
    assert leader.post(url, {**data, "escalate-expected_answer_by": "15/01/2027"}).status_code == 302
    petition.refresh_from_db()
    assert (petition.status, petition.expected_answer_by) == (S.ESCALATED, D(2027, 1, 15))


def test_the_agenda_item_lists_a_refusal_made_before_the_meeting_was_planned(tree, catalogue, root, leader):
    refused = workflow.petition_decline(
        petition=forwarded(tree, catalogue, root, "Làm sân bóng thôn"), reason="Không có quỹ đất", by=leader.user
    )
    january = make_meeting(tree.branch, JANUARY, kind="regular")
    item = report_back_item_ensure(branch=tree.branch)
    assert item.meeting == january
    assert item.notes == "1. Làm sân bóng thôn: không giải quyết, lý do: Không có quỹ đất."
    assert refused.title in item.notes


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
        extremes.update(escalated_on=first, expected_answer_by=last)
    if status == S.DECLINED:
        extremes.update(decided_on=first)
    Petition.objects.filter(pk=petition.pk).update(**extremes)
    for client in (leader, secretary):
        response = client.get(reverse("petitions:detail", args=[petition.pk]))
        assert response.status_code == 200
    assert leader.get(reverse("petitions:list")).status_code == 200
    future = make_petition(tree.branch, catalogue.roads, root, raised_on=last, title="Ngày nêu 31/12/9999")
    assert leader.get(reverse("petitions:detail", args=[future.pk])).status_code == 200


# --- The migration --------------------------------------------------------------------------------

BEFORE = ("petitions", "0003_plausible_dates")
AFTER = ("petitions", "0004_outcomes_not_competent_expected_answer")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def migrate_to_latest():
    """Back to the app's newest migration, for the current models to read the rows."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("petitions"))


@pytest.mark.django_db(transaction=True)
def test_declined_rows_stay_declined_and_wait_to_be_reported_from_the_day_they_were_declined(tree, catalogue, root):
    old = migrate(BEFORE)
    try:
        OldPetition = old.get_model("petitions", "Petition")
        OldEvent = old.get_model("petitions", "PetitionEvent")
        common = {"branch_id": tree.branch.pk, "category_id": catalogue.other.pk, "created_by_id": root.pk}
        declined = OldPetition._default_manager.create(
            title="Làm sân bóng thôn", raised_on=D(2026, 11, 2), status="declined",
            decline_reason="Không thuộc thẩm quyền xã", **common,
        )  # fmt: skip
        event = OldEvent._default_manager.create(
            petition_id=declined.pk, kind="declined", from_status="forwarded", to_status="declined", by_id=root.pk
        )
        # 23:30 on 20/11 in UTC is 21/11 in Hà Nội.
        OldEvent._default_manager.filter(pk=event.pk).update(
            at=datetime.datetime(2026, 11, 20, 23, 30, tzinfo=datetime.UTC)
        )
        without_event = OldPetition._default_manager.create(
            title="Nạo vét mương", raised_on=D(2026, 11, 2), status="declined", decline_reason="Chưa có kinh phí",
            **common,
        )  # fmt: skip
        OldPetition._default_manager.filter(pk=without_event.pk).update(
            updated_at=datetime.datetime(2026, 11, 25, 3, tzinfo=datetime.UTC)
        )
    finally:
        migrate(AFTER)
        migrate_to_latest()
    rows = {p.title: p for p in Petition.objects.all()}
    assert {p.status for p in rows.values()} == {S.DECLINED}  # nothing guessed into "not the commune's"
    assert rows["Làm sân bóng thôn"].decided_on == D(2026, 11, 21)
    assert rows["Nạo vét mương"].decided_on == D(2026, 11, 25)
    assert all(p.outcome_reported_at_meeting is None and p.report_action == "report_outcome" for p in rows.values())


def test_an_outcome_is_not_read_out_at_a_meeting_still_to_come(tree, january, outcomes, root, secretary):
    """10/12/2026: the meeting of 05/01/2027 has not happened; the refusal changes nothing."""
    refused = outcomes["refused"]
    with pytest.raises(ValidationError) as error, translation.override("vi"):
        workflow.petition_report_back(petition=refused, meeting=january, by=root)
    with translation.override("vi"):
        assert "05/01/2027" in error.value.messages[0] and "chưa diễn ra" in error.value.messages[0]
    refused.refresh_from_db()
    assert refused.outcome_reported_at_meeting is None
    # The form does not offer it either.
    response = secretary.post(
        reverse("petitions:action", args=[refused.pk, "report_outcome"]),
        {"report_outcome-meeting": january.pk, "report_outcome-version": refused.version},
    )
    refused.refresh_from_db()
    assert response.status_code in (200, 302) and refused.outcome_reported_at_meeting is None
