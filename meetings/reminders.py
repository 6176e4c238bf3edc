"""What the meetings app sends, to whom and when: the rules behind notices and reminders.

The outbox, the channels and the dispatch belong to ``notifications``; this module only decides
and calls ``notification_enqueue`` inside the caller's transaction (a service of
``meetings.services.schedule``, or the daily ``meetings.tasks.chase_meetings``). Recipients are
found in the system scope, whoever pressed the button: the rules, not the caller's reach, decide
who is told.

- **The notice** (``meeting.notice``), when the secretary sends it: to every expected member of
  the meeting with a user account, on the channels they chose (members who left get none; exempt
  members are not expected), and to the cadres on its guest list who have one. An expected member
  without a login is sent it by SMS on the register's mobile number, unless they asked for none
  (``Member.sms_opted_out_at``); members sharing a number get one SMS. Those it cannot reach (no
  mobile number, or no SMS wanted) are listed on the notice page for the secretary to tell.
- **Reminders** (``meeting.reminder``) 3 days and 1 day before the planned start, at 08:00 local
  time (the commune's ``ReminderRules`` may change both), to the same people. Scheduled with
  the notice; cancelled when the meeting is cancelled or postponed; a move cancels them and
  schedules new ones for the new time. A reminder whose time has passed is due at once if the
  meeting is still ahead (only the nearest of them), except with the notice itself, which
  already says everything a reminder would.
- **To the secretary**, from the daily chase: the agenda still empty 5 days before (``ReminderRules``)
  (``meeting.agenda_empty``); materials not posted by the rules' ``materials_days_before``
  (``meeting.materials_missing``); minutes not adopted within the rules' ``minutes_deadline_days``
  (``meeting.minutes_overdue``), and to the commune's staff after 5 days (``ReminderRules``)
  (``meeting.minutes_overdue_commune``). Each is sent once per meeting and planned day.
- **Residence comments** (QĐ 213): the day after the commune's deadline (``MeetingRules``,
  15 December by default), a residence branch still owing yearly comments on its linked working
  members tells its secretary (``residence.comments_overdue``), and the rules'
  ``commune_minutes_days`` later its commune's staff (``residence.comments_overdue_commune``).
  Once per branch and year each.

Every message has a de-duplication key, so a service retried or a task run twice sends nothing
new; a key that contains the planned start makes the reminders of a moved meeting new rows. A
user's keys name the user (``…:u<user>:…`` or ``…:<user>``), an SMS to a number alone names the
member (``…:member<member>:…``); a member who gets a login after their SMS is not sent the same
notice or reminder again on the new account.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from meetings.models import (
    REGULAR_KINDS,
    THEMATIC_KINDS,
    Guest,
    Meeting,
    MeetingKind,
    MeetingMove,
    MeetingRules,
    MeetingStatus,
    ReminderRules,
    ResidenceComment,
    comment_deadline,
)
from meetings.selectors.roll import expected_members
from members.access import role_holders, system_scope
from members.models import Member, Organization, OrganizationKind, ResidenceLink, RoleKind
from notifications.links import absolute_url
from notifications.models import Notification
from notifications.phones import mobile_or_empty
from notifications.selectors import sent_about
from notifications.services import notification_enqueue, notification_enqueue_sms, notifications_cancel

NOTICE = "meeting.notice"
REMINDER = "meeting.reminder"
AGENDA_EMPTY = "meeting.agenda_empty"
MATERIALS_MISSING = "meeting.materials_missing"
MINUTES_OVERDUE = "meeting.minutes_overdue"
MINUTES_OVERDUE_COMMUNE = "meeting.minutes_overdue_commune"
COMMENTS_OVERDUE = "residence.comments_overdue"
COMMENTS_OVERDUE_COMMUNE = "residence.comments_overdue_commune"

# The timings (reminder days and hour, the empty-agenda and commune-minutes days) are the
# commune's ReminderRules; these bound how far the daily chase looks.
LONGEST_AGENDA_DAYS = ReminderRules._meta.get_field("agenda_empty_days").validators[0].limit_value
LONGEST_COMMUNE_DAYS = ReminderRules._meta.get_field("commune_minutes_days").validators[0].limit_value
# A chase missed (no worker for a while) is still sent this long after it fell due, not later:
# a first run over years of old meetings must not flood anyone.
CATCH_UP = datetime.timedelta(days=14)

# Meetings still ahead that are being prepared (a postponed one has no date to prepare for).
PREPARING = (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT)
# "The month's meeting": prepared with materials and minuted on time (extraordinary meetings are
# called at short notice; the flags do not judge them either).
ORDINARY_KINDS = tuple({MeetingKind.REGULAR, MeetingKind.THEMATIC, *REGULAR_KINDS, *THEMATIC_KINDS})

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
KIND_NAMES = {
    MeetingKind.REGULAR: "sinh hoạt chi bộ thường kỳ",
    MeetingKind.THEMATIC: "sinh hoạt chuyên đề",
    MeetingKind.COMBINED: "sinh hoạt chi bộ thường kỳ kết hợp chuyên đề",
    MeetingKind.EXTRAORDINARY: "họp chi bộ bất thường",
}


# --- Shared pieces -------------------------------------------------------------------------------


def _stamp(moment: datetime.datetime) -> str:
    """A moment in keys: in UTC, so a value read back from the database gives the same key."""
    return moment.astimezone(datetime.UTC).isoformat()


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def meeting_context(meeting: Meeting) -> dict:
    """What every meeting message says, as plain values (date dd/mm/yyyy, time 24 h)."""
    start = _local(meeting.planned_start)
    end = _local(meeting.planned_end)
    return {
        "meeting_id": meeting.pk,
        "branch": meeting.branch.name,
        "kind": meeting.kind,
        "kind_name": KIND_NAMES.get(meeting.kind, "sinh hoạt chi bộ"),
        "topic": meeting.topic,
        "date": start.strftime("%d/%m/%Y"),
        "weekday": WEEKDAYS[start.weekday()],
        "time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "place": meeting.place or meeting.branch.meeting_place,
        "month": meeting.month.strftime("%m/%Y"),
        "url": absolute_url(meeting.get_absolute_url()),
    }


def _enqueue(users: Iterable, *, kind: str, about, key, context: dict, due_at=None) -> list:
    """One enqueue per user. ``key`` is a prefix the user's id is appended to, or a function of
    the user. Returns the rows created."""
    rows = []
    for user in users:
        rows += notification_enqueue(
            recipient=user,
            kind=kind,
            about=about,
            due_at=due_at,
            dedupe_key=key(user) if callable(key) else f"{key}:{user.pk}",
            context=context,
        )
    return rows


# --- Who is told ---------------------------------------------------------------------------------

# Why an expected member without a login gets no SMS (the notice page lists them).
NO_NUMBER = "no_number"
NOT_MOBILE = "not_mobile"
OPTED_OUT = "opted_out"


@dataclass
class Audience:
    """Who a meeting's notice and reminders go to."""

    # Users told on the channels they chose (expected members with a login, assigned cadres).
    users: list = field(default_factory=list)
    # Expected members without a login, told by SMS on the register's number, with it normalised.
    by_phone: list[tuple[Member, str]] = field(default_factory=list)
    # Expected members without a login whom no message reaches: (member, NO_NUMBER | NOT_MOBILE | OPTED_OUT).
    unreachable: list[tuple[Member, str]] = field(default_factory=list)

    def phones(self) -> dict[str, list[Member]]:
        """Each number once, with the members it reaches (a couple may share one phone)."""
        numbers: dict[str, list[Member]] = {}
        for member, number in self.by_phone:
            numbers.setdefault(number, []).append(member)
        return numbers


def sms_number(member: Member) -> str:
    """The register's phone number of the member if an SMS can go to it (normalised), else ""."""
    return mobile_or_empty(member.phone or "")


def audience(meeting: Meeting, *, today: datetime.date | None = None) -> Audience:
    """Who is told of the meeting: expected members who have not left (with a login on their own
    channels, without one by SMS on the register's number), and the cadres on its guest list with
    an account. Three queries, in the system scope, whatever the branch's size."""
    today = today or timezone.localdate()
    with system_scope():
        members = [member for member in expected_members(meeting) if member.left_on is None or member.left_on > today]
        cadre_users = list(
            Guest.objects.filter(meeting=meeting, cadre__user__isnull=False)
            .filter(Q(cadre__left_on__isnull=True) | Q(cadre__left_on__gt=today))
            .values_list("cadre__user_id", flat=True)
        )
    wanted = list(dict.fromkeys([member.user_id for member in members if member.user_id is not None] + cadre_users))
    # With their member records: the messages greet them by name (members.names.person_name).
    users = get_user_model().objects.filter(pk__in=wanted, is_active=True).select_related("member").in_bulk()
    found = Audience(users=[users[pk] for pk in wanted if pk in users])
    for member in members:
        if member.user_id in users:
            continue
        number = sms_number(member)
        if member.sms_opted_out_at is not None:
            found.unreachable.append((member, OPTED_OUT))
        elif number:
            found.by_phone.append((member, number))
        else:
            found.unreachable.append((member, NOT_MOBILE if (member.phone or "").strip() else NO_NUMBER))
    return found


