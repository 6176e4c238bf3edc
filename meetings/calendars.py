"""iCal: an .ics per meeting, and each user's subscription feed of the meetings they are expected at.

Calendar text (SUMMARY, DESCRIPTION) is written in Vietnamese whatever the request's
language: a feed is fetched by a phone's calendar app without a session, and what it shows
is a record of the meeting like the printed notice, in the administrative wording.

Times are written in Asia/Ho_Chi_Minh (the site's time zone) with its VTIMEZONE, so a
calendar anywhere shows the meeting at the right moment.
"""

from __future__ import annotations

import datetime

import icalendar
from django.db.models import Count, Prefetch
from django.utils import timezone

from meetings import access
from meetings.models import AgendaItem, CalendarFeed, Meeting, MeetingKind, MeetingStatus

PRODID = "-//Chi bo//Sinh hoat chi bo//VI"


# How far back a feed goes: calendar apps keep what they have already seen.
FEED_PAST_DAYS = 180


KIND_SUMMARY = {
    MeetingKind.REGULAR: "Sinh hoạt chi bộ thường kỳ",
    MeetingKind.THEMATIC: "Sinh hoạt chuyên đề",
    MeetingKind.COMBINED: "Sinh hoạt chi bộ thường kỳ kết hợp chuyên đề",
    MeetingKind.EXTRAORDINARY: "Sinh hoạt chi bộ bất thường",
}


# Calendars remind the day before (VALARM), at the same hour as the meeting.
ALARM_BEFORE = datetime.timedelta(days=1)


STATUS = {
    MeetingStatus.DRAFT: "TENTATIVE",
    MeetingStatus.POSTPONED: "TENTATIVE",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meeting_uid(meeting: Meeting) -> str:
    """Stable across edits and moves, so a calendar updates the event instead of adding one."""
    return f"meeting-{meeting.pk}@chibo"


def summary(meeting: Meeting) -> str:
    text = f"{KIND_SUMMARY[meeting.kind]} tháng {meeting.month:%m/%Y} – {meeting.branch.name}"
    if meeting.status == MeetingStatus.CANCELLED:
        text = f"[Hủy] {text}"
    elif meeting.status == MeetingStatus.POSTPONED:
        text = f"[Hoãn] {text}"
    return text


def description(meeting: Meeting, agenda: list[AgendaItem], url: str = "") -> str:
    lines = []
    if meeting.topic:
        lines.append(f"Chuyên đề: {meeting.topic}")
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED) and meeting.status_reason:
        lines.append(f"Lý do: {meeting.status_reason}")
    if agenda:
        lines.append("Nội dung:")
        lines += [f"{number}. {item.title}" for number, item in enumerate(agenda, start=1)]
    if url:
        lines.append(url)
    return "\n".join(lines)


def meeting_event(meeting: Meeting, *, agenda: list[AgendaItem], url: str = "", sequence: int = 0) -> icalendar.Event:
    zone = timezone.get_default_timezone()
    held = meeting.actual_start and meeting.actual_end
    start = meeting.actual_start if held else meeting.planned_start
    end = meeting.actual_end if held else meeting.planned_end
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", start.astimezone(zone))
    event.add("dtend", end.astimezone(zone))
    event.add("summary", summary(meeting))
    location = meeting.place or meeting.branch.meeting_place
    if location:
        event.add("location", location)
    text = description(meeting, agenda, url)
    if text:
        event.add("description", text)
    if url:
        event.add("url", url)
    event.add("status", STATUS.get(meeting.status, "CONFIRMED"))
    event.add("sequence", sequence)
    if meeting.status != MeetingStatus.CANCELLED:
        event.add_component(day_before_alarm(meeting))
    return event


def day_before_alarm(meeting: Meeting) -> icalendar.Alarm:
    """A reminder shown by the phone's calendar the day before (TRIGGER:-P1D, ACTION:DISPLAY)."""
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -ALARM_BEFORE)
    alarm.add("description", f"Ngày mai: {summary(meeting)}")
    return alarm


def build_calendar(events: list[icalendar.Event], *, name: str = "") -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", str(timezone.get_default_timezone()))
        calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    for event in events:
        calendar.add_component(event)
    # A VTIMEZONE covering only the years the events need (Asia/Ho_Chi_Minh has kept +07 since 1975).
    first = min((e.decoded("dtstart").date() for e in events), default=timezone.localdate())
    calendar.add_missing_timezones(first_date=first - datetime.timedelta(days=1))
    return calendar.to_ical()


def meeting_ics(meeting: Meeting, *, url: str = "") -> bytes:
    """One meeting as an .ics file (queries: the agenda and the number of moves)."""
    agenda = list(meeting.agenda_items.order_by("position", "pk").only("meeting_id", "title", "position"))
    return build_calendar([meeting_event(meeting, agenda=agenda, url=url, sequence=meeting.moves.count())])


def feed_ics(feed: CalendarFeed, *, url_for=None) -> bytes:
    """The feed's calendar; ``url_for(meeting)`` gives each event's link when set."""
    events = [
        meeting_event(
            meeting,
            agenda=list(meeting.agenda_items.all()),
            url=url_for(meeting) if url_for else "",
            sequence=meeting.move_count,
        )
        for meeting in access.expected_meetings(feed.user)
        .select_related("branch")
        .annotate(move_count=Count("moves"))
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.order_by("position", "pk").only("meeting_id", "title", "position"),
            )
        )
        .order_by("planned_start", "pk")
    ]
    return build_calendar(events, name="Lịch sinh hoạt chi bộ")


def active_feed(token: str) -> CalendarFeed | None:
    """The feed with this token, unless revoked or its user deactivated."""
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def feed_create(*, user) -> CalendarFeed:
    return CalendarFeed.objects.create(user=user)


def feed_revoke(*, feed: CalendarFeed) -> CalendarFeed:
    """Revoking is final: the URL answers 404 from now on. Revoking twice changes nothing."""
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed
