"""Reads for the resolution: last month's resolution and its tasks, later meetings."""

from __future__ import annotations

import datetime

from django.db.models import Q

from meetings.models import (
    REGULAR_KINDS,
    Meeting,
    MeetingStatus,
    Resolution,
    Task,
)
from meetings.months import add_months


def resolution_passed(resolution: Resolution | None) -> bool:
    """Whether the resolution was issued: its vote passed and the minutes were adopted, so it has
    a number (``services.resolution.resolution_issue``). A draft, or one voted down, has none."""
    return resolution is not None and resolution.number is not None


def previous_resolution(meeting: Meeting) -> Resolution | None:
    """The last resolution the branch passed at a regular meeting (regular, or regular + thematic)
    before this one. An extraordinary or thematic meeting in between does not hide it: section I
    of a monthly resolution reviews last month's monthly resolution. Cancelled meetings have none
    to review, and a resolution that did not pass (no number) is skipped: it never took effect,
    so September reviews July's when August's vote failed."""
    return (
        Resolution.objects.filter(
            meeting__branch_id=meeting.branch_id,
            meeting__planned_start__lt=meeting.planned_start,
            meeting__kind__in=REGULAR_KINDS,
            number__isnull=False,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting")
        .order_by("-meeting__planned_start")
        .first()
    )


def tasks_to_review(meeting: Meeting) -> list[Task]:
    """Section I: at a regular meeting, every task of the last resolution passed at a regular
    meeting (``previous_resolution``); at any meeting, the earlier tasks due back at it. Tasks of
    a resolution that did not pass (no number) are never reviewed: they were not adopted."""
    q = Q(report_at=meeting)
    previous = previous_resolution(meeting) if meeting.kind in REGULAR_KINDS else None
    if previous is not None:
        q |= Q(resolution=previous)
    return list(
        Task.objects.filter(q, resolution__number__isnull=False)
        .exclude(resolution__meeting=meeting)
        .select_related("resolution__meeting", "report_at")
        .order_by("resolution__meeting__planned_start", "position", "pk")
    )


def later_meetings(meeting: Meeting):
    """Meetings of the branch a task can be reported back at."""
    return (
        Meeting.objects.filter(branch_id=meeting.branch_id, planned_start__gt=meeting.planned_start)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("planned_start")
    )


def next_regular_meeting(meeting: Meeting) -> Meeting | None:
    following = add_months(meeting.month, 1)
    return later_meetings(meeting).filter(month=following, kind__in=REGULAR_KINDS).first()


def normalised_task(description: str) -> str:
    """A task's description as compared for repeats: case folded, runs of spaces as one."""
    return " ".join(description.split()).casefold()


def task_in_section_two(resolution: Resolution, description: str, *, exclude: Task | None = None) -> Task | None:
    """The task of this resolution's section II with the same description (``normalised_task``)."""
    wanted = normalised_task(description)
    tasks = resolution.tasks.all()
    if exclude is not None and exclude.pk is not None:
        tasks = tasks.exclude(pk=exclude.pk)
    return next((task for task in tasks if normalised_task(task.description) == wanted), None)


def report_month(task: Task) -> datetime.date:
    """The month the task is reported back in: its meeting's, or else the month after the
    resolution's meeting (the branch's next regular meeting)."""
    if task.report_at is not None:
        return task.report_at.month
    return add_months(task.resolution.meeting.month, 1)


def report_label(task: Task) -> str:
    """ "Báo cáo tại" as the documents write it: "Kỳ sinh hoạt tháng 01/2027 (05/01/2027)" when
    the task is due back at a meeting, "Kỳ sinh hoạt tháng 01/2027" (the month after the
    resolution's meeting: the next regular meeting) when no meeting is set. Never empty."""
    label = f"Kỳ sinh hoạt tháng {report_month(task):%m/%Y}"
    if task.report_at is not None:
        label += f" ({task.report_at.day:%d/%m/%Y})"
    return label