def attendees(meeting: Meeting, *, today: datetime.date | None = None) -> list:
    """Users told of the meeting on their own channels (``audience(...).users``)."""
    return audience(meeting, today=today).users


def notice_recipients(meeting: Meeting, *, today: datetime.date | None = None) -> list:
    """Users the notice (and its reminders) would go to if sent now."""
    return attendees(meeting, today=today)


def notice_rows(meeting: Meeting):
    """The outbox rows of the meeting's notices (whom it went to, by which channel, with what
    outcome), oldest first, with the recipients' member records. One query."""
    return sent_about(meeting, kind=NOTICE).select_related("recipient__member")


def secretaries(branch) -> list:
    """Users holding the secretary role at the branch."""
    return role_holders([branch], {RoleKind.SECRETARY}, held_at=OrganizationKind.BRANCH)[branch.pk]


# --- The notice and the reminders -----------------------------------------------------------------


def _generation(meeting: Meeting) -> int:
    """The latest move of the meeting (0 if never moved): reminders for each new time are new
    rows, even when a meeting moves back to a time it had before."""
    return MeetingMove.objects.filter(meeting=meeting).order_by("-pk").values_list("pk", flat=True).first() or 0


def reminder_times(
    meeting: Meeting, *, now: datetime.datetime, skip_past: bool = False, rules: ReminderRules | None = None
) -> list[tuple[int, datetime.datetime]]:
    """(days before, due at) of the reminders still to send for the meeting's planned start.

    Each is at the commune's hour (08:00 by default) that many days before. Those whose time has
    passed while the meeting is still ahead are due ``now`` (only the nearest one), or dropped
    with ``skip_past``.
    """
    if meeting.planned_start <= now:
        return []
    rules = rules or ReminderRules.objects.for_branch(meeting.branch)
    at = datetime.time(rules.reminder_hour, 0)
    day = _local(meeting.planned_start).date()
    times = []
    for days in rules.reminder_days:
        due = timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=days), at))
        if due >= meeting.planned_start:
            due = None  # an early-morning meeting: the reminder hour that day is too late
        times.append((days, due))
    upcoming = [(days, due) for days, due in times if due is not None and due > now]
    past = [days for days, due in times if due is None or due <= now]
    if past and not skip_past:
        upcoming.insert(0, (min(past), now))
    return upcoming


def _reminder_prefix(meeting: Meeting, user_pk: int) -> str:
    """The start of the keys of one user's reminders of one meeting (to cancel them alone)."""
    return f"meeting:{meeting.pk}:reminder:u{user_pk}:"


def _phone_reminder_prefix(meeting: Meeting, member_pk: int) -> str:
    """The start of the keys of the SMS reminders of one meeting to a member without a login."""
    return f"meeting:{meeting.pk}:reminder:member{member_pk}:"


def _told_by_phone(keys: dict) -> set:
    """Of ``{key of an SMS to a member's number: what it stands for}``, the things whose SMS row
    exists (whatever its state): that member already had this message before getting a login.
    One query."""
    if not keys:
        return set()
    stored = Notification.objects.filter(dedupe_key__in=[f"{key}:sms" for key in keys]).values_list(
        "dedupe_key", flat=True
    )
    return {keys[key.removesuffix(":sms")] for key in stored}


