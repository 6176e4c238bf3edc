"""Meetings in time: creating them (by hand or the scheduler), moving, postponing, cancelling,
the notice and recording that they were held. What each status allows is ``Meeting.allows``.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import reminders
from meetings.models import (
    NOT_YET_HELD,
    REGULAR_KINDS,
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingMove,
    MeetingRules,
    MeetingStatus,
)
from meetings.months import add_months, first_of_month, local_datetime, month_of
from meetings.selectors.agenda import agenda_template_items
from meetings.selectors.guidance import guidance_for
from meetings.selectors.schedule import planned_regular_day, regular_meeting_day  # noqa: F401 (re-exported)
from meetings.services.agenda import agenda_rows
from meetings.services.cadres import add_expected_cadres
from members.dates import check_plausible
from members.models import Organization, OrganizationKind
from members.selectors import secretary_on

# When the branch has no set hour, regular meetings are planned for the evening (after work).
DEFAULT_START_TIME = datetime.time(19, 30)


DEFAULT_LENGTH = datetime.timedelta(minutes=120)


def _check_one_regular(branch: Organization, month: datetime.date, kind: str, exclude_pk=None) -> None:
    if kind not in REGULAR_KINDS:
        return
    clash = Meeting.objects.filter(branch=branch, month=month, kind__in=REGULAR_KINDS).exclude(
        status=MeetingStatus.CANCELLED
    )
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            _("%(branch)s already has a regular meeting for %(month)s."),
            params={"branch": branch.name, "month": month.strftime("%m/%Y")},
            code="one_regular",
        )


def _check_not_future(start: datetime.datetime) -> None:
    """A meeting cannot be recorded as held before it has started."""
    if start > timezone.now():
        raise ValidationError(
            _("A meeting cannot be recorded as held before it starts (%(start)s).")
            % {"start": timezone.localtime(start).strftime("%H:%M %d/%m/%Y")},
            code="held_before_start",
        )


def meeting_create(
    *,
    branch: Organization,
    kind: str = MeetingKind.REGULAR,
    planned_start: datetime.datetime,
    planned_end: datetime.datetime,
    place: str = "",
    topic: str = "",
    month: datetime.date | None = None,
    by: AbstractBaseUser | None = None,
    held: bool = False,
    schedule_note: str = "",
) -> Meeting:
    """A new meeting from the commune's agenda template, with the month's guidance on its agenda.

    ``held`` logs a meeting a branch reported (commune staff): it is recorded as held at the
    planned times and marked as logged by the commune.
    """
    if planned_end <= planned_start:
        raise ValidationError(_("The meeting must end after it starts."), code="order")
    check_plausible(day=planned_start, end_time=planned_end)
    if held:
        _check_not_future(planned_start)
    month = first_of_month(month) if month else month_of(planned_start)
    _check_one_regular(branch, month, kind)
    meeting = Meeting(
        branch=branch,
        kind=kind,
        month=month,
        planned_start=planned_start,
        planned_end=planned_end,
        place=place or branch.meeting_place,
        topic=topic,
        schedule_note=schedule_note,
        # The secretary chairs the monthly meeting unless someone else is chosen.
        chair=secretary_on(branch, timezone.localtime(planned_start).date()),
    )
    if held:
        meeting.status = MeetingStatus.HELD
        meeting.actual_start, meeting.actual_end = planned_start, planned_end
        meeting.logged_by_commune = True
    meeting._history_user = by
    try:
        with transaction.atomic():
            meeting.save()
            AgendaItem.objects.bulk_create(
                agenda_rows(meeting, agenda_template_items(branch), list(guidance_for(branch, month)))
            )
            add_expected_cadres(meeting)
    except IntegrityError:
        # Another request created the month's regular meeting between the check and the insert.
        raise ValidationError(
            _("%(branch)s already has a regular meeting for %(month)s."),
            params={"branch": branch.name, "month": month.strftime("%m/%Y")},
            code="one_regular",
        ) from None
    return meeting


def schedule_regular_meetings(*, months_ahead: int, today: datetime.date) -> int:
    """Create the regular meetings of this month and the next ``months_ahead`` months.

    Safe to run any number of times: a branch-month that has a regular meeting (even a
    cancelled or moved one) is left alone, and the unique constraint
    ``meeting_one_regular_per_month`` refuses a duplicate from a concurrent run.
    Days already past are not scheduled. Returns how many meetings were created.
    """
    first = first_of_month(today)
    months = [add_months(first, offset) for offset in range(months_ahead + 1)]
    branches = list(
        Organization.objects.filter(kind=OrganizationKind.BRANCH)
        .filter(Q(meeting_day__isnull=False) | Q(meeting_weekday__isnull=False, meeting_week__isnull=False))
        .order_by("path")
    )
    taken = set(
        Meeting.objects.filter(branch__in=branches, month__in=months, kind__in=REGULAR_KINDS).values_list(
            "branch_id", "month"
        )
    )
    rules = MeetingRules.objects.for_branches(branches)
    created = 0
    for branch in branches:
        for month in months:
            day, note = planned_regular_day(branch, month, rules[branch.pk])
            if day is None or day < today or (branch.pk, month) in taken:
                continue
            start = local_datetime(day, DEFAULT_START_TIME)
            try:
                meeting_create(
                    branch=branch,
                    kind=MeetingKind.REGULAR,
                    planned_start=start,
                    planned_end=start + DEFAULT_LENGTH,
                    month=month,
                    schedule_note=note,
                )
            except ValidationError:
                continue
            created += 1
    return created


def _save(meeting: Meeting, by: AbstractBaseUser | None, fields: list[str]) -> Meeting:
    meeting._history_user = by
    meeting.save(update_fields=fields)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, kind: str, place: str, topic: str, chair=None, minute_taker=None, by
) -> Meeting:
    """Edit what the meeting is about and who runs it. The date changes only by moving it."""
    meeting.check_allows("edit")
    _check_one_regular(meeting.branch, meeting.month, kind, exclude_pk=meeting.pk)
    meeting.kind, meeting.place, meeting.topic = kind, place, topic
    meeting.chair, meeting.minute_taker = chair, minute_taker
    return _save(meeting, by, ["kind", "place", "topic", "chair", "minute_taker"])


@transaction.atomic
def meeting_move(
    *,
    meeting: Meeting,
    new_start: datetime.datetime,
    new_end: datetime.datetime | None = None,
    reason: str,
    by: AbstractBaseUser | None,
) -> MeetingMove:
    """Move a meeting to another time; the old date and the reason are kept.

    A notice already sent announced the old time, so the meeting goes back to draft and
    the secretary sends a new one.
    """
    meeting.check_allows("move")
    had_notice = meeting.notice_sent_at is not None
    if not reason.strip():
        raise ValidationError(_("Give the reason for moving the meeting."), code="reason")
    new_end = new_end or new_start + (meeting.planned_end - meeting.planned_start)
    if new_end <= new_start:
        raise ValidationError(_("The meeting must end after it starts."), code="order")
    check_plausible(day=new_start, end_time=new_end)
    move = MeetingMove.objects.create(
        meeting=meeting, old_start=meeting.planned_start, new_start=new_start, reason=reason.strip(), moved_by=by
    )
    meeting.planned_start, meeting.planned_end = new_start, new_end
    meeting.status, meeting.notice_sent_at, meeting.status_reason = MeetingStatus.DRAFT, None, ""
    _save(meeting, by, ["planned_start", "planned_end", "status", "notice_sent_at", "status_reason"])
    # Cadres assigned on the new day are expected too.
    add_expected_cadres(meeting)
    # The old time's reminders go; those told of the meeting are reminded of the new time.
    reminders.meeting_moved(meeting, had_notice=had_notice)
    return move


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, by: AbstractBaseUser | None) -> Meeting:
    meeting.check_allows("cancel")
    if not reason.strip():
        raise ValidationError(_("Give the reason for cancelling the meeting."), code="reason")
    meeting.status, meeting.status_reason = MeetingStatus.CANCELLED, reason.strip()
    _save(meeting, by, ["status", "status_reason"])
    reminders.meeting_called_off(meeting)
    return meeting


@transaction.atomic
def meeting_postpone(*, meeting: Meeting, reason: str, by: AbstractBaseUser | None) -> Meeting:
    """Postponed until a new date is set (by moving it)."""
    meeting.check_allows("postpone")
    if not reason.strip():
        raise ValidationError(_("Give the reason for postponing the meeting."), code="reason")
    meeting.status, meeting.status_reason = MeetingStatus.POSTPONED, reason.strip()
    _save(meeting, by, ["status", "status_reason"])
    reminders.meeting_called_off(meeting)
    return meeting


@transaction.atomic
def meeting_send_notice(
    *, meeting: Meeting, by: AbstractBaseUser | None, now: datetime.datetime | None = None
) -> Meeting:
    """Record that the notice went out and queue it, with its reminders, for everyone expected
    (``meetings.reminders``; the rows are written in this transaction)."""
    meeting.check_allows("notice")
    meeting.status, meeting.notice_sent_at = MeetingStatus.NOTICE_SENT, now or timezone.now()
    _save(meeting, by, ["status", "notice_sent_at"])
    reminders.meeting_notice_sent(meeting)
    return meeting


@transaction.atomic
def meeting_mark_held(
    *, meeting: Meeting, actual_start: datetime.datetime, actual_end: datetime.datetime, by
) -> Meeting:
    """Record when the meeting actually ran; also corrects the times of a held meeting."""
    meeting.check_allows("held")
    if actual_end <= actual_start:
        raise ValidationError(_("The meeting must end after it starts."), code="order")
    check_plausible(day=actual_start, end_time=actual_end)
    _check_not_future(actual_start)
    meeting.actual_start, meeting.actual_end = actual_start, actual_end
    if meeting.status in NOT_YET_HELD:
        meeting.status, meeting.status_reason = MeetingStatus.HELD, ""
    return _save(meeting, by, ["actual_start", "actual_end", "status", "status_reason"])
