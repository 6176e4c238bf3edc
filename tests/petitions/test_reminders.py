"""The petitions app's messages (petitions/reminders.py): deadline chases to the officer, the
leaders' alert, and the secretary's message when an answer comes. Time is frozen."""

import datetime

import pytest
import time_machine

from meetings.models import ReminderRules
from members.models import RoleKind
from notifications.models import Notification
from petitions import reminders
from petitions.services.workflow import petition_answer
from petitions.tasks import chase_petitions

from ..factories import UserFactory, give_role
from .conftest import S, at, make_petition

pytestmark = pytest.mark.system_scope

D = datetime.date


def recipients(kind, **filters) -> set[int]:
    return set(Notification.objects.filter(kind=kind, **filters).values_list("recipient_id", flat=True))


def snapshot() -> list[tuple]:
    return sorted(Notification.objects.values_list("dedupe_key", "status"))


@pytest.fixture
def people(tree, secretary, leader, officer, staff):
    other_leader = UserFactory(username="other-leader")
    give_role(other_leader, RoleKind.LEADER, tree.other_commune)
    return type(
        "People",
        (),
        {
            "secretary": secretary.user,
            "leader": leader.user,
            "officer": officer.user,
            "staff": staff.user,
            "other_leader": other_leader,
        },
    )


@pytest.fixture
def forwarded(tree, catalogue, people):
    """Forwarded to UBND's officer, raised on 1/12, due Monday 14/12/2026."""
    return make_petition(
        tree.branch, catalogue.roads, people.staff, S.FORWARDED, officer=people.officer, deadline=D(2026, 12, 14)
    )


def test_officer_reminded_2_working_days_before_across_the_weekend(forwarded, people):
    # Wednesday 9/12: Thu, Fri, Mon are still three working days.
    with time_machine.travel(at(D(2026, 12, 9), 7), tick=False):
        chase_petitions()
    assert not Notification.objects.exists()

    # Thursday 10/12: Friday and Monday are left.
    with time_machine.travel(at(D(2026, 12, 10), 7), tick=False):
        chase_petitions()
        chase_petitions()
    assert recipients(reminders.DUE_SOON) == {people.officer.pk}
    assert Notification.objects.filter(kind=reminders.DUE_SOON).count() == 1  # the inbox only
    body = Notification.objects.get(kind=reminders.DUE_SOON).body
    assert "14/12/2026" in body and "2 ngày làm việc" in body

    # Friday: still due soon, but told once per deadline.
    with time_machine.travel(at(D(2026, 12, 11), 7), tick=False):
        chase_petitions()
    assert Notification.objects.filter(kind=reminders.DUE_SOON).count() == 1


def test_petition_in_a_bodys_queue_reminds_its_officers(tree, catalogue, people):
    make_petition(tree.branch, catalogue.roads, people.staff, S.FORWARDED, deadline=D(2026, 12, 14))
    with time_machine.travel(at(D(2026, 12, 10), 7), tick=False):
        chase_petitions()
    assert recipients(reminders.DUE_SOON) == {people.officer.pk}  # on UBND's list


def test_overdue_daily_on_working_days_once_a_day(tree, catalogue, people):
    make_petition(
        tree.branch, catalogue.roads, people.staff, S.IN_PROGRESS, officer=people.officer, deadline=D(2026, 12, 4)
    )
    with time_machine.travel(at(D(2026, 12, 7), 7), tick=False):  # Monday
        chase_petitions()
        first = snapshot()
        chase_petitions()
        assert snapshot() == first
    assert recipients(reminders.OVERDUE) == {people.officer.pk}

    with time_machine.travel(at(D(2026, 12, 8), 7), tick=False):
        chase_petitions()
    assert Notification.objects.filter(kind=reminders.OVERDUE).count() == 2

    with time_machine.travel(at(D(2026, 12, 12), 7), tick=False):  # Saturday
        chase_petitions()
    assert Notification.objects.filter(kind=reminders.OVERDUE).count() == 2