def _enqueue_phones(told: Audience, *, kind: str, about, key, context: dict, due_at=None) -> list:
    """One SMS per number of the members without a login; ``key`` is a function of the member
    (the first one on the number)."""
    rows = []
    for number, members in told.phones().items():
        rows += notification_enqueue_sms(
            phone=number,
            name=", ".join(member.full_name for member in members),
            kind=kind,
            about=about,
            due_at=due_at,
            dedupe_key=key(members[0]),
            context=context,
        )
    return rows


def _users_not_told_by_phone(users: list, phone_key) -> list:
    """``users`` less those whose member record was already sent this message by SMS, keyed
    ``phone_key(member_pk)``, while they had no login. One query (none without member records)."""
    keys = {}
    for user in users:
        member = getattr(user, "member", None)  # loaded with the user (select_related)
        if member is not None:
            keys[phone_key(member.pk)] = user.pk
    already = _told_by_phone(keys)
    return [user for user in users if user.pk not in already]


def meeting_reminders_schedule(
    meeting: Meeting, *, now: datetime.datetime | None = None, skip_past: bool = False, told: Audience | None = None
) -> list:
    """Queue the reminders (3 and 1 days before, unless the commune says otherwise) for the
    meeting's current planned start: to the users on their channels, to members without a login
    by SMS."""
    now = now or timezone.now()
    if meeting.status not in PREPARING:
        return []
    times = reminder_times(meeting, now=now, skip_past=skip_past)
    if not times:
        return []
    told = audience(meeting, today=_local(now).date()) if told is None else told
    start = _stamp(meeting.planned_start)
    generation = _generation(meeting)
    rows = []
    for days, due in times:
        context = {**meeting_context(meeting), "days_before": days}
        suffix = f"{days}d:{start}:m{generation}"

        def key(user, suffix=suffix):
            return f"{_reminder_prefix(meeting, user.pk)}{suffix}"

        def phone_key(member_pk, suffix=suffix):
            return f"{_phone_reminder_prefix(meeting, member_pk)}{suffix}"

        users = _users_not_told_by_phone(told.users, phone_key)
        rows += _enqueue(users, kind=REMINDER, about=meeting, key=key, context=context, due_at=due)
        rows += _enqueue_phones(
            told, kind=REMINDER, about=meeting, key=lambda member: phone_key(member.pk), context=context, due_at=due
        )
    return rows


def meeting_reminders_cancel(meeting: Meeting) -> int:
    return notifications_cancel(about=meeting, kinds=[REMINDER])


def meeting_notice_sent(meeting: Meeting, *, now: datetime.datetime | None = None) -> list:
    """The notice to everyone expected, and their reminders. Called by ``meeting_send_notice``.

    A notice recorded for a meeting already over (a branch catching up on its records, the demo)
    sends nothing.
    """
    now = now or timezone.now()
    if meeting.planned_start <= now:
        return []
    told = audience(meeting, today=_local(now).date())
    with system_scope():
        agenda = list(meeting.agenda_items.order_by("position", "pk").values_list("title", flat=True))
    context = {**meeting_context(meeting), "agenda": agenda}
    sent_at = _stamp(meeting.notice_sent_at or now)
    # A notice is new when sent again or for another time (a move sends a new one).
    key = f"meeting:{meeting.pk}:notice:{sent_at}:{_stamp(meeting.planned_start)}"
    users = _users_not_told_by_phone(told.users, lambda member_pk: f"{key}:member{member_pk}")
    rows = _enqueue(users, kind=NOTICE, about=meeting, key=key, context=context)
    rows += _enqueue_phones(
        told, kind=NOTICE, about=meeting, key=lambda member: f"{key}:member{member.pk}", context=context
    )
    # The notice says everything a reminder due now would: only the ones still ahead.
    rows += meeting_reminders_schedule(meeting, now=now, skip_past=True, told=told)
    return rows


def meeting_moved(meeting: Meeting, *, had_notice: bool, now: datetime.datetime | None = None) -> list:
    """A move cancels the reminders of the old time; if the members had been told of the meeting,
    they are reminded of the new time (a reminder already due goes at once)."""
    replaced = meeting_reminders_cancel(meeting)
    # Told of it: by a notice for the old time, or by reminders from an earlier move.
    if not (had_notice or replaced):
        return []
    return meeting_reminders_schedule(meeting, now=now)


