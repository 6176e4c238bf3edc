"""The leaders' list, its counts, an officer's list, the report-back list and the figures."""

import datetime

import pytest
import time_machine

from members.access import forget_roles
from petitions.models import Petition, PetitionStatus
from petitions.selectors.figures import petition_figures
from petitions.selectors.review import (
    answered_since_last_meeting,
    meeting_petitions,
    my_petitions,
    petition_counts,
    petition_list,
)

from .conftest import NOW, TODAY, D, make_meeting, make_petition

pytestmark = pytest.mark.system_scope

S = PetitionStatus


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_days_overdue_are_working_days_and_the_most_late_come_first(tree, leader, catalogue, root):
    raised = {"raised_on": D(2026, 10, 1)}
    on_time = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED, deadline=D(2026, 12, 20), **raised)
    late = make_petition(tree.branch, catalogue.roads, root, S.IN_PROGRESS, deadline=D(2026, 12, 4), **raised)  # Fri
    later = make_petition(tree.sibling, catalogue.roads, root, S.FORWARDED, deadline=D(2026, 11, 27), **raised)
    # Sent up: its deadline is the follow-up date, counted like the others until the answer comes.
    escalated = make_petition(tree.branch, catalogue.roads, root, S.ESCALATED, deadline=D(2026, 12, 21), **raised)
    waited = make_petition(tree.branch, catalogue.roads, root, S.ESCALATED, deadline=D(2026, 12, 3), **raised)  # Thu
    rows = list(petition_list(leader.user))
    assert rows[:3] == [later, waited, late]
    days = {row.pk: row.days_overdue for row in rows}
    # 7–10/12 are four working days after Friday 4/12; from 27/11 add 30/11–4/12.
    assert (days[late.pk], days[later.pk], days[on_time.pk], days[escalated.pk], days[waited.pk]) == (4, 9, 0, 0, 5)
    assert Petition.objects.get(pk=late.pk).days_overdue == 4  # asked alone, the same answer

    assert list(petition_list(leader.user, overdue=True, sort="deadline")) == [later, waited, late]
    assert set(petition_list(leader.user, overdue=False)) == {on_time, escalated}
    assert list(petition_list(leader.user, branch=tree.sibling)) == [later]
    assert set(petition_list(leader.user, status=[S.FORWARDED, S.ESCALATED])) == {on_time, later, escalated, waited}


def test_filters(tree, leader, catalogue, root, officer):
    due = make_petition(tree.branch, catalogue.water, root, S.FORWARDED, deadline=D(2026, 12, 13), officer=officer.user)
    next_week = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED, deadline=D(2026, 12, 14))
    old = make_petition(tree.branch, catalogue.roads, root, raised_on=D(2026, 10, 1))
    assert list(petition_list(leader.user, due_this_week=True)) == [due]
    assert list(petition_list(leader.user, category=catalogue.water)) == [due]
    assert list(petition_list(leader.user, officer=officer.user.pk)) == [due]
    assert list(petition_list(leader.user, body=catalogue.ubnd, sort="deadline")) == [due, next_week]
    assert list(petition_list(leader.user, raised_to=D(2026, 11, 1))) == [old]
    assert set(petition_list(leader.user, raised_from=D(2026, 11, 1))) == {due, next_week}
    counts = petition_counts(petition_list(leader.user))
    assert counts == {
        "total": 3, "new": 1, "open": 3, "overdue": 0, "due_this_week": 1, "answered": 0, "escalated": 0, "closed": 0
    }  # fmt: skip


@pytest.mark.parametrize("size", [20, 500])
def test_the_list_runs_the_same_queries_at_any_size(tree, leader, catalogue, root, size, django_assert_num_queries):
    """Roles (1), the rows with their branch, category, body, officer, meeting (1), the announced days (1);
    the counts are one more."""
    statuses = [S.NEW, S.FORWARDED, S.IN_PROGRESS, S.ANSWERED]
    Petition.objects.bulk_create(
        Petition(
            branch=[tree.branch, tree.sibling][i % 2],
            category=catalogue.roads,
            body=None if statuses[i % 4] == S.NEW else catalogue.ubnd,
            title=f"Kiến nghị {i}",
            raised_on=D(2026, 9, 1),
            deadline=D(2026, 9, 1) + datetime.timedelta(days=i % 90),
            status=statuses[i % 4],
            answer="Đã trả lời" if statuses[i % 4] == S.ANSWERED else "",
            answered_on=D(2026, 10, 1) if statuses[i % 4] == S.ANSWERED else None,
            created_by=root,
        )
        for i in range(size)
    )
    forget_roles(leader.user)
    with django_assert_num_queries(4):
        rows = list(petition_list(leader.user))
        counts = petition_counts(petition_list(leader.user))
        labels = [(row.branch.name, row.category.name, row.body and row.body.name, row.days_overdue) for row in rows]
    assert len(labels) == size == counts["total"]
    assert rows[0].days_overdue > 0


def test_an_officers_list_is_what_they_hold_and_their_bodys_queue_nearest_deadline_first(
    tree, catalogue, root, officer
):
    held_later = make_petition(tree.branch, catalogue.roads, root, S.IN_PROGRESS, officer=officer.user)
    queue_sooner = make_petition(tree.sibling, catalogue.roads, root, S.FORWARDED, deadline=D(2026, 12, 11))
    make_petition(tree.sibling, catalogue.roads, root, S.FORWARDED, body=catalogue.farmers)  # another body
    make_petition(tree.branch, catalogue.roads, root, S.ANSWERED, officer=officer.user)  # done
    assert list(my_petitions(officer.user)) == [queue_sooner, held_later]