def test_leaders_of_the_commune_told_after_5_working_days_overdue(tree, catalogue, people):
    make_petition(
        tree.branch,
        catalogue.roads,
        people.staff,
        S.FORWARDED,
        officer=people.officer,
        raised_on=D(2026, 11, 20),
        deadline=D(2026, 12, 1),
    )
    # Tuesday 8/12: 2, 3, 4, 7, 8 December – five working days, not more.
    with time_machine.travel(at(D(2026, 12, 8), 7), tick=False):
        chase_petitions()
    assert not Notification.objects.filter(kind=reminders.OVERDUE_LEADER).exists()

    with time_machine.travel(at(D(2026, 12, 9), 7), tick=False):
        chase_petitions()
        chase_petitions()
    assert recipients(reminders.OVERDUE_LEADER) == {people.leader.pk}
    body = Notification.objects.get(kind=reminders.OVERDUE_LEADER).body
    assert "6 ngày làm việc" in body

    with time_machine.travel(at(D(2026, 12, 10), 7), tick=False):
        chase_petitions()
    assert Notification.objects.filter(kind=reminders.OVERDUE_LEADER).count() == 1


def test_closed_and_undated_petitions_are_not_chased(tree, catalogue, people):
    for status in (S.ANSWERED, S.DECLINED, S.NOT_COMPETENT, S.REPORTED_BACK):
        make_petition(tree.branch, catalogue.roads, people.staff, status, deadline=D(2026, 12, 2))
    # New since Wednesday 9/12: one working day (10/12) at Thursday's chase, fewer than 2.
    make_petition(tree.branch, catalogue.roads, people.staff, S.NEW, raised_on=D(2026, 12, 9))
    with time_machine.travel(at(D(2026, 12, 10), 7), tick=False):
        chase_petitions()
    assert list(Notification.objects.values_list("kind", flat=True)) == []


def test_an_escalated_petition_is_chased_against_its_follow_up_date(tree, catalogue, people):
    """Sent up, the answer from above expected by 2/12: overdue like the others until entered; with
    no officer at the commune, the commune staff are chased."""
    sent_up = make_petition(
        tree.branch, catalogue.roads, people.staff, S.ESCALATED, deadline=D(2026, 12, 2),
        expected_answer_by=D(2026, 12, 2), body=None,
    )  # fmt: skip
    with time_machine.travel(at(D(2026, 12, 10), 7), tick=False):
        chase_petitions()
        assert sent_up.is_overdue() and sent_up.days_overdue == 6
    assert recipients(reminders.OVERDUE, about_id=sent_up.pk) == {people.staff.pk}
    assert recipients(reminders.OVERDUE_LEADER, about_id=sent_up.pk) == {people.leader.pk}


def test_a_petition_still_new_after_2_working_days_chases_the_leaders_and_staff_once(tree, catalogue, people):
    new = make_petition(tree.branch, catalogue.roads, people.staff, S.NEW, raised_on=D(2026, 12, 4))
    # Monday 7/12: one working day since Friday.
    with time_machine.travel(at(D(2026, 12, 7), 7), tick=False):
        chase_petitions()
    assert not Notification.objects.filter(kind=reminders.STILL_NEW).exists()
    # Tuesday 8/12: two working days; Wednesday: told already.
    for day in (8, 9):
        with time_machine.travel(at(D(2026, 12, day), 7), tick=False):
            chase_petitions()
    assert recipients(reminders.STILL_NEW, about_id=new.pk) == {people.leader.pk, people.staff.pk}
    assert Notification.objects.filter(kind=reminders.STILL_NEW).count() == 2  # one each (the inbox)
    assert "vẫn ở trạng thái" in Notification.objects.filter(kind=reminders.STILL_NEW).first().body


def test_the_communes_timing_decides_when_a_new_petition_is_chased(tree, catalogue, people):
    ReminderRules.objects.create(organization=tree.commune, petition_new_after_days=5)
    make_petition(tree.branch, catalogue.roads, people.staff, S.NEW, raised_on=D(2026, 12, 4))
    with time_machine.travel(at(D(2026, 12, 10), 7), tick=False):  # four working days
        chase_petitions()
    assert not Notification.objects.filter(kind=reminders.STILL_NEW).exists()
    with time_machine.travel(at(D(2026, 12, 11), 7), tick=False):  # five
        chase_petitions()
    assert Notification.objects.filter(kind=reminders.STILL_NEW).exists()


def test_a_petition_nobody_holds_tells_the_commune_staff_each_working_day(tree, catalogue, people):
    """Forwarded to Hội Nông dân, which has no officer: the staff hear of it every working day."""
    unheld = make_petition(
        tree.branch, catalogue.roads, people.staff, S.FORWARDED, body=catalogue.farmers, deadline=D(2026, 12, 30)
    )
    for day in (10, 11, 12, 13, 14):  # Thursday, Friday, the weekend, Monday
        with time_machine.travel(at(D(2026, 12, day), 7), tick=False):
            chase_petitions()
            chase_petitions()
    assert recipients(reminders.UNHELD, about_id=unheld.pk) == {people.staff.pk}
    assert Notification.objects.filter(kind=reminders.UNHELD).count() == 3
    # Once an officer holds it, nothing more.
    unheld.officer = people.officer
    unheld.save()
    with time_machine.travel(at(D(2026, 12, 15), 7), tick=False):
        chase_petitions()
    assert Notification.objects.filter(kind=reminders.UNHELD).count() == 3


