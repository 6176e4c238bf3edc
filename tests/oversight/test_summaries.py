"""The monthly summaries equal a recomputation from the raw rows, meeting by meeting; the refresh
runs a fixed number of queries; the refresh is queued when a meeting's records change."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chibo.celery import app
from meetings.models import (
    REGULAR_KINDS,
    THEMATIC_KINDS,
    AgendaItem,
    CadreAssignment,
    Guest,
    Meeting,
    MeetingKind,
    MeetingRules,
    MeetingStatus,
    Minutes,
)
from meetings.months import add_months, quarter_start
from meetings.selectors.guidance import guidance_for
from meetings.selectors.roll import count_roll
from meetings.services.minutes import score_confirm, score_save
from meetings.services.roll import mark_remaining_present
from members.models import OrganizationKind
from oversight import freshness, tasks
from oversight.models import BranchMonth
from oversight.services.summaries import FIGURES, branch_months_refresh, months_touched

from ..factories import MemberFactory, make_org
from .conftest import (
    D,
    assign,
    cadre_at,
    guidance_for_month,
    guided,
    held,
    mark,
    ordinary_branch,
    scored,
)

pytestmark = [pytest.mark.django_db, pytest.mark.system_scope]

HELD_STATUSES = (MeetingStatus.HELD, MeetingStatus.ADOPTED)
MONTHS = [D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)]


def recompute(branch, month) -> dict:
    """The summary of a branch's month from the raw rows, one meeting at a time, through the
    per-meeting reads the meeting pages use (``count_roll``, ``covering``, ``guidance_for``)."""
    meetings = list(Meeting.objects.filter(branch=branch, month=month, status__in=HELD_STATUSES))
    regular = [m for m in meetings if m.kind in REGULAR_KINDS]
    rules = MeetingRules.objects.for_branch(branch)
    found = dict.fromkeys(
        [
            "meetings_timed",
            "meetings_short",
            "members_expected",
            "members_present",
            "cadres_expected",
            "cadres_present",
        ],
        0,
    )
    for meeting in meetings:
        if meeting.kind != MeetingKind.EXTRAORDINARY and meeting.duration_minutes is not None:
            minimum = rules.min_minutes_combined if meeting.kind == MeetingKind.COMBINED else rules.min_minutes
            found["meetings_timed"] += 1
            found["meetings_short"] += meeting.duration_minutes < minimum
        counts = count_roll(meeting)
        if counts.marked:
            found["members_expected"] += counts.expected
            found["members_present"] += counts.present
        cadres = set(
            CadreAssignment.objects.filter(branch=branch).covering(meeting.day).values_list("cadre_id", flat=True)
        )
        found["cadres_expected"] += len(cadres)
        found["cadres_present"] += Guest.objects.filter(meeting=meeting, cadre_id__in=cadres, attended=True).count()
    levels = list(
        Minutes.objects.filter(meeting__in=regular)
        .exclude(score_level="")
        .order_by("meeting__planned_start")
        .values_list("score_level", flat=True)
    )
    return {
        **found,
        "met": bool(regular),
        "regular_held": len(regular),
        "thematic_held": sum(1 for m in meetings if m.kind in THEMATIC_KINDS),
        "thematic_in_quarter": Meeting.objects.filter(
            branch=branch,
            status__in=HELD_STATUSES,
            kind__in=THEMATIC_KINDS,
            month__gte=quarter_start(month),
            month__lte=month,
        ).count(),
        "quality_level": levels[-1] if levels else "",
        "guidance_expected": guidance_for(branch, month).exists(),
        "guidance_reflected": AgendaItem.objects.filter(meeting__in=regular, guidance__isnull=False).exists(),
    }


def stored(branch, month) -> dict:
    row = BranchMonth.objects.get(branch=branch, month=month)
    return {name: getattr(row, name) for name in FIGURES if name != "refreshed_at"}


@pytest.fixture
def two_months(tree, marker, staff):
    """Song Khê and Phú Thịnh across September (Q3), October and November 2026 (Q4)."""
    song_khe, phu_thinh = tree.branch, tree.sibling
    people = MemberFactory.create_batch(10, branch=song_khe)
    newcomer, exempt = people[8], people[9]
    newcomer.joined_branch_on = D(2026, 11, 1)
    newcomer.save()
    exempt.exempt_since = D(2026, 1, 1)
    exempt.save()
    cadre = MemberFactory(branch=phu_thinh, full_name="Trần Văn Cán")
    assign(cadre, song_khe)
    october_guidance = guidance_for_month(tree.commune, D(2026, 10, 1), staff.user)

    # October: the regular meeting (100 minutes), the cadre came, scored Good, guidance on the agenda.
    october = held(song_khe, D(2026, 10, 5), minutes=100, status=MeetingStatus.ADOPTED)
    for person in people[:7]:
        mark(october, person, "present", marker)
    mark(october, people[7], "excused", marker)
    cadre_at(october, cadre, attended=True)
    scored(october, "good", 95)
    guided(october, october_guidance)
    # A separate thematic meeting of 80 minutes (under 90), roll half taken.
    thematic = held(song_khe, D(2026, 10, 19), kind=MeetingKind.THEMATIC, minutes=80, topic="Chuyên đề")
    for person in people[:4]:
        mark(thematic, person, "present", marker)
    mark(thematic, people[4], "unexcused", marker)
    cadre_at(thematic, cadre, attended=False)

    # November: a combined session of 110 minutes (under 120); the exempt member came; the cadre did not.
    november = held(song_khe, D(2026, 11, 5), kind=MeetingKind.COMBINED, minutes=110, topic="Chuyên đề")
    for person in people:
        mark(november, person, "present", marker)
    cadre_at(november, cadre, attended=False)
    scored(november, "fair", 80)
    # An extraordinary meeting: no length rule, no roll taken.
    held(song_khe, D(2026, 11, 20), kind=MeetingKind.EXTRAORDINARY, minutes=30)

    # Phú Thịnh: a thematic meeting in September, nothing held in October, November still a draft.
    held(phu_thinh, D(2026, 9, 12), kind=MeetingKind.THEMATIC, minutes=95, topic="Chuyên đề")
    held(phu_thinh, D(2026, 11, 28), status=MeetingStatus.DRAFT)
    held(phu_thinh, D(2026, 10, 5), status=MeetingStatus.CANCELLED)
    return song_khe, phu_thinh


def test_summaries_equal_a_recomputation_from_the_raw_rows(two_months, frozen):
    song_khe, phu_thinh = two_months
    written = branch_months_refresh(branches=[song_khe, phu_thinh], months=MONTHS)
    assert written == 6
    for branch in (song_khe, phu_thinh):
        for month in MONTHS:
            assert stored(branch, month) == recompute(branch, month), (branch.name, month)


def test_summaries_hold_the_figures_worked_out_by_hand(two_months, frozen):
    song_khe, phu_thinh = two_months
    branch_months_refresh(branches=[song_khe, phu_thinh], months=MONTHS)
    october = stored(song_khe, D(2026, 10, 1))
    # Regular: 8 expected (the newcomer joined later, the exempt stayed away), 7 present;
    # thematic: the same 8 expected, 4 present.
    assert october == {
        "met": True,
        "regular_held": 1,
        "thematic_held": 1,
        "thematic_in_quarter": 1,
        "meetings_timed": 2,
        "meetings_short": 1,
        "members_expected": 16,
        "members_present": 11,
        "cadres_expected": 2,
        "cadres_present": 1,
        "quality_level": "good",
        "guidance_expected": True,
        "guidance_reflected": True,
    }
    november = stored(song_khe, D(2026, 11, 1))
    assert (november["members_expected"], november["members_present"]) == (10, 10)  # the exempt member came
    assert november["thematic_in_quarter"] == 2 and november["meetings_short"] == 1
    # The cadre is expected at every held meeting, the extraordinary one too (as in the cadre report).
    assert (november["cadres_expected"], november["cadres_present"]) == (2, 0)
    assert november["quality_level"] == "fair" and not november["guidance_expected"]
    assert stored(phu_thinh, D(2026, 9, 1))["thematic_in_quarter"] == 1
    assert not stored(phu_thinh, D(2026, 10, 1))["met"]
    assert not stored(phu_thinh, D(2026, 11, 1))["met"]
    assert stored(phu_thinh, D(2026, 10, 1))["thematic_in_quarter"] == 0  # September is another quarter


def test_a_second_refresh_updates_the_rows_in_place(two_months, frozen):
    song_khe, phu_thinh = two_months
    branch_months_refresh(branches=[song_khe, phu_thinh], months=MONTHS)
    Meeting.objects.filter(branch=phu_thinh, month=D(2026, 11, 1)).update(
        status=MeetingStatus.HELD,
        actual_start=datetime.datetime(2026, 11, 5, 12, 30, tzinfo=datetime.UTC),
        actual_end=datetime.datetime(2026, 11, 5, 14, 30, tzinfo=datetime.UTC),
    )
    branch_months_refresh(branches=[phu_thinh], months=[D(2026, 11, 1)])
    assert BranchMonth.objects.count() == 6
    assert stored(phu_thinh, D(2026, 11, 1)) == recompute(phu_thinh, D(2026, 11, 1))
    assert stored(phu_thinh, D(2026, 11, 1))["met"]


def test_only_branches_get_rows(tree, frozen):
    assert branch_months_refresh(branches=[tree.commune, tree.branch], months=[D(2026, 11, 1)]) == 1
    assert list(BranchMonth.objects.values_list("branch_id", flat=True)) == [tree.branch.pk]


def _refresh_queries(branches) -> int:
    with CaptureQueriesContext(connection) as queries:
        branch_months_refresh(branches=branches, months=MONTHS)
    return len(queries)


def test_the_refresh_runs_the_same_queries_whatever_the_size(tree, marker, frozen):
    cadre = MemberFactory(branch=tree.sibling)
    small = [ordinary_branch(tree.commune, f"Chi bộ nhỏ {n}", marker, cadre=cadre) for n in range(2)]
    commune = make_org("Đảng bộ xã Lớn", OrganizationKind.COMMUNE, tree.province)
    guidance_for_month(commune, D(2026, 10, 1), marker)
    big = [
        ordinary_branch(commune, f"Chi bộ lớn {n}", marker, members=8, cadre=cadre, met_november=n % 3 > 0)
        for n in range(15)
    ]
    # Nine queries per batch: rules, meetings, marks, members, assignments, guests, guidance,
    # agenda, the upsert (SQLite splits the upsert past its parameter limit: 45 rows stay under it).
    assert _refresh_queries(small) == 9
    assert _refresh_queries(big) == 9


# --- Refreshed when a meeting's records change (oversight.freshness) -----------------------------

MINUTE = datetime.timedelta(minutes=1)


def refresh_changed(time_machine) -> int:
    """The every-minute task, a minute after the changes (each change is stamped when it runs)."""
    time_machine.shift(MINUTE)
    return tasks.refresh_changed_branch_months()


def stale_now() -> dict:
    now = timezone.now()
    return freshness.stale_branch_months(now=now, today=timezone.localdate(now))


def test_months_touched_run_to_the_end_of_the_quarter_or_today(tree, frozen):
    today = D(2026, 11, 26)
    assert months_touched(D(2026, 10, 1), today=today) == [D(2026, 10, 1), D(2026, 11, 1)]
    assert months_touched(D(2026, 7, 1), today=today) == [D(2026, 7, 1), D(2026, 8, 1), D(2026, 9, 1)]
    assert months_touched(D(2026, 12, 1), today=today) == []  # not begun: no row yet
    # The scheduler planning next month's meetings makes nothing stale.
    held(tree.branch, D(2026, 12, 5), status=MeetingStatus.DRAFT)
    assert stale_now() == {}


def test_holding_a_meeting_and_taking_the_roll_refresh_its_month(tree, secretary, frozen, time_machine):
    people = MemberFactory.create_batch(3, branch=tree.branch)
    meeting = held(tree.branch, D(2026, 11, 5))
    assert stale_now() == {tree.branch.pk: [D(2026, 11, 1)]}
    assert refresh_changed(time_machine) == 1
    assert stored(tree.branch, D(2026, 11, 1))["met"]
    assert stored(tree.branch, D(2026, 11, 1))["members_expected"] == 0  # no roll yet
    assert refresh_changed(time_machine) == 0  # nothing changed since
    mark(meeting, people[0], "unexcused", secretary.user)
    assert refresh_changed(time_machine) == 1
    assert stored(tree.branch, D(2026, 11, 1))["members_expected"] == 3
    # "Everyone else present" inserts in bulk: the service stamps the meeting itself.
    mark_remaining_present(meeting=meeting, by=secretary.user)
    assert refresh_changed(time_machine) == 1
    assert stored(tree.branch, D(2026, 11, 1))["members_present"] == 2


def test_a_burst_of_taps_is_one_refresh_and_a_tap_queues_nothing(tree, marker, frozen, time_machine):
    people = MemberFactory.create_batch(5, branch=tree.branch)
    meeting = held(tree.branch, D(2026, 11, 5))
    for person in people:
        with CaptureQueriesContext(connection) as queries:
            mark(meeting, person, "present", marker)
        assert len(queries) == 3  # the mark, its history row and the meeting's stamp: nothing queued
    with CaptureQueriesContext(connection) as queries:
        assert stale_now() == {tree.branch.pk: [D(2026, 11, 1)]}
    assert len(queries) == 2  # the changed meetings, the changed assignments
    assert refresh_changed(time_machine) == 1
    assert stored(tree.branch, D(2026, 11, 1))["members_present"] == 5


def test_a_refresh_that_began_before_a_change_committed_runs_again(tree, frozen, time_machine):
    held(tree.branch, D(2026, 10, 5))
    time_machine.shift(datetime.timedelta(seconds=10))
    tasks.refresh_changed_branch_months()  # may have read before the change committed
    assert stale_now() == {tree.branch.pk: [D(2026, 10, 1), D(2026, 11, 1)]}  # the quarter so far
    assert refresh_changed(time_machine) == 2
    assert stale_now() == {}


def test_a_changed_assignment_refreshes_the_branchs_last_twelve_months(tree, frozen, time_machine):
    cadre = MemberFactory(branch=tree.branch)
    assign(cadre, tree.branch)
    assert stale_now() == {tree.branch.pk: [add_months(D(2025, 12, 1), n) for n in range(12)]}
    assert refresh_changed(time_machine) == 12
    assert stale_now() == {}


def test_the_every_minute_refresh_is_scheduled():
    entry = next(
        e for e in app.conf.beat_schedule.values() if e["task"] == "oversight.tasks.refresh_changed_branch_months"
    )
    assert entry["schedule"] == 60.0


def test_nightly_task_refreshes_every_branch_for_the_last_months(tree, marker, frozen):
    ordinary_branch(tree.commune, "Chi bộ thôn Mới", marker)
    written = tasks.refresh_recent_branch_months()
    branches = 4  # Song Khê, Phú Thịnh, Tổ dân phố số 7, thôn Mới
    assert written == branches * 3
    assert set(BranchMonth.objects.values_list("month", flat=True)) == set(MONTHS)


def test_the_refresh_command_backfills_months(tree, frozen):
    out = io.StringIO()
    call_command("refresh_dashboard", "--months", "2", stdout=out)
    assert BranchMonth.objects.count() == 3 * 2
    assert "6" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("refresh_dashboard", "--months", "0")


def test_a_score_saved_refreshes_the_month(tree, staff, frozen, time_machine):
    meeting = held(tree.branch, D(2026, 11, 5))
    minutes = Minutes.objects.create(meeting=meeting)
    rules = MeetingRules.objects.for_branch(tree.branch)
    scores = {criterion["key"]: int(criterion["max"]) // 2 for criterion in rules.rubric}
    refresh_changed(time_machine)
    # A versioned UPDATE saves no row: the service stamps the meeting itself.
    score_save(minutes=minutes, scores=scores, rules=rules, expected_version=minutes.version, by=staff.user)
    assert refresh_changed(time_machine) == 1
    # Not confirmed yet: the month has no level for the year.
    assert stored(tree.branch, D(2026, 11, 1))["quality_level"] == ""
    minutes.refresh_from_db()
    score_confirm(minutes=minutes, expected_version=minutes.version, by=staff.user)
    assert refresh_changed(time_machine) == 1
    assert stored(tree.branch, D(2026, 11, 1))["quality_level"] == Minutes.objects.get(pk=minutes.pk).score_level != ""
