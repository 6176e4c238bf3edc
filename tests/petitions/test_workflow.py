"""The status table, every allowed and forbidden transition, bad input, the timeline and double submits."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import translation

from members.models import RoleKind
from petitions.models import Petition, PetitionAttachment, PetitionEvent, PetitionStatus
from petitions.services import workflow
from petitions.services.workflow import ACTIONS

from ..factories import UserFactory
from .conftest import NOW, RAISED, D, make_meeting, make_petition

S = PetitionStatus
pytestmark = [pytest.mark.usefixtures("frozen"), pytest.mark.system_scope]


@pytest.fixture
def frozen():
    """Thursday 10/12/2026; messages are checked in their English msgid (one test reads the Vietnamese)."""
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


# --- The table, written out by hand so that it cannot drift silently -------------------------------

ROLES = {
    "overseers": {RoleKind.LEADER, RoleKind.COMMUNE_STAFF},
    "handlers": {RoleKind.SECRETARY, RoleKind.CADRE, RoleKind.LEADER, RoleKind.COMMUNE_STAFF, RoleKind.OFFICER},
}
RUNNING = {S.NEW, S.FORWARDED, S.IN_PROGRESS}
EXPECTED_TABLE = {
    # action: (from statuses, to status or None for "stays", who)
    "forward": ({S.NEW}, S.FORWARDED, ROLES["overseers"]),
    "assign": ({S.FORWARDED, S.IN_PROGRESS}, None, ROLES["overseers"]),
    "set_deadline": (RUNNING, None, ROLES["overseers"]),
    "extend_deadline": (RUNNING, None, ROLES["overseers"]),
    "start": ({S.FORWARDED}, S.IN_PROGRESS, {RoleKind.OFFICER}),
    "answer": ({S.FORWARDED, S.IN_PROGRESS, S.ESCALATED}, S.ANSWERED, ROLES["overseers"] | {RoleKind.OFFICER}),
    "answer_at_meeting": ({S.NEW}, S.ANSWERED_AT_MEETING, {RoleKind.CADRE, RoleKind.SECRETARY}),
    "escalate": (RUNNING, S.ESCALATED, ROLES["overseers"]),
    "decline": (RUNNING, S.DECLINED, ROLES["overseers"]),
    "not_competent": (RUNNING, S.NOT_COMPETENT, ROLES["overseers"]),
    "report_back": ({S.ANSWERED}, S.REPORTED_BACK, {RoleKind.SECRETARY, RoleKind.COMMUNE_STAFF}),
    "report_outcome": ({S.DECLINED, S.NOT_COMPETENT, S.ESCALATED}, None, {RoleKind.SECRETARY, RoleKind.COMMUNE_STAFF}),
    # Any status once the branch heard a resident's petition's outcome (Petition.awaits_telling_resident).
    "tell_resident": (
        set(S),
        None,
        {RoleKind.SECRETARY, RoleKind.COMMUNE_STAFF, RoleKind.CADRE},
    ),
    "comment": (set(S), None, ROLES["handlers"]),
    "attach": (set(S), None, ROLES["handlers"]),
}


def test_the_status_table_is_the_one_written_here():
    assert set(ACTIONS) == set(EXPECTED_TABLE)
    for name, (sources, target, roles) in EXPECTED_TABLE.items():
        action = ACTIONS[name]
        assert (set(action.from_statuses), action.to_status, set(action.roles)) == (sources, target, roles), name


# --- Every action from every status ----------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n"


def perform(action, petition, by, ctx):
    """The action with valid input."""
    calls = {
        "forward": lambda: workflow.petition_forward(petition=petition, body=ctx.ubnd, by=by),
        "assign": lambda: workflow.petition_assign(petition=petition, body=ctx.farmers, by=by),
        "set_deadline": lambda: workflow.petition_set_deadline(petition=petition, deadline=D(2026, 12, 24), by=by),
        "extend_deadline": lambda: workflow.petition_extend_deadline(
            petition=petition, deadline=D(2026, 12, 31), reason="Chờ kinh phí", by=by
        ),
        "start": lambda: workflow.petition_start(petition=petition, by=by),
        "answer": lambda: workflow.petition_answer(petition=petition, answer="Đã sửa xong.", by=by),
        "answer_at_meeting": lambda: workflow.petition_answer_at_meeting(
            petition=petition, answer="Trả lời tại hội nghị.", meeting=ctx.meeting, by=by
        ),
        "escalate": lambda: workflow.petition_escalate(
            petition=petition, to="Sở Nông nghiệp và Môi trường", expected_answer_by=D(2027, 1, 15), by=by
        ),
        "decline": lambda: workflow.petition_decline(petition=petition, reason="Chưa có kinh phí.", by=by),
        "not_competent": lambda: workflow.petition_not_competent(
            petition=petition, competent_body="Tòa án nhân dân khu vực 3", by=by
        ),
        "report_back": lambda: workflow.petition_report_back(
            petition=petition, meeting=ctx.meeting, by=by, action="report_back"
        ),
        "report_outcome": lambda: workflow.petition_report_back(
            petition=petition, meeting=ctx.meeting, by=by, action="report_outcome"
        ),
        "tell_resident": lambda: workflow.petition_tell_resident(
            petition=petition, how="phone", told_by="Bí thư chi bộ", by=by
        ),
        "comment": lambda: workflow.petition_comment(petition=petition, text="Đã gọi điện cho hộ dân.", by=by),
        "attach": lambda: workflow.petition_attach(petition=petition, upload=SimpleUploadedFile("anh.pdf", PDF), by=by),
    }
    return calls[action]()


def state(petition: Petition) -> tuple:
    petition = Petition.objects.get(pk=petition.pk)
    return (
        model_to_dict(petition),
        petition.version,
        PetitionEvent.objects.filter(petition=petition).count(),
        PetitionAttachment.objects.filter(petition=petition).count(),
    )


@pytest.fixture
def ctx(tree, catalogue, meeting, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    catalogue.meeting = meeting
    catalogue.officer = officer.user
    return catalogue


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_from_every_status(tree, ctx, root, action, status):
    """Allowed: the table's status follows and one timeline entry is written. Refused: a clear
    message and nothing changed. (A new petition has no deadline yet; the others have one.)"""
    petition = make_petition(tree.branch, ctx.roads, root, status, officer=None if status == S.NEW else ctx.officer)
    deadline_ok = {
        "set_deadline": petition.deadline is None,
        "extend_deadline": petition.deadline is not None,
        # The branch heard it: reported back, answered at the meeting (a refusal read out is tested apart).
        "tell_resident": status in (S.REPORTED_BACK, S.ANSWERED_AT_MEETING),
    }
    allowed = status in EXPECTED_TABLE[action][0] and deadline_ok.get(action, True)
    assert petition.allows(ACTIONS[action]) == allowed
    before = state(petition)
    if allowed:
        done = perform(action, petition, root, ctx)
        done = Petition.objects.get(pk=petition.pk)
        assert done.status == (EXPECTED_TABLE[action][1] or status)
        assert done.version == petition.version + 1
        entries = list(PetitionEvent.objects.filter(petition=petition))
        assert len(entries) == 1
        assert (entries[0].kind, entries[0].from_status, entries[0].to_status, entries[0].by) == (
            ACTIONS[action].event,
            status,
            done.status,
            root,
        )
    else:
        with pytest.raises(ValidationError) as refused:
            perform(action, petition, root, ctx)
        assert refused.value.messages and refused.value.messages[0]
        assert state(petition) == before


# --- Recording, deadlines in working days ----------------------------------------------------------


def test_recording_writes_the_first_timeline_entry(tree, secretary, meeting, catalogue):
    petition = workflow.petition_record(
        branch=tree.branch,
        title="  Sửa chữa tuyến đường nội thôn ",
        category=catalogue.roads,
        meeting=meeting,
        resident_name="Nguyễn  Văn Dân",
        resident_phone="0912 345 678",
        by=secretary.user,
    )
    assert (petition.status, petition.title, petition.raised_on) == (
        S.NEW,
        "Sửa chữa tuyến đường nội thôn",
        D(2026, 12, 5),
    )
    assert petition.resident_name == "Nguyễn Văn Dân"
    [entry] = petition.events.all()
    assert (entry.kind, entry.to_status, entry.by) == ("recorded", S.NEW, secretary.user)


def test_a_double_submit_records_one_petition(tree, secretary, catalogue):
    key = uuid.uuid4()
    first = workflow.petition_record(
        branch=tree.branch, title="Nước sạch", category=catalogue.water, submit_key=key, by=secretary.user
    )
    second = workflow.petition_record(
        branch=tree.branch, title="Nước sạch", category=catalogue.water, submit_key=key, by=secretary.user
    )
    assert first.pk == second.pk
    assert Petition.objects.count() == 1 and PetitionEvent.objects.count() == 1


def test_the_submit_key_is_unique_in_the_database(tree, root, catalogue):
    key = uuid.uuid4()
    make_petition(tree.branch, catalogue.water, root, submit_key=key)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_petition(tree.branch, catalogue.water, root, submit_key=key)


def test_forwarding_sets_the_category_deadline_in_working_days(tree, leader, catalogue):
    petition = make_petition(tree.branch, catalogue.roads, leader.user)
    petition = workflow.petition_forward(petition=petition, body=catalogue.ubnd, by=leader.user)
    # 15 working days after Thursday 10/12/2026: 11, 14–18, 21–25, 28–31 December.
    assert petition.deadline == D(2026, 12, 31)
    entry = petition.events.get()
    assert entry.data["deadline"] == "2026-12-31" and entry.data["default_deadline"] is True
    assert entry.data["body"] == "UBND xã Tam Hưng"


def test_a_default_deadline_skips_tet(tree, leader, catalogue):
    """Tết Bính Ngọ: 16–20/02/2026 are holidays; 10 working days after Thursday 12/02/2026."""
    with time_machine.travel(datetime.datetime(2026, 2, 12, 9, tzinfo=NOW.tzinfo), tick=False):
        petition = make_petition(tree.branch, catalogue.water, leader.user, raised_on=D(2026, 2, 10))
        petition = workflow.petition_forward(petition=petition, body=catalogue.ubnd, by=leader.user)
    # 13/02 (1), 23–27/02 (6), 2–5/03 (10).
    assert petition.deadline == D(2026, 3, 5)


def test_extending_keeps_the_old_and_new_deadline_and_the_reason(tree, leader, catalogue):
    petition = make_petition(tree.branch, catalogue.roads, leader.user, S.FORWARDED)
    petition = workflow.petition_extend_deadline(
        petition=petition, deadline=D(2027, 1, 15), reason="Chờ khảo sát", by=leader.user
    )
    entry = petition.events.get()
    assert entry.kind == "deadline_extended" and entry.text == "Chờ khảo sát"
    assert entry.data == {"old_deadline": "2026-12-20", "new_deadline": "2027-01-15"}


def test_an_officer_of_the_body_takes_an_unassigned_petition_by_starting_it(tree, officer, catalogue):
    petition = make_petition(tree.branch, catalogue.roads, officer.user, S.FORWARDED, body=catalogue.ubnd)
    petition = workflow.petition_start(petition=petition, by=officer.user)
    assert (petition.status, petition.officer) == (S.IN_PROGRESS, officer.user)


def test_the_full_loop(tree, secretary, leader, officer, catalogue, meeting):
    """Recorded at the meeting of 5/12, forwarded, answered, reported back at the next meeting."""
    petition = workflow.petition_record(
        branch=tree.branch,
        title="Sửa chữa tuyến đường nội thôn",
        category=catalogue.roads,
        meeting=meeting,
        by=secretary.user,
    )
    petition = workflow.petition_forward(
        petition=petition, body=catalogue.ubnd, officer=officer.user, deadline=D(2026, 12, 18), by=leader.user
    )
    petition = workflow.petition_start(petition=petition, by=officer.user)
    petition = workflow.petition_answer(petition=petition, answer="Đã bố trí kinh phí.", by=officer.user)
    next_meeting = make_meeting(tree.branch, D(2027, 1, 5))
    with time_machine.travel(datetime.datetime(2027, 1, 5, 20, tzinfo=NOW.tzinfo), tick=False):
        petition = workflow.petition_report_back(petition=petition, meeting=next_meeting, by=secretary.user)
    assert petition.status == S.REPORTED_BACK and petition.is_closed
    kinds = list(petition.events.values_list("kind", flat=True))
    assert kinds == ["recorded", "forwarded", "started", "answered", "reported_back"]


# --- Bad input: a clear message, nothing changed ---------------------------------------------------


def refused(call, petition, message_part):
    before = state(petition)
    with pytest.raises(ValidationError) as error:
        call()
    assert message_part in " ".join(error.value.messages)
    assert state(petition) == before


def test_a_deadline_before_the_day_raised_is_refused(tree, leader, catalogue):
    petition = make_petition(tree.branch, catalogue.roads, leader.user)
    refused(
        lambda: workflow.petition_forward(
            petition=petition, body=catalogue.ubnd, deadline=RAISED - datetime.timedelta(days=1), by=leader.user
        ),
        petition,
        "before the day the petition was raised (01/12/2026)",
    )
    refused(
        lambda: workflow.petition_set_deadline(petition=petition, deadline=D(2026, 11, 1), by=leader.user),
        petition,
        "before the day",
    )


def test_an_extension_needs_a_later_date_and_a_reason(tree, leader, catalogue):
    petition = make_petition(tree.branch, catalogue.roads, leader.user, S.FORWARDED)
    refused(
        lambda: workflow.petition_extend_deadline(
            petition=petition, deadline=D(2026, 12, 19), reason="Lý do", by=leader.user
        ),
        petition,
        "later than the current one (20/12/2026)",
    )
    refused(
        lambda: workflow.petition_extend_deadline(
            petition=petition, deadline=D(2027, 1, 5), reason=" ", by=leader.user
        ),
        petition,
        "Say why the deadline is extended",
    )


def test_declining_needs_a_reason(tree, leader, catalogue):
    petition = make_petition(tree.branch, catalogue.roads, leader.user)
    refused(lambda: workflow.petition_decline(petition=petition, reason="  ", by=leader.user), petition, "Say why")


def test_answering_needs_the_answer(tree, leader, secretary, catalogue, meeting):
    petition = make_petition(tree.branch, catalogue.roads, leader.user, S.IN_PROGRESS)
    refused(
        lambda: workflow.petition_answer(petition=petition, answer="", by=leader.user), petition, "Write the answer"
    )
    new = make_petition(tree.branch, catalogue.roads, leader.user)
    refused(
        lambda: workflow.petition_answer_at_meeting(petition=new, answer=" ", meeting=meeting, by=secretary.user),
        new,
        "Write the answer",
    )


def test_a_transition_the_table_does_not_allow_is_refused(tree, leader, catalogue):
    petition = make_petition(tree.branch, catalogue.roads, leader.user, S.DECLINED)
    refused(
        lambda: workflow.petition_forward(petition=petition, body=catalogue.ubnd, by=leader.user),
        petition,
        "cannot be forwarded",
    )


def test_a_body_or_officer_of_another_commune_is_refused(tree, leader, catalogue, foreign_officer):
    petition = make_petition(tree.branch, catalogue.roads, leader.user)
    refused(
        lambda: workflow.petition_forward(petition=petition, body=catalogue.foreign_body, by=leader.user),
        petition,
        "UBND phường Đức Thắng is a body of another commune",
    )
    refused(
        lambda: workflow.petition_forward(
            petition=petition, body=catalogue.ubnd, officer=foreign_officer.user, by=leader.user
        ),
        petition,
        "is not an officer of this commune",
    )
    no_role = UserFactory(username="no-role")
    refused(
        lambda: workflow.petition_forward(petition=petition, body=catalogue.ubnd, officer=no_role, by=leader.user),
        petition,
        "is not an officer of this commune",
    )
    forwarded = make_petition(tree.branch, catalogue.roads, leader.user, S.FORWARDED)
    refused(
        lambda: workflow.petition_assign(petition=forwarded, body=catalogue.foreign_body, by=leader.user),
        forwarded,
        "another commune",
    )


def test_a_category_of_another_commune_is_refused_when_recording(tree, secretary, catalogue):
    with pytest.raises(ValidationError, match="another commune"):
        workflow.petition_record(
            branch=tree.branch, title="Nước", category=catalogue.foreign_category, by=secretary.user
        )
    assert not Petition.objects.exists()


def test_a_second_report_back_says_so_and_changes_nothing(tree, secretary, catalogue, meeting):
    petition = make_petition(tree.branch, catalogue.roads, secretary.user, S.ANSWERED)
    petition = workflow.petition_report_back(petition=petition, meeting=meeting, by=secretary.user)
    later = make_meeting(tree.branch, D(2026, 12, 9))
    refused(
        lambda: workflow.petition_report_back(petition=petition, meeting=later, by=secretary.user),
        petition,
        "already reported back to the branch at the meeting of 05/12/2026",
    )


def test_report_back_needs_a_meeting_of_the_same_branch_after_the_answer(tree, secretary, catalogue):
    petition = make_petition(tree.branch, catalogue.roads, secretary.user, S.ANSWERED)
    elsewhere = make_meeting(tree.sibling)
    refused(
        lambda: workflow.petition_report_back(petition=petition, meeting=elsewhere, by=secretary.user),
        petition,
        "one of this branch's meetings",
    )
    before_answer = make_meeting(tree.branch, D(2026, 12, 2))
    refused(
        lambda: workflow.petition_report_back(petition=petition, meeting=before_answer, by=secretary.user),
        petition,
        "before the answer came",
    )


def test_reassigning_to_the_same_body_and_officer_changes_nothing(tree, leader, catalogue):
    petition = make_petition(tree.branch, catalogue.roads, leader.user, S.FORWARDED, body=catalogue.ubnd)
    refused(
        lambda: workflow.petition_assign(petition=petition, body=catalogue.ubnd, by=leader.user),
        petition,
        "already with this body",
    )


def test_a_stale_version_is_refused(tree, leader, catalogue):
    petition = make_petition(tree.branch, catalogue.roads, leader.user)
    refused(
        lambda: workflow.petition_comment(petition=petition, text="x", by=leader.user, expected_version=7),
        petition,
        "Someone else changed this petition",
    )


def test_a_file_that_is_not_what_it_says_is_refused(tree, secretary, catalogue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    petition = make_petition(tree.branch, catalogue.roads, secretary.user)
    refused(
        lambda: workflow.petition_attach(
            petition=petition, upload=SimpleUploadedFile("anh.pdf", b"MZ\x90\x00 not a pdf"), by=secretary.user
        ),
        petition,
        "is not a PDF",
    )


def test_someone_without_the_right_is_refused_and_nothing_changes(tree, plain_member, secretary, catalogue):
    petition = make_petition(tree.branch, catalogue.roads, secretary.user)
    before = state(petition)
    with pytest.raises(PermissionDenied):
        workflow.petition_forward(petition=petition, body=catalogue.ubnd, by=secretary.user)
    with pytest.raises(PermissionDenied):
        workflow.petition_comment(petition=petition, text="Ý kiến", by=plain_member.user)
    with pytest.raises(PermissionDenied):
        workflow.petition_record(branch=tree.branch, title="x", category=catalogue.roads, by=plain_member.user)
    assert state(petition) == before and Petition.objects.count() == 1


# --- The database keeps the rules too ------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"deadline": D(2026, 11, 30)},
        {"status": S.DECLINED, "decline_reason": ""},
        {"status": S.ANSWERED, "answer": "", "answered_on": D(2026, 12, 3)},
    ],
)
def test_the_database_refuses_a_petition_that_breaks_the_rules(tree, root, catalogue, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_petition(tree.branch, catalogue.roads, root, **fields)


def test_the_timeline_has_no_way_to_edit_or_delete():
    names = [name for name in dir(workflow) if name.startswith("petition")]
    assert "petition_forward" in names
    assert not [name for name in names if any(word in name for word in ("delete", "remove", "edit", "update"))]


def test_the_messages_are_vietnamese(tree, secretary, catalogue, meeting):
    petition = make_petition(tree.branch, catalogue.roads, secretary.user, S.ANSWERED)
    workflow.petition_report_back(petition=petition, meeting=meeting, by=secretary.user)
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        workflow.petition_report_back(petition=petition, meeting=meeting, by=secretary.user)
    assert error.value.messages == [
        "Kết quả trả lời này đã được thông báo lại cho chi bộ tại buổi sinh hoạt ngày 05/12/2026; không có gì thay đổi."
    ]
