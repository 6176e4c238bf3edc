"""The meetings app's messages (meetings/reminders.py): the notice, the members' reminders and the
secretary's chases, as outbox rows. Time is frozen; nothing is dispatched."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from chibo.celery import app
from meetings import reminders
from meetings.models import AgendaItem, Guest, MeetingStatus, ReminderRules
from meetings.services.schedule import meeting_cancel, meeting_move, meeting_postpone, meeting_send_notice
from meetings.tasks import chase_meetings, schedule_regular_meetings
from members.models import RoleKind
from notifications.models import Notification

from ..factories import MemberFactory, UserFactory, give_role
from .conftest import at

pytestmark = pytest.mark.system_scope

D = datetime.date
MEETING_DAY = D(2026, 12, 5)  # Saturday; the meeting fixture is at 19:30–21:30
PENDING, CANCELLED, SENT = "pending", "cancelled", "sent"


def rows(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters)


def recipients(kind, **filters) -> set[int]:
    return set(rows(kind, **filters).values_list("recipient_id", flat=True))


def snapshot() -> list[tuple]:
    return sorted(Notification.objects.values_list("dedupe_key", "status", "due_at"))


@pytest.fixture
def people(tree, secretary, meeting):
    """Song Khê: two members with accounts (one with email), one without, one who left, one exempt;
    an assigned cadre on the guest list; a member of another branch."""
    with_email = MemberFactory(branch=tree.branch, user=UserFactory(username="an", email="an@example.org"))
    inbox_only = MemberFactory(branch=tree.branch, user=UserFactory(username="binh"))
    MemberFactory(branch=tree.branch)  # no account
    left = MemberFactory(
        branch=tree.branch, user=UserFactory(username="left"), left_on=D(2026, 11, 1), leave_reason="transfer"
    )
    exempt = MemberFactory(branch=tree.branch, user=UserFactory(username="exempt"), exempt_since=D(2025, 1, 1))
    other = MemberFactory(branch=tree.sibling, user=UserFactory(username="other"))
    # The assigned cadre is on another branch's register.
    cadre_member = MemberFactory(branch=tree.sibling, user=UserFactory(username="cadre-user"))
    Guest.objects.create(meeting=meeting, cadre=cadre_member, name=cadre_member.full_name, expected=True)
    AgendaItem.objects.create(meeting=meeting, position=1, title="Báo cáo kết quả tháng 11")
    AgendaItem.objects.create(meeting=meeting, position=2, title="Triển khai nhiệm vụ tháng 12")
    return type(
        "People",
        (),
        {
            "expected": {with_email.user_id, inbox_only.user_id, cadre_member.user_id},
            "with_email": with_email,
            "inbox_only": inbox_only,
            "left": left,
            "exempt": exempt,
            "other": other,
            "secretary": secretary.user,
        },
    )


# --- The notice --------------------------------------------------------------------------------


@time_machine.travel(at(D(2026, 11, 28), 10), tick=False)
def test_notice_goes_to_expected_members_with_an_account_and_the_cadres(people, meeting):
    meeting_send_notice(meeting=meeting, by=people.secretary)

    assert recipients(reminders.NOTICE) == people.expected
    # One row per channel the user receives: the inbox always, email with an address.
    assert set(rows(reminders.NOTICE, recipient=people.with_email.user).values_list("channel", flat=True)) == {
        "inbox",
        "email",
    }
    assert set(rows(reminders.NOTICE, recipient=people.inbox_only.user).values_list("channel", flat=True)) == {"inbox"}
    for user in (people.left.user, people.exempt.user, people.other.user):
        assert not rows(reminders.NOTICE, recipient=user).exists()


@time_machine.travel(at(D(2026, 11, 28), 10), tick=False)
def test_notice_says_date_time_place_and_agenda_with_a_link(people, meeting, settings):
    settings.SITE_URL = "https://chibo.example.org/"
    meeting_send_notice(meeting=meeting, by=people.secretary)

    email = rows(reminders.NOTICE, channel="email").get()
    for text in ("05/12/2026", "19:30", "Thứ Bảy", "Nhà văn hóa thôn Song Khê", "Triển khai nhiệm vụ tháng 12"):
        assert text in email.body
    assert f"https://chibo.example.org/meetings/{meeting.pk}/" in email.body
    assert "05/12/2026" in email.subject and "19:30" in email.subject
    assert "{{" not in email.body


@time_machine.travel(at(D(2026, 11, 28), 10), tick=False)
def test_notice_sent_twice_or_retried_creates_no_duplicates(people, meeting):
    meeting_send_notice(meeting=meeting, by=people.secretary)
    before = snapshot()

    reminders.meeting_notice_sent(meeting)
    reminders.meeting_notice_sent(meeting)

    assert snapshot() == before


@time_machine.travel(at(D(2026, 11, 28), 10), tick=False)
def test_reminders_3_days_and_1_day_before_at_8(people, meeting):
    meeting_send_notice(meeting=meeting, by=people.secretary)

    due = set(rows(reminders.REMINDER).values_list("due_at", flat=True))
    assert due == {at(D(2026, 12, 2), 8), at(D(2026, 12, 4), 8)}
    assert recipients(reminders.REMINDER) == people.expected
    assert set(rows(reminders.REMINDER).values_list("status", flat=True)) == {PENDING}


@time_machine.travel(at(D(2026, 11, 25), 10), tick=False)
def test_the_communes_timings_decide_the_reminders(people, meeting, tree):
    ReminderRules.objects.create(
        organization=tree.commune, first_reminder_days=7, second_reminder_days=0, reminder_hour=18
    )
    meeting_send_notice(meeting=meeting, by=people.secretary)

    assert set(rows(reminders.REMINDER).values_list("due_at", flat=True)) == {at(D(2026, 11, 28), 18)}


@time_machine.travel(at(D(2026, 11, 25), 10), tick=False)
def test_a_branch_follows_its_own_timings_over_the_communes(people, meeting, tree):
    ReminderRules.objects.create(organization=tree.commune, first_reminder_days=7, second_reminder_days=0)
    ReminderRules.objects.create(organization=tree.branch, first_reminder_days=2, second_reminder_days=1)
    meeting_send_notice(meeting=meeting, by=people.secretary)

    assert set(rows(reminders.REMINDER).values_list("due_at", flat=True)) == {
        at(D(2026, 12, 3), 8),
        at(D(2026, 12, 4), 8),
    }


@time_machine.travel(at(D(2026, 12, 3), 10), tick=False)
def test_notice_sent_late_schedules_only_the_reminders_still_ahead(people, meeting):
    meeting_send_notice(meeting=meeting, by=people.secretary)

    assert set(rows(reminders.REMINDER).values_list("due_at", flat=True)) == {at(D(2026, 12, 4), 8)}


@time_machine.travel(at(D(2026, 11, 28), 10), tick=False)
def test_cancel_cancels_the_reminders(people, meeting):
    meeting_send_notice(meeting=meeting, by=people.secretary)

    meeting_cancel(meeting=meeting, reason="Mưa bão", by=people.secretary)

    assert rows(reminders.REMINDER).exists()
    assert set(rows(reminders.REMINDER).values_list("status", flat=True)) == {CANCELLED}
    # The notice already delivered to the inbox stays.
    assert rows(reminders.NOTICE, channel="inbox", status=SENT).exists()


@time_machine.travel(at(D(2026, 11, 28), 10), tick=False)
def test_postpone_cancels_the_reminders(people, meeting):
    meeting_send_notice(meeting=meeting, by=people.secretary)

    meeting_postpone(meeting=meeting, reason="Trùng lịch họp xã", by=people.secretary)

    assert not rows(reminders.REMINDER, status=PENDING).exists()


@time_machine.travel(at(D(2026, 11, 28), 10), tick=False)
def test_move_cancels_the_old_reminders_and_schedules_new_ones(people, meeting):
    meeting_send_notice(meeting=meeting, by=people.secretary)
    old = set(rows(reminders.REMINDER).values_list("pk", flat=True))

    meeting_move(meeting=meeting, new_start=at(D(2026, 12, 12), 19, 30), reason="Trùng lịch", by=people.secretary)

    assert set(rows(reminders.REMINDER, pk__in=old).values_list("status", flat=True)) == {CANCELLED}
    new = rows(reminders.REMINDER, status=PENDING)
    assert set(new.values_list("due_at", flat=True)) == {at(D(2026, 12, 9), 8), at(D(2026, 12, 11), 8)}
    assert set(new.values_list("recipient_id", flat=True)) == people.expected
    assert "12/12/2026" in new.first().body

    # The new notice for the new date schedules nothing twice.
    meeting.refresh_from_db()
    count = Notification.objects.filter(kind=reminders.REMINDER).count()
    meeting_send_notice(meeting=meeting, by=people.secretary)
    assert Notification.objects.filter(kind=reminders.REMINDER).count() == count
    assert recipients(reminders.NOTICE, body__contains="12/12/2026") == people.expected


@time_machine.travel(at(D(2026, 11, 28), 10), tick=False)
def test_moving_back_to_the_old_time_schedules_again(people, meeting):
    original = meeting.planned_start
    meeting_send_notice(meeting=meeting, by=people.secretary)
    meeting_move(meeting=meeting, new_start=at(D(2026, 12, 12), 19, 30), reason="Trùng lịch", by=people.secretary)
    meeting_move(meeting=meeting, new_start=original, reason="Giữ lịch cũ", by=people.secretary)

    pending = rows(reminders.REMINDER, status=PENDING)
    assert set(pending.values_list("due_at", flat=True)) == {at(D(2026, 12, 2), 8), at(D(2026, 12, 4), 8)}


@time_machine.travel(at(D(2026, 12, 4), 10), tick=False)
def test_move_at_short_notice_reminds_at_once(people, meeting):
    meeting.status, meeting.notice_sent_at = MeetingStatus.NOTICE_SENT, at(D(2026, 11, 28), 10)
    meeting.save()

    meeting_move(meeting=meeting, new_start=at(D(2026, 12, 5), 14), reason="Đổi giờ", by=people.secretary)

    due_now = rows(reminders.REMINDER, due_at=at(D(2026, 12, 4), 10))
    assert set(due_now.values_list("recipient_id", flat=True)) == people.expected
    assert rows(reminders.REMINDER).count() == due_now.count()  # one reminder each, not two


@time_machine.travel(at(D(2026, 11, 28), 10), tick=False)
def test_moving_a_draft_that_was_never_announced_sends_nothing(people, meeting):
    meeting_move(meeting=meeting, new_start=at(D(2026, 12, 12), 19, 30), reason="Trùng lịch", by=people.secretary)

    assert not Notification.objects.exists()


def test_member_who_leaves_after_the_notice_gets_no_reminder(people, meeting):
    with time_machine.travel(at(D(2026, 11, 28), 10), tick=False):
        meeting_send_notice(meeting=meeting, by=people.secretary)
    people.inbox_only.left_on, people.inbox_only.leave_reason = D(2026, 11, 30), "transfer"
    people.inbox_only.save()

    with time_machine.travel(at(D(2026, 12, 1), 7), tick=False):
        chase_meetings()

    assert not rows(reminders.REMINDER, recipient=people.inbox_only.user, status=PENDING).exists()
    assert recipients(reminders.REMINDER, status=PENDING) == people.expected - {people.inbox_only.user_id}


# --- The secretary's chases ----------------------------------------------------------------------


@pytest.fixture
def staff_users(tree, staff, outsider):
    sibling_secretary = UserFactory(username="sibling-secretary")
    give_role(sibling_secretary, RoleKind.SECRETARY, tree.sibling)
    return type("Staff", (), {"staff": staff.user, "outsider": outsider.user, "sibling_secretary": sibling_secretary})


def test_agenda_empty_five_days_before_to_the_secretary_once(secretary, staff_users, meeting):
    with time_machine.travel(at(D(2026, 11, 29), 7), tick=False):
        chase_meetings()
    assert not rows(reminders.AGENDA_EMPTY).exists()  # six days before

    with time_machine.travel(at(D(2026, 11, 30), 7), tick=False):
        chase_meetings()
        first = snapshot()
        chase_meetings()
        assert snapshot() == first
    assert recipients(reminders.AGENDA_EMPTY) == {secretary.user.pk}

    with time_machine.travel(at(D(2026, 12, 1), 7), tick=False):
        chase_meetings()
    assert rows(reminders.AGENDA_EMPTY).count() == 1  # once per meeting and day


def test_agenda_with_items_is_not_chased(secretary, meeting):
    AgendaItem.objects.create(meeting=meeting, position=1, title="Báo cáo")
    with time_machine.travel(at(D(2026, 12, 1), 7), tick=False):
        chase_meetings()
    assert not rows(reminders.AGENDA_EMPTY).exists()


def test_materials_not_posted_one_day_before(secretary, staff_users, meeting):
    with time_machine.travel(at(D(2026, 12, 3), 7), tick=False):
        chase_meetings()
    assert not rows(reminders.MATERIALS_MISSING).exists()

    with time_machine.travel(at(D(2026, 12, 4), 7), tick=False):
        chase_meetings()
        chase_meetings()
    assert recipients(reminders.MATERIALS_MISSING) == {secretary.user.pk}
    assert rows(reminders.MATERIALS_MISSING).count() == 1


def test_materials_posted_are_not_chased(secretary, meeting):
    meeting.materials_posted_at = at(D(2026, 12, 1), 9)
    meeting.save()
    with time_machine.travel(at(D(2026, 12, 4), 7), tick=False):
        chase_meetings()
    assert not rows(reminders.MATERIALS_MISSING).exists()


def test_minutes_not_adopted_secretary_after_2_days_commune_staff_after_5(secretary, staff_users, meeting):
    meeting.status = MeetingStatus.HELD
    meeting.actual_start, meeting.actual_end = at(MEETING_DAY, 19, 30), at(MEETING_DAY, 21, 30)
    meeting.save()

    with time_machine.travel(at(D(2026, 12, 7), 7), tick=False):
        chase_meetings()
    assert not rows(reminders.MINUTES_OVERDUE).exists()

    with time_machine.travel(at(D(2026, 12, 8), 7), tick=False):
        chase_meetings()
        chase_meetings()
    assert recipients(reminders.MINUTES_OVERDUE) == {secretary.user.pk}
    assert rows(reminders.MINUTES_OVERDUE).count() == 1
    assert not rows(reminders.MINUTES_OVERDUE_COMMUNE).exists()

    with time_machine.travel(at(D(2026, 12, 11), 7), tick=False):
        first = chase_meetings()
        before = snapshot()
        chase_meetings()
        assert snapshot() == before
    assert first >= 1
    assert recipients(reminders.MINUTES_OVERDUE_COMMUNE) == {staff_users.staff.pk}
    assert rows(reminders.MINUTES_OVERDUE).count() == 1


def test_adopted_minutes_and_cancelled_meetings_are_not_chased(secretary, meeting):
    meeting.status = MeetingStatus.ADOPTED
    meeting.actual_start, meeting.actual_end = at(MEETING_DAY, 19, 30), at(MEETING_DAY, 21, 30)
    meeting.save()
    with time_machine.travel(at(D(2026, 12, 11), 7), tick=False):
        chase_meetings()
    assert not Notification.objects.exists()


def test_chase_runs_a_fixed_number_of_queries(secretary, staff_users, tree, django_assert_max_num_queries):
    # Scanning costs the same for one meeting or many; only the messages cost more.
    with time_machine.travel(at(D(2026, 12, 20), 7), tick=False), django_assert_max_num_queries(6):
        reminders.chase_meetings()


# --- The monthly schedule ------------------------------------------------------------------------


@time_machine.travel(at(D(2026, 11, 1), 6), tick=False)
def test_schedule_regular_meetings_task_is_idempotent(tree):
    created = schedule_regular_meetings()
    assert created >= 1  # Song Khê meets on day 5
    assert schedule_regular_meetings() == 0


def test_beat_runs_the_tasks():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "meetings.tasks.chase_meetings",
        "meetings.tasks.schedule_regular_meetings",
        "petitions.tasks.chase_petitions",
    } <= tasks


def test_the_communes_timings_decide_the_secretarys_and_staffs_chases(secretary, staff_users, meeting, tree):
    ReminderRules.objects.create(organization=tree.commune, agenda_empty_days=8, commune_minutes_days=3)
    with time_machine.travel(at(D(2026, 11, 27), 7), tick=False):
        chase_meetings()  # eight days before
    assert recipients(reminders.AGENDA_EMPTY) == {secretary.user.pk}

    meeting.status = MeetingStatus.HELD
    meeting.actual_start, meeting.actual_end = at(MEETING_DAY, 19, 30), at(MEETING_DAY, 21, 30)
    meeting.save()
    with time_machine.travel(at(D(2026, 12, 9), 7), tick=False):
        chase_meetings()  # three days after
    assert recipients(reminders.MINUTES_OVERDUE_COMMUNE) == {staff_users.staff.pk}


def test_commune_staff_set_the_timings_and_others_get_404(client, staff, secretary, outsider, tree):
    url = reverse("meetings:reminder_rules", args=[tree.commune.pk])
    for user in (secretary.user, outsider.user):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(staff.user)
    assert client.get(url).status_code == 200
    values = {
        "first_reminder_days": "5",
        "second_reminder_days": "5",
        "reminder_hour": "30",
        "agenda_empty_days": "4",
        "commune_minutes_days": "6",
        "petition_due_soon_days": "3",
        "petition_leader_after_days": "7",
        "petition_new_after_days": "3",
    }
    response = client.post(url, values)
    assert response.status_code == 200  # refused, what was typed is kept
    assert not ReminderRules.objects.exists()
    assert 'value="30"' in response.content.decode()
    response = client.post(url, {**values, "second_reminder_days": "0", "reminder_hour": "17"})
    assert response.status_code == 302
    kept = ReminderRules.objects.get(organization=tree.commune)
    assert (kept.reminder_days, kept.reminder_hour, kept.petition_leader_after_days) == ((5,), 17, 7)
    assert kept.petition_new_after_days == 3


@time_machine.travel(at(D(2026, 11, 28), 10), tick=False)
def test_notice_and_reminders_carry_a_full_link_by_email_sms_and_inbox(people, meeting, settings):
    from notifications.models import ChannelPreference

    settings.SITE_URL = "https://chibo.example.org"
    ChannelPreference.objects.create(user=people.with_email.user, sms_enabled=True, phone="0912345678")
    meeting_send_notice(meeting=meeting, by=people.secretary)
    link = f"https://chibo.example.org/meetings/{meeting.pk}/"
    for kind in (reminders.NOTICE, reminders.REMINDER):
        found = rows(kind, recipient=people.with_email.user)
        assert set(found.values_list("channel", flat=True)) == {"inbox", "email", "sms"}
        for row in found:
            assert link in row.body, (kind, row.channel)
            assert row.link == f"/meetings/{meeting.pk}/"