def test_secretary_told_when_the_answer_arrives_and_chases_stop(forwarded, people):
    with time_machine.travel(at(D(2026, 12, 10), 7), tick=False):
        chase_petitions()
    # A due-soon row waiting for email dispatch is pending; make it so for the inbox too.
    Notification.objects.filter(kind=reminders.DUE_SOON).update(status="pending")

    with time_machine.travel(at(D(2026, 12, 10), 10), tick=False):
        answered = petition_answer(petition=forwarded, answer="Đã bố trí kinh phí sửa đường.", by=people.officer)
        reminders.petition_answered(answered)  # retried: nothing new

    assert recipients(reminders.ANSWERED) == {people.secretary.pk}
    assert Notification.objects.filter(kind=reminders.ANSWERED).count() == 1
    message = Notification.objects.get(kind=reminders.ANSWERED)
    assert "Đã bố trí kinh phí sửa đường." in message.body
    assert set(Notification.objects.filter(kind=reminders.DUE_SOON).values_list("status", flat=True)) == {"cancelled"}


def test_chase_runs_a_fixed_number_of_queries(tree, catalogue, people, django_assert_max_num_queries):
    def make(count):
        for _ in range(count):
            make_petition(tree.branch, catalogue.roads, people.staff, S.FORWARDED, deadline=D(2026, 12, 25))
            make_petition(tree.branch, catalogue.roads, people.staff, S.NEW, raised_on=D(2026, 12, 11))
            make_petition(tree.branch, catalogue.roads, people.staff, S.FORWARDED, body=catalogue.farmers)

    # Nothing to send (nothing due, nothing new long enough, the farmers' petitions not yet chased
    # on a Sunday): the reads alone, fixed whatever the number of petitions.
    for count in (3, 30):
        make(count)
        with time_machine.travel(at(D(2026, 12, 13), 7), tick=False), django_assert_max_num_queries(14):
            reminders.chase_petitions()


def test_the_communes_timings_decide_the_officers_and_leaders_reminders(tree, catalogue, people):
    ReminderRules.objects.create(organization=tree.commune, petition_due_soon_days=4, petition_leader_after_days=1)
    soon = make_petition(
        tree.branch, catalogue.roads, people.staff, S.FORWARDED, officer=people.officer, deadline=D(2026, 12, 14)
    )
    late = make_petition(
        tree.branch,
        catalogue.roads,
        people.staff,
        S.FORWARDED,
        officer=people.officer,
        raised_on=D(2026, 11, 20),
        deadline=D(2026, 12, 4),
    )
    # Tuesday 8/12: 14/12 is four working days away (9, 10, 11, 14); 4/12 is two working days past.
    with time_machine.travel(at(D(2026, 12, 8), 7), tick=False):
        chase_petitions()
    assert recipients(reminders.DUE_SOON, about_id=soon.pk) == {people.officer.pk}
    assert recipients(reminders.OVERDUE_LEADER, about_id=late.pk) == {people.leader.pk}


def test_petition_messages_carry_a_full_link_by_email_sms_and_inbox(forwarded, people, settings):
    from notifications.models import ChannelPreference

    settings.SITE_URL = "https://chibo.example.org"
    for user in (people.officer, people.secretary):
        user.email = f"{user.username}@example.org"
        user.save()
        ChannelPreference.objects.create(user=user, sms_enabled=True, phone="0912345678")
    with time_machine.travel(at(D(2026, 12, 10), 7), tick=False):
        chase_petitions()
    with time_machine.travel(at(D(2026, 12, 10), 10), tick=False):
        petition_answer(petition=forwarded, answer="Đã bố trí kinh phí sửa đường.", by=people.officer)
    link = f"https://chibo.example.org/petitions/{forwarded.pk}/"
    for kind in (reminders.DUE_SOON, reminders.ANSWERED):
        found = Notification.objects.filter(kind=kind)
        assert set(found.values_list("channel", flat=True)) == {"inbox", "email", "sms"}
        for row in found:
            assert link in row.body, (kind, row.channel)
            assert row.link == f"/petitions/{forwarded.pk}/"
