"""Report-back: a branch's answered petitions appear by themselves on its next meeting's agenda, exactly once."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meetings.models import AgendaItem, AgendaItemKind, Meeting, MeetingKind, MeetingStatus
from meetings.months import local_datetime
from meetings.services.schedule import meeting_create, meeting_mark_held, meeting_move, schedule_regular_meetings
from petitions.models import PetitionStatus
from petitions.services import workflow
from petitions.services.reportback import REPORT_BACK_TITLE, report_back_item_ensure

from .conftest import NOW, TZ, D, make_petition

pytestmark = pytest.mark.system_scope

S = PetitionStatus
EVENING = datetime.time(19, 30)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):  # Thursday 10/12/2026
        yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the transaction to commit (the meeting signal does), as a real request would."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def create(branch, day: datetime.date, kind=MeetingKind.REGULAR, **fields) -> Meeting:
    start = local_datetime(day, EVENING)
    return meeting_create(
        branch=branch, kind=kind, planned_start=start, planned_end=start + datetime.timedelta(hours=2), **fields
    )


def items(branch):
    return list(
        AgendaItem.objects.filter(meeting__branch=branch, kind=AgendaItemKind.PETITIONS).select_related("meeting")
    )


@pytest.fixture
def forwarded(tree, catalogue, root):
    return make_petition(tree.branch, catalogue.roads, root, S.FORWARDED, title="Sửa chữa tuyến đường nội thôn")


def answer(petition, by, text="Đã bố trí kinh phí, thi công trong tháng 01/2027."):
    return workflow.petition_answer(petition=petition, answer=text, by=by)


def test_answered_before_the_next_meeting_exists_it_appears_when_the_meeting_is_created(
    tree, forwarded, officer, commit
):
    answer(forwarded, officer.user)
    assert items(tree.branch) == []  # no meeting to come yet

    january = commit(create, tree.branch, D(2027, 1, 5))

    [item] = items(tree.branch)
    assert item.meeting == january
    assert item.title == REPORT_BACK_TITLE
    assert item.notes == (
        "1. Sửa chữa tuyến đường nội thôn (UBND xã Tam Hưng, 10/12/2026): "
        "Đã bố trí kinh phí, thi công trong tháng 01/2027."
    )
    # In its place: after the report and the commune's information, before the cadre speaks.
    kinds = list(january.agenda_items.order_by("position", "pk").values_list("kind", flat=True))
    at = kinds.index(AgendaItemKind.PETITIONS)
    assert kinds[at - 1] in (AgendaItemKind.REPORT, AgendaItemKind.GUIDANCE)
    assert kinds[at + 1] == AgendaItemKind.CADRE
    positions = list(january.agenda_items.order_by("position", "pk").values_list("position", flat=True))
    assert positions == list(range(len(kinds)))


def test_answered_with_the_next_meeting_planned_it_appears_at_once(tree, forwarded, officer, meeting, commit):
    january = commit(create, tree.branch, D(2027, 1, 5))
    assert items(tree.branch) == []  # nothing answered yet: no item

    answer(forwarded, officer.user)

    [item] = items(tree.branch)
    assert item.meeting == january  # not the meeting of 5/12, already past
    assert "Sửa chữa tuyến đường nội thôn" in item.notes


def test_two_answers_make_one_item_listing_both(tree, catalogue, root, forwarded, officer, commit):
    commit(create, tree.branch, D(2027, 1, 5))
    water = make_petition(tree.branch, catalogue.water, root, S.IN_PROGRESS, title="Kiểm tra nước giếng xóm 3")
    answer(forwarded, officer.user)
    answer(water, officer.user, "Trạm Y tế đã lấy mẫu; nước đạt chuẩn.")
    report_back_item_ensure(branch=tree.branch)  # any number of times

    [item] = items(tree.branch)
    assert item.notes.splitlines() == [
        "1. Sửa chữa tuyến đường nội thôn (UBND xã Tam Hưng, 10/12/2026): "
        "Đã bố trí kinh phí, thi công trong tháng 01/2027.",
        "2. Kiểm tra nước giếng xóm 3 (UBND xã Tam Hưng, 10/12/2026): Trạm Y tế đã lấy mẫu; nước đạt chuẩn.",
    ]


def test_other_branches_answers_stay_on_their_own_agenda(tree, catalogue, root, forwarded, officer, commit):
    song_khe = commit(create, tree.branch, D(2027, 1, 5))
    commit(create, tree.sibling, D(2027, 1, 5))
    answer(forwarded, officer.user)
    assert [item.meeting for item in items(tree.branch)] == [song_khe]
    assert items(tree.sibling) == []


def test_a_moved_meeting_carries_it_exactly_once(tree, forwarded, officer, staff, commit):
    january = commit(create, tree.branch, D(2027, 1, 5))
    february = commit(create, tree.branch, D(2027, 2, 5))
    answer(forwarded, officer.user)
    assert [item.meeting for item in items(tree.branch)] == [january]

    # January's meeting moves after February's: February's is now the next one.
    commit(
        meeting_move,
        meeting=january,
        new_start=local_datetime(D(2027, 2, 20), EVENING),
        reason="Trùng lịch bầu cử",
        by=staff.user,
    )
    assert [item.meeting for item in items(tree.branch)] == [february]
    assert not january.agenda_items.filter(kind=AgendaItemKind.PETITIONS).exists()

    # ... and back: still once.
    commit(
        meeting_move,
        meeting=january,
        new_start=local_datetime(D(2027, 1, 8), EVENING),
        reason="Đã có lịch mới",
        by=staff.user,
    )
    assert [item.meeting for item in items(tree.branch)] == [january]


def test_an_item_with_something_recorded_stays_but_lists_only_what_was_reported_there(
    tree, forwarded, officer, staff, commit
):
    january = commit(create, tree.branch, D(2027, 1, 5))
    february = commit(create, tree.branch, D(2027, 2, 5))
    answer(forwarded, officer.user)
    [item] = items(tree.branch)
    AgendaItem.objects.filter(pk=item.pk).update(conclusion="Chi bộ ghi nhận.")

    commit(
        meeting_move,
        meeting=january,
        new_start=local_datetime(D(2027, 2, 20), EVENING),
        reason="Trùng lịch",
        by=staff.user,
    )
    kept, moved = sorted(items(tree.branch), key=lambda row: row.meeting.planned_start, reverse=True)
    assert kept.meeting == january and kept.notes == ""  # the answer is no longer waiting there
    assert moved.meeting == february and "Sửa chữa tuyến đường nội thôn" in moved.notes


def test_the_scheduler_creating_the_meeting_twice_makes_it_once(tree, forwarded, officer, commit):
    answer(forwarded, officer.user)
    created = commit(schedule_regular_meetings, months_ahead=2, today=NOW.date())
    again = commit(schedule_regular_meetings, months_ahead=2, today=NOW.date())
    assert (created, again) == (2, 0)  # January and February 2027 (5/12 has passed)
    [item] = items(tree.branch)
    assert item.meeting.planned_start.date() == D(2027, 1, 5)
    assert Meeting.objects.filter(branch=tree.branch).count() == 2


def test_reported_back_closes_the_loop_and_the_item_keeps_listing_it(tree, forwarded, officer, secretary, commit):
    january = commit(create, tree.branch, D(2027, 1, 5))
    answer(forwarded, officer.user)
    [item] = items(tree.branch)
    listed = item.notes

    with time_machine.travel(datetime.datetime(2027, 1, 5, 20, tzinfo=TZ), tick=False):  # the meeting's day
        workflow.petition_report_back(petition=forwarded, meeting=january, by=secretary.user)

        forwarded.refresh_from_db()
        assert forwarded.status == S.REPORTED_BACK and forwarded.is_closed
        [item] = items(tree.branch)
        assert item.notes == listed  # read out there: the item still says what was reported
        with pytest.raises(ValidationError) as refused:
            workflow.petition_report_back(petition=forwarded, meeting=january, by=secretary.user)
    assert refused.value.code == "reported_twice"


def test_a_held_meetings_item_is_what_it_heard(tree, forwarded, officer, secretary, commit):
    january = commit(create, tree.branch, D(2027, 1, 5))
    answer(forwarded, officer.user)
    listed = items(tree.branch)[0].notes
    with time_machine.travel(datetime.datetime(2027, 1, 6, 9, tzinfo=NOW.tzinfo), tick=False):
        commit(
            meeting_mark_held,
            meeting=january,
            actual_start=local_datetime(D(2027, 1, 5), EVENING),
            actual_end=local_datetime(D(2027, 1, 5), datetime.time(21, 30)),
            by=secretary.user,
        )
        february = commit(create, tree.branch, D(2027, 2, 5))
        # Not marked reported back in January: the answer is carried to February's meeting too.
        by_meeting = {item.meeting: item.notes for item in items(tree.branch)}
        assert by_meeting == {january: listed, february: listed}

        # Marked afterwards as read out in January: it leaves February's agenda; January's keeps it.
        workflow.petition_report_back(petition=forwarded, meeting=january, by=secretary.user)
        assert {item.meeting: item.notes for item in items(tree.branch)} == {january: listed}
    january.refresh_from_db()
    assert january.status == MeetingStatus.HELD


def test_a_past_meeting_never_held_is_not_the_next_one(tree, forwarded, officer, commit):
    commit(create, tree.branch, D(2026, 12, 5))  # still a draft, but 5/12 has passed
    january = commit(create, tree.branch, D(2027, 1, 5))
    answer(forwarded, officer.user)
    assert [item.meeting for item in items(tree.branch)] == [january]


def test_only_the_monthly_meeting_takes_the_item(tree, forwarded, officer, commit):
    commit(create, tree.branch, D(2026, 12, 20), kind=MeetingKind.THEMATIC, topic="Chuyên đề")
    january = commit(create, tree.branch, D(2027, 1, 5))
    answer(forwarded, officer.user)
    assert [item.meeting for item in items(tree.branch)] == [january]
