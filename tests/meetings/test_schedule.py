"""Scheduling regular meetings, meeting days, the rules per commune, and the meeting's life cycle."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from meetings import services
from meetings.models import (
    DEFAULT_AGENDA,
    DEFAULT_RUBRIC,
    AgendaItemKind,
    AgendaTemplate,
    CadreAssignment,
    Guidance,
    Meeting,
    MeetingKind,
    MeetingRules,
    MeetingStatus,
)
from members.models import OrganizationKind, Weekday, WeekOfMonth

from ..factories import MemberFactory, UserFactory, make_org
from .conftest import TZ, at, make_meeting

pytestmark = pytest.mark.system_scope

D = datetime.date


# --- Meeting days --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "month", "expected"),
    [
        ({"meeting_day": 5}, D(2026, 12, 1), D(2026, 12, 5)),
        ({"meeting_day": 31}, D(2027, 2, 1), D(2027, 2, 28)),  # short month: its last day
        ({"meeting_day": 30}, D(2028, 2, 1), D(2028, 2, 29)),  # leap year
        ({"meeting_weekday": Weekday.SATURDAY, "meeting_week": WeekOfMonth.FIRST}, D(2026, 12, 1), D(2026, 12, 5)),
        ({"meeting_weekday": Weekday.SATURDAY, "meeting_week": WeekOfMonth.FIRST}, D(2027, 1, 1), D(2027, 1, 2)),
        ({"meeting_weekday": Weekday.FRIDAY, "meeting_week": WeekOfMonth.LAST}, D(2026, 12, 1), D(2026, 12, 25)),
        ({"meeting_weekday": Weekday.SUNDAY, "meeting_week": WeekOfMonth.SECOND}, D(2026, 11, 1), D(2026, 11, 8)),
        ({}, D(2026, 12, 1), None),
    ],
)
def test_regular_meeting_day(tree, rule, month, expected):
    branch = make_org("Chi bộ thử", OrganizationKind.BRANCH, tree.commune, branch_type="village", **rule)
    assert services.schedule.regular_meeting_day(branch, month) == expected


# --- Rules per commune ------------------------------------------------------------------


def test_rules_default_to_domain_md_when_none_are_set(tree):
    rules = MeetingRules.objects.for_branch(tree.branch)
    assert rules.pk is None
    assert (rules.min_minutes, rules.min_minutes_combined, rules.min_attendance_rate) == (90, 120, 85)
    assert rules.minutes_deadline_days == 2
    assert rules.rubric == DEFAULT_RUBRIC
    assert sum(c["max"] for c in rules.rubric) == 100
    assert (rules.level_good, rules.level_fair, rules.level_average) == (90, 70, 50)


def test_rules_come_from_the_nearest_ancestor(tree):
    MeetingRules.objects.create(organization=tree.province, min_minutes=60)
    assert MeetingRules.objects.for_branch(tree.branch).min_minutes == 60
    MeetingRules.objects.create(
        organization=tree.commune, min_minutes=100, rubric=[{"key": "x", "label": "X", "max": 100}]
    )
    rules = MeetingRules.objects.for_branch(tree.branch)
    assert rules.min_minutes == 100
    assert rules.rubric == [{"key": "x", "label": "X", "max": 100}]
    # Another commune's rules never leak across.
    assert MeetingRules.objects.for_branch(tree.other_branch).min_minutes == 60


def test_default_agenda_follows_the_running_order_of_domain_md():
    kinds = [item["kind"] for item in DEFAULT_AGENDA]
    assert kinds == [
        AgendaItemKind.OPENING,
        AgendaItemKind.MINUTE_TAKER,
        AgendaItemKind.ROLL_CALL,
        AgendaItemKind.ADOPT_AGENDA,
        AgendaItemKind.REPORT,
        AgendaItemKind.GUIDANCE,
        AgendaItemKind.CADRE,
        AgendaItemKind.DISCUSSION,
        AgendaItemKind.TASKS,
        AgendaItemKind.VOTE,
        AgendaItemKind.ADMISSION,
        AgendaItemKind.SCORING,
        AgendaItemKind.MINUTES,
    ]
    assert all(item["title"] and item["minutes"] for item in DEFAULT_AGENDA)
    assert sum(item["minutes"] for item in DEFAULT_AGENDA) >= 90


# --- Scheduling ----------------------------------------------------------------------------


def _regular(branch):
    return list(
        Meeting.objects.filter(branch=branch, kind=MeetingKind.REGULAR)
        .order_by("planned_start")
        .values_list("pk", "month", "planned_start")
    )


def test_scheduling_creates_coming_regular_meetings_on_the_meeting_day(tree):
    tree.other_branch.meeting_weekday, tree.other_branch.meeting_week = Weekday.SATURDAY, WeekOfMonth.FIRST
    tree.other_branch.save()
    created = services.schedule.schedule_regular_meetings(months_ahead=2, today=D(2026, 11, 20))
    # Song Khê meets on the 5th: 5/11 has passed, so December and January. Phú Thịnh has no day set.
    # Tổ dân phố số 7 meets on the first Saturday: 5/12/2026 and 2/1/2027 (7/11 has passed).
    assert created == 4
    assert [row[2] for row in _regular(tree.branch)] == [at(D(2026, 12, 5), 19, 30), at(D(2027, 1, 5), 19, 30)]
    assert [row[1] for row in _regular(tree.branch)] == [D(2026, 12, 1), D(2027, 1, 1)]
    assert [row[2].date() for row in _regular(tree.other_branch)] == [D(2026, 12, 5), D(2027, 1, 2)]
    assert not Meeting.objects.filter(branch=tree.sibling).exists()
    meeting = Meeting.objects.filter(branch=tree.branch).first()
    assert meeting.place == "Nhà văn hóa thôn Song Khê"
    assert meeting.status == MeetingStatus.DRAFT
    assert meeting.planned_end - meeting.planned_start == datetime.timedelta(minutes=120)


def test_scheduling_includes_this_month_when_the_day_is_still_ahead(tree):
    assert services.schedule.schedule_regular_meetings(months_ahead=0, today=D(2026, 12, 5)) == 1
    assert [row[1] for row in _regular(tree.branch)] == [D(2026, 12, 1)]


def test_scheduling_twice_gives_the_same_meetings(tree):
    first = services.schedule.schedule_regular_meetings(months_ahead=2, today=D(2026, 11, 20))
    before = _regular(tree.branch)
    agenda_before = sorted(Meeting.objects.values_list("pk", "agenda_items__title"))
    second = services.schedule.schedule_regular_meetings(months_ahead=2, today=D(2026, 11, 20))
    assert (first, second) == (2, 0)
    assert _regular(tree.branch) == before
    assert sorted(Meeting.objects.values_list("pk", "agenda_items__title")) == agenda_before


def test_scheduling_leaves_moved_cancelled_and_hand_made_months_alone(tree):
    secretary = UserFactory()
    moved = make_meeting(tree.branch, day=D(2026, 12, 5))
    services.schedule.meeting_move(
        meeting=moved, new_start=at(D(2026, 12, 12), 8), reason="Trùng lịch bầu cử", by=secretary
    )
    cancelled = make_meeting(tree.branch, day=D(2027, 1, 5))
    services.schedule.meeting_cancel(meeting=cancelled, reason="Bão", by=secretary)
    assert services.schedule.schedule_regular_meetings(months_ahead=4, today=D(2026, 11, 20)) == 2  # Feb and Mar only
    assert Meeting.objects.filter(branch=tree.branch, month=D(2026, 12, 1)).count() == 1
    assert Meeting.objects.filter(branch=tree.branch, month=D(2027, 1, 1)).count() == 1


def test_the_database_refuses_a_second_regular_meeting_in_a_month(tree):
    make_meeting(tree.branch, day=D(2026, 12, 5))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(tree.branch, day=D(2026, 12, 20))
    # A thematic meeting the same month is fine, and so is a new one once the first is cancelled.
    make_meeting(tree.branch, day=D(2026, 12, 20), kind=MeetingKind.THEMATIC)


def test_a_second_regular_meeting_is_a_clear_error(tree):
    make_meeting(tree.branch, day=D(2026, 12, 5))
    with pytest.raises(ValidationError) as error:
        services.schedule.meeting_create(
            branch=tree.branch, planned_start=at(D(2026, 12, 20), 8), planned_end=at(D(2026, 12, 20), 10)
        )
    assert error.value.code == "one_regular"
    assert "12/2026" in error.value.messages[0] and "Chi bộ thôn Song Khê" in error.value.messages[0]


def test_the_management_command_is_safe_to_run_again(tree, capsys):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        call_command("schedule_meetings")
        call_command("schedule_meetings")
        call_command("schedule_meetings", months=3)
    out = capsys.readouterr().out.splitlines()
    assert out == ["Created 2 meeting(s).", "Created 0 meeting(s).", "Created 1 meeting(s)."]
    assert Meeting.objects.filter(branch=tree.branch).count() == 3


# --- A new meeting starts from the template and the month's guidance -------------------------


def _titles(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


DECEMBER_5 = D(2026, 12, 5)


def _new(branch, day=DECEMBER_5, **fields):
    return services.schedule.meeting_create(
        branch=branch, planned_start=at(day, 19, 30), planned_end=at(day, 21, 30), by=UserFactory(), **fields
    )


def test_a_new_meeting_without_a_template_follows_the_default_running_order(tree):
    meeting = _new(tree.branch)
    assert _titles(meeting) == [item["title"] for item in DEFAULT_AGENDA]
    assert list(meeting.agenda_items.order_by("position").values_list("position", flat=True)) == list(range(13))


@pytest.mark.parametrize("kind", ["thematic", "combined"])
def test_a_thematic_meeting_starts_with_an_item_for_its_theme_before_the_discussion(tree, kind):
    meeting = _new(tree.branch, kind=kind, topic="Học tập Nghị quyết Đại hội XIV")
    titles = _titles(meeting)
    theme = titles.index("Sinh hoạt chuyên đề: Học tập Nghị quyết Đại hội XIV")
    assert titles[theme + 1] == "Đảng viên thảo luận"
    assert len(titles) == len(DEFAULT_AGENDA) + 1
    assert meeting.agenda_items.get(position=theme).kind == "thematic"
    # A regular meeting has none.
    regular = _new(tree.branch, day=D(2027, 1, 5))
    assert not regular.agenda_items.filter(kind="thematic").exists()


def test_a_new_meeting_starts_from_the_communes_template_and_the_months_guidance(tree):
    AgendaTemplate.objects.create(
        organization=tree.province, items=[{"title": "Mẫu của tỉnh", "kind": "other", "minutes": 5}]
    )
    AgendaTemplate.objects.create(
        organization=tree.commune,
        items=[
            {"title": "Khai mạc", "kind": "opening", "minutes": 5},
            {"title": "Thông tin thời sự", "kind": "guidance", "minutes": 10},
            {"title": "Thảo luận", "kind": "discussion", "minutes": 60},
            {"title": "Bế mạc", "kind": "minutes", "minutes": 5},
        ],
    )
    staff = UserFactory()
    commune_guidance = Guidance.objects.create(
        organization=tree.commune,
        month=D(2026, 12, 1),
        title="Định hướng tháng 12 của xã",
        body="…",
        published_by=staff,
    )
    province_guidance = Guidance.objects.create(
        organization=tree.province, month=D(2026, 12, 1), title="Định hướng của Thành ủy", body="…", published_by=staff
    )
    Guidance.objects.create(
        organization=tree.commune, month=D(2026, 11, 1), title="Tháng trước", body="…", published_by=staff
    )
    Guidance.objects.create(
        organization=tree.other_commune, month=D(2026, 12, 1), title="Phường khác", body="…", published_by=staff
    )
    meeting = _new(tree.branch)
    assert _titles(meeting) == [
        "Khai mạc",
        "Thông tin thời sự",
        "Định hướng của Thành ủy",
        "Định hướng tháng 12 của xã",
        "Thảo luận",
        "Bế mạc",
    ]
    items = {item.title: item for item in meeting.agenda_items.all()}
    assert items["Định hướng tháng 12 của xã"].guidance == commune_guidance
    assert items["Định hướng của Thành ủy"].guidance == province_guidance
    assert items["Định hướng tháng 12 của xã"].kind == AgendaItemKind.GUIDANCE
    assert items["Thảo luận"].planned_minutes == 60


def test_a_scheduled_meeting_also_starts_from_the_template_with_guidance(tree):
    AgendaTemplate.objects.create(
        organization=tree.commune, items=[{"title": "Một mục", "kind": "other", "minutes": 90}]
    )
    Guidance.objects.create(
        organization=tree.commune,
        month=D(2026, 12, 1),
        title="Định hướng tháng 12",
        body="…",
        published_by=UserFactory(),
    )
    services.schedule.schedule_regular_meetings(months_ahead=0, today=D(2026, 12, 1))
    assert _titles(Meeting.objects.get(branch=tree.branch)) == ["Một mục", "Định hướng tháng 12"]


def test_a_new_meeting_lists_the_assigned_cadres_as_expected_guests(tree):
    cadre = MemberFactory(branch=tree.sibling, full_name="Trần Văn Bình")
    CadreAssignment.objects.create(
        cadre=cadre, title="Phó Bí thư Đảng ủy xã", branch=tree.branch, started_on=D(2026, 1, 1)
    )
    meeting = _new(tree.branch)
    guest = meeting.guests.get()
    assert (guest.cadre, guest.expected, guest.title) == (cadre, True, "Phó Bí thư Đảng ủy xã")


def test_commune_staff_log_a_meeting_the_branch_reported(tree):
    with time_machine.travel(datetime.datetime(2026, 12, 6, 9, tzinfo=TZ), tick=False):  # after it was held
        meeting = _new(tree.branch, held=True)
    assert meeting.status == MeetingStatus.HELD
    assert meeting.logged_by_commune
    assert (meeting.actual_start, meeting.actual_end) == (meeting.planned_start, meeting.planned_end)


# --- Life cycle ------------------------------------------------------------------------------


@pytest.fixture
def user(db):
    return UserFactory(username="bi-thu")


def test_moving_keeps_the_old_date_and_the_reason(meeting, user):
    services.schedule.meeting_send_notice(meeting=meeting, by=user)
    move = services.schedule.meeting_move(
        meeting=meeting, new_start=at(D(2026, 12, 7), 19, 30), reason="Trùng lịch họp thôn", by=user
    )
    meeting.refresh_from_db()
    assert (move.old_start, move.new_start, move.reason, move.moved_by) == (
        at(D(2026, 12, 5), 19, 30),
        at(D(2026, 12, 7), 19, 30),
        "Trùng lịch họp thôn",
        user,
    )
    assert meeting.planned_start == at(D(2026, 12, 7), 19, 30)
    assert meeting.planned_end == at(D(2026, 12, 7), 21, 30)  # same length
    assert meeting.month == D(2026, 12, 1)
    # The notice announced the old time: a new one is needed.
    assert (meeting.status, meeting.notice_sent_at) == (MeetingStatus.DRAFT, None)
    services.schedule.meeting_move(meeting=meeting, new_start=at(D(2026, 12, 8), 8), reason="Mưa bão", by=user)
    assert list(meeting.moves.values_list("old_start", "reason")) == [
        (at(D(2026, 12, 5), 19, 30), "Trùng lịch họp thôn"),
        (at(D(2026, 12, 7), 19, 30), "Mưa bão"),
    ]


@pytest.mark.parametrize(
    ("service", "status", "reason"),
    [
        (services.schedule.meeting_cancel, MeetingStatus.CANCELLED, "Bão số 3"),
        (services.schedule.meeting_postpone, MeetingStatus.POSTPONED, "Bí thư ốm"),
    ],
)
def test_cancel_and_postpone_keep_the_reason(meeting, user, service, status, reason):
    service(meeting=meeting, reason=f"  {reason} ", by=user)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_reason) == (status, reason)
    assert meeting.history.first().history_user == user


def test_a_reason_is_required(meeting, user):
    for service in (services.schedule.meeting_cancel, services.schedule.meeting_postpone):
        with pytest.raises(ValidationError) as error:
            service(meeting=meeting, reason="  ", by=user)
        assert error.value.code == "reason"
    with pytest.raises(ValidationError) as error:
        services.schedule.meeting_move(meeting=meeting, new_start=at(D(2026, 12, 6), 8), reason="", by=user)
    assert error.value.code == "reason"


def test_a_postponed_meeting_is_moved_to_its_new_date(meeting, user):
    services.schedule.meeting_postpone(meeting=meeting, reason="Bí thư ốm", by=user)
    services.schedule.meeting_move(meeting=meeting, new_start=at(D(2026, 12, 12), 19, 30), reason="Ngày mới", by=user)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_reason) == (MeetingStatus.DRAFT, "")


def test_send_notice_records_when(meeting, user):
    moment = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        services.schedule.meeting_send_notice(meeting=meeting, by=user)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.notice_sent_at) == (MeetingStatus.NOTICE_SENT, moment)
    with pytest.raises(ValidationError) as error:
        services.schedule.meeting_send_notice(meeting=meeting, by=user)
    assert error.value.code == "status"


@time_machine.travel(datetime.datetime(2026, 12, 5, 21, 30, tzinfo=TZ), tick=False)
def test_mark_held_records_the_actual_times(meeting, user):
    services.schedule.meeting_mark_held(
        meeting=meeting, actual_start=at(D(2026, 12, 5), 19, 40), actual_end=at(D(2026, 12, 5), 21, 20), by=user
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.duration_minutes == 100
    with pytest.raises(ValidationError) as error:
        services.schedule.meeting_mark_held(
            meeting=meeting, actual_start=at(D(2026, 12, 5), 21), actual_end=at(D(2026, 12, 5), 20), by=user
        )
    assert error.value.code == "order"


@pytest.mark.parametrize("status", [MeetingStatus.HELD, MeetingStatus.ADOPTED, MeetingStatus.CANCELLED])
def test_a_meeting_that_took_place_or_was_cancelled_cannot_be_moved_or_cancelled(tree, user, status):
    meeting = make_meeting(tree.branch, status=status)
    with pytest.raises(ValidationError):
        services.schedule.meeting_move(meeting=meeting, new_start=at(D(2026, 12, 9), 8), reason="x", by=user)
    with pytest.raises(ValidationError):
        services.schedule.meeting_cancel(meeting=meeting, reason="x", by=user)
    with pytest.raises(ValidationError):
        services.schedule.meeting_postpone(meeting=meeting, reason="x", by=user)
    assert not meeting.moves.exists()


def test_a_new_meeting_is_chaired_by_the_secretary_of_the_day(tree):
    from members.models import PositionKind

    from ..factories import PositionFactory

    secretary = MemberFactory(branch=tree.branch, full_name="Bùi Thị Dung")
    PositionFactory(member=secretary, branch=tree.branch, kind=PositionKind.SECRETARY)
    day = datetime.date(2026, 12, 5)
    meeting = services.schedule.meeting_create(
        branch=tree.branch, planned_start=at(day, 19, 30), planned_end=at(day, 21, 30)
    )
    assert meeting.chair == secretary
    assert meeting.minute_taker is None  # appointed at the meeting