def test_answers_to_report_back_at_a_meeting(tree, catalogue, root):
    meeting = make_meeting(tree.branch, D(2026, 12, 5))
    waiting = make_petition(tree.branch, catalogue.roads, root, S.ANSWERED)  # answered 3/12
    make_petition(tree.branch, catalogue.roads, root, S.ANSWERED, answered_on=D(2026, 12, 7))  # after the meeting
    make_petition(tree.sibling, catalogue.roads, root, S.ANSWERED)  # another branch
    make_petition(tree.branch, catalogue.roads, root, S.REPORTED_BACK)  # already reported back
    assert list(answered_since_last_meeting(tree.branch, meeting)) == [waiting]


def test_what_the_minutes_list(tree, catalogue, root, django_assert_num_queries):
    meeting = make_meeting(tree.branch, D(2026, 12, 5))
    raised = make_petition(tree.branch, catalogue.roads, root, meeting=meeting, raised_on=D(2026, 12, 5))
    spot = make_petition(tree.branch, catalogue.roads, root, S.ANSWERED_AT_MEETING, meeting=meeting)
    back = make_petition(tree.branch, catalogue.roads, root, S.REPORTED_BACK, meeting=meeting)
    with django_assert_num_queries(1):
        found = meeting_petitions(meeting)
    assert (found.raised, found.answered_here, found.reported_back) == ([raised], [spot], [back])


# --- Figures on a small known data set ---------------------------------------------------------------


def test_figures(tree, catalogue, root, django_assert_num_queries):
    """November 2026 has no public holiday. Answers took 9 (A), 6 (B) and 0 (C) working days."""
    song_khe, phu_thinh = tree.branch, tree.sibling
    # A: raised Mon 2/11, answered Fri 13/11 by its deadline 20/11: on time, 9 working days.
    make_petition(song_khe, catalogue.roads, root, S.ANSWERED, raised_on=D(2026, 11, 2), deadline=D(2026, 11, 20),
                  answered_on=D(2026, 11, 13))  # fmt: skip
    # B: raised Mon 9/11, deadline Fri 13/11, answered Tue 17/11 and reported back: late, 6 working days.
    make_petition(song_khe, catalogue.water, root, S.REPORTED_BACK, raised_on=D(2026, 11, 9),
                  deadline=D(2026, 11, 13), answered_on=D(2026, 11, 17),
                  reported_back_at_meeting=make_meeting(song_khe, D(2026, 11, 20)))  # fmt: skip
    # C: answered on the spot at the meeting of 16/11: no deadline, on time, 0 days.
    make_petition(song_khe, catalogue.roads, root, S.ANSWERED_AT_MEETING, raised_on=D(2026, 11, 16),
                  answered_on=D(2026, 11, 16), meeting=make_meeting(song_khe, D(2026, 11, 16)))  # fmt: skip
    # D: Phú Thịnh, with Hội Nông dân since 2/11, due 30/11: open and overdue.
    make_petition(phu_thinh, catalogue.roads, root, S.FORWARDED, raised_on=D(2026, 11, 2), deadline=D(2026, 11, 30),
                  body=catalogue.farmers)  # fmt: skip
    # E: Phú Thịnh, new on 1/12: open, not overdue.
    make_petition(phu_thinh, catalogue.other, root, raised_on=D(2026, 12, 1))
    # F: raised before the period: left out.
    make_petition(song_khe, catalogue.roads, root, raised_on=D(2026, 10, 1))

    with django_assert_num_queries(2):
        figures = petition_figures(
            petitions_qs=Petition.objects.all(), start=D(2026, 11, 1), end=D(2026, 12, 31), today=TODAY
        )
    total = figures.total
    assert (total.raised, total.open, total.overdue, total.answered, total.answered_on_time) == (5, 2, 1, 3, 2)
    assert (total.on_time_percent, total.median_days_to_answer) == (66.7, 6)

    rows = {row.label: row for row in figures.branches}
    assert list(rows) == ["Chi bộ thôn Phú Thịnh", "Chi bộ thôn Song Khê"]
    song = rows["Chi bộ thôn Song Khê"]
    assert (song.raised, song.open, song.overdue, song.answered, song.on_time_percent) == (3, 0, 0, 3, 66.7)
    phu = rows["Chi bộ thôn Phú Thịnh"]
    assert (phu.raised, phu.open, phu.overdue, phu.answered, phu.on_time_percent, phu.median_days_to_answer) == (
        2, 2, 1, 0, None, None,
    )  # fmt: skip

    roads = figures.categories[0]
    assert (roads.label, roads.raised, roads.answered, roads.on_time_percent, roads.median_days_to_answer) == (
        "Giao thông – đường sá", 3, 2, 100.0, 4.5,
    )  # fmt: skip
    bodies = {row.label: row for row in figures.bodies}
    ubnd = bodies["UBND xã Tam Hưng"]  # A and B (C never went to a body)
    assert (ubnd.raised, ubnd.answered, ubnd.on_time_percent, ubnd.median_days_to_answer) == (2, 2, 50.0, 7.5)
    assert bodies["Hội Nông dân xã Tam Hưng"].overdue == 1