def meeting_called_off(meeting: Meeting) -> int:
    """Cancelled or postponed: no reminder of it goes out."""
    return meeting_reminders_cancel(meeting)


# --- The daily chase --------------------------------------------------------------------------------


def _end(meeting: Meeting) -> datetime.datetime:
    return meeting.actual_end or meeting.planned_end


def chase_meetings(*, now: datetime.datetime | None = None) -> list:
    """Tell secretaries (and commune staff) what a meeting still lacks; run daily, any number of times.

    A fixed number of queries whatever the number of meetings (upcoming meetings with their
    agenda count, held meetings awaiting minutes, their rules and reminder timings, the
    secretaries and commune staff), then one
    enqueue per message; the keys make a second run create nothing.
    """
    now = now or timezone.now()
    today = _local(now).date()
    longest_ahead = datetime.timedelta(days=LONGEST_AGENDA_DAYS + 1)
    upcoming = list(
        Meeting.objects.filter(status__in=PREPARING, planned_start__gt=now, planned_start__lte=now + longest_ahead)
        .select_related("branch")
        .annotate(agenda_count=Count("agenda_items"))
        .order_by("planned_start", "pk")
    )
    longest_behind = datetime.timedelta(days=LONGEST_COMMUNE_DAYS + 60) + CATCH_UP
    held = list(
        Meeting.objects.filter(status=MeetingStatus.HELD, kind__in=ORDINARY_KINDS)
        .filter(
            Q(actual_end__isnull=False, actual_end__gte=now - longest_behind)
            | Q(actual_end__isnull=True, planned_end__gte=now - longest_behind)
        )
        .select_related("branch")
        .order_by("planned_start", "pk")
    )
    branches = list({m.branch_id: m.branch for m in upcoming + held}.values())
    rules = MeetingRules.objects.for_branches(branches)
    timings = ReminderRules.objects.for_branches(branches)
    secretaries_of = role_holders(branches, {RoleKind.SECRETARY}, held_at=OrganizationKind.BRANCH)
    staff_of = role_holders(branches, {RoleKind.COMMUNE_STAFF}, held_at=OrganizationKind.COMMUNE)

    rows = []
    for meeting in upcoming:
        day = _local(meeting.planned_start).date()
        days_left = (day - today).days
        context = {**meeting_context(meeting), "days_left": days_left}
        users = secretaries_of[meeting.branch_id]
        if meeting.agenda_count == 0 and days_left <= timings[meeting.branch_id].agenda_empty_days:
            key = f"meeting:{meeting.pk}:chase:agenda_empty:{day.isoformat()}"
            rows += _enqueue(users, kind=AGENDA_EMPTY, about=meeting, key=key, context=context)
        materials_by = meeting.planned_start - datetime.timedelta(days=rules[meeting.branch_id].materials_days_before)
        if (
            meeting.kind in ORDINARY_KINDS
            and meeting.materials_posted_at is None
            and _local(materials_by).date() <= today
        ):
            key = f"meeting:{meeting.pk}:chase:materials:{day.isoformat()}"
            rows += _enqueue(users, kind=MATERIALS_MISSING, about=meeting, key=key, context=context)

    for meeting in held:
        end = _end(meeting)
        day = _local(meeting.actual_start or meeting.planned_start).date()
        deadline_days = rules[meeting.branch_id].minutes_deadline_days
        context = {**meeting_context(meeting), "held_on": day.strftime("%d/%m/%Y"), "deadline_days": deadline_days}
        due = end + datetime.timedelta(days=deadline_days)
        if due <= now < due + CATCH_UP:
            key = f"meeting:{meeting.pk}:chase:minutes:{day.isoformat()}"
            users = secretaries_of[meeting.branch_id]
            rows += _enqueue(users, kind=MINUTES_OVERDUE, about=meeting, key=key, context=context)
        commune_days = max(timings[meeting.branch_id].commune_minutes_days, deadline_days)
        due = end + datetime.timedelta(days=commune_days)
        if due <= now < due + CATCH_UP:
            key = f"meeting:{meeting.pk}:chase:minutes_commune:{day.isoformat()}"
            users = staff_of[meeting.branch_id]
            context = {**context, "days_after": commune_days}
            rows += _enqueue(users, kind=MINUTES_OVERDUE_COMMUNE, about=meeting, key=key, context=context)

    rows += chase_residence_comments(now=now)
    _drop_departed(now=now)
    return rows


def residence_comments_owed(year: int, branch_ids=None) -> dict[int, int]:
    """Per residence branch, the yearly comments still not sent for ``year``: one per link of the
    category HD 33 expects at residence meetings that was in force that year. Two queries."""
    links = ResidenceLink.objects.in_year(year).expected()
    if branch_ids is not None:
        links = links.filter(residence_branch_id__in=list(branch_ids))
    links = list(links.values_list("residence_branch_id", "member_id"))
    sent = set(
        ResidenceComment.objects.filter(
            year=year, status="sent", member_id__in={member_id for _, member_id in links}
        ).values_list("member_id", flat=True)
    )
    owed: dict[int, int] = defaultdict(int)
    for branch_id, member_id in set(links):
        if member_id not in sent:
            owed[branch_id] += 1
    return dict(owed)


def chase_residence_comments(*, now: datetime.datetime | None = None) -> list:
    """Residence branches still owing the year's comments after the commune's deadline: their
    secretary the day after it, their commune's staff later. A fixed number of queries."""
    now = now or timezone.now()
    today = _local(now).date()
    rows = []
    for year in sorted({today.year, (today - CATCH_UP).year}):
        owed = residence_comments_owed(year)
        if not owed:
            continue
        with system_scope():
            branches = list(Organization.objects.filter(pk__in=list(owed)).order_by("path"))
        rules = MeetingRules.objects.for_branches(branches)
        timings = ReminderRules.objects.for_branches(branches)
        secretaries_of = role_holders(branches, {RoleKind.SECRETARY}, held_at=OrganizationKind.BRANCH)
        staff_of = role_holders(branches, {RoleKind.COMMUNE_STAFF}, held_at=OrganizationKind.COMMUNE)
        for branch in branches:
            deadline = comment_deadline(rules[branch.pk], year)
            context = {
                "branch": branch.name,
                "year": year,
                "missing": owed[branch.pk],
                "deadline": deadline.strftime("%d/%m/%Y"),
                "url": absolute_url(reverse("meetings:residence", args=[branch.pk])),
            }
            late_by = (today - deadline).days
            if 1 <= late_by <= CATCH_UP.days + 30:
                key = f"residence:comments:{branch.pk}:{year}:secretary"
                rows += _enqueue(
                    secretaries_of[branch.pk], kind=COMMENTS_OVERDUE, about=branch, key=key, context=context
                )
            if timings[branch.pk].commune_minutes_days <= late_by <= CATCH_UP.days + 30:
                key = f"residence:comments:{branch.pk}:{year}:commune"
                rows += _enqueue(
                    staff_of[branch.pk], kind=COMMENTS_OVERDUE_COMMUNE, about=branch, key=key, context=context
                )
    return rows


def _drop_departed(*, now: datetime.datetime) -> int:
    """Members who left since the notice get no more reminders (the chase runs before 08:00,
    when reminders fall due). Two queries, then one cancel per member who left and meeting."""
    today = _local(now).date()
    ahead = list(
        Meeting.objects.filter(status__in=PREPARING, planned_start__gt=now, notice_sent_at__isnull=False).only(
            "pk", "branch_id"
        )
    )
    if not ahead:
        return 0
    gone = Member.objects.filter(
        branch_id__in={m.branch_id for m in ahead}, left_on__isnull=False, left_on__lte=today
    ).values_list("branch_id", "pk", "user_id")
    by_branch: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for branch_id, member_id, user_id in gone:
        by_branch[branch_id].append((member_id, user_id))
    cancelled = 0
    for meeting in ahead:
        for member_id, user_id in by_branch.get(meeting.branch_id, ()):
            # Their SMS reminders (sent while they had no login), and their account's.
            prefixes = [_phone_reminder_prefix(meeting, member_id)]
            if user_id is not None:
                prefixes.append(_reminder_prefix(meeting, user_id))
            for prefix in prefixes:
                cancelled += notifications_cancel(about=meeting, kinds=[REMINDER], dedupe_prefix=prefix)
    return cancelled
