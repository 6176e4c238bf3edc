"""The monthly resolution: its number, sections, and the tasks carried from one month to the next."""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.models import (
    Meeting,
    MeetingKind,
    MeetingRules,
    MeetingStatus,
    Resolution,
    Task,
    TaskOutcome,
)
from meetings.months import add_months, local_datetime
from meetings.selectors.minutes import vote_outcome
from meetings.selectors.resolution import next_regular_meeting, task_in_section_two, tasks_to_review
from meetings.selectors.schedule import expected_regular_day
from meetings.services.schedule import meeting_create

# The module, not its names: services.minutes calls resolution_issue when the minutes are adopted,
# so each imports the other, and names are looked up when called.
from meetings.services.versions import save_versioned
from members.dates import MAX_DOCUMENT_NUMBER, check_plausible
from members.models import Organization
from members.selectors import superior_committee

# What a save of adopted minutes or resolution is told.
ADOPTED_UNCHANGED = gettext_lazy("Adopted minutes and resolutions are not edited: record an amendment instead.")

RESOLUTION_FIELDS = ("number", "title", "results", "implementation", "assessment", "recipients")


# Outcomes that can be carried into the next resolution's section II.
CARRYABLE = (TaskOutcome.IN_PROGRESS, TaskOutcome.NOT_DONE)


def resolution_title(meeting: Meeting) -> str:
    name = meeting.branch.name
    if not name.lower().startswith("chi bộ"):
        name = f"Chi bộ {name}"
    return f"Nghị quyết {name} lãnh đạo thực hiện nhiệm vụ tháng {meeting.month:%m/%Y}"


def default_recipients(branch: Organization) -> str:
    """The default recipients ("Nơi nhận"): the committee of the level above (Đảng ủy xã,
    Đảng ủy phường…) and the branch's own file."""
    return f"- {superior_committee(branch)} (để b/c);\n- Lưu chi bộ."


def resolution_for(meeting: Meeting) -> Resolution:
    """The meeting's resolution, created on first use as a draft: no number until the minutes are
    adopted with the vote passed (``resolution_issue``). ``series_start`` is the run it will be
    numbered in: the committee term, or the calendar year where the commune numbers per year."""
    existing = Resolution.objects.filter(meeting=meeting).first()
    if existing:
        return existing
    day = meeting.day
    series_start = MeetingRules.objects.for_branch(meeting.branch).numbering_start(day)
    try:
        with transaction.atomic():
            return Resolution.objects.create(
                meeting=meeting,
                branch_id=meeting.branch_id,
                number=None,
                year=day.year,
                series_start=series_start,
                title=resolution_title(meeting),
                recipients=default_recipients(meeting.branch),
            )
    except IntegrityError:
        return Resolution.objects.get(meeting=meeting)


@transaction.atomic
def resolution_issue(*, meeting: Meeting, by: AbstractBaseUser | None) -> Resolution | None:
    """At the adoption of the minutes: the resolution takes its number only if the branch passed
    it (more than half of the voting base in favour, ``meetings.counting.vote_result``).

    Gives the meeting's resolution the branch's next number in its series (``series_start``), under
    a lock on the branch row so two resolutions of one branch never get the same number. One that
    already has a number keeps it. Returns the numbered resolution, or None (and leaves it a draft)
    when the meeting has no resolution or its vote failed or was not recorded. Call it inside the
    adoption's transaction, before what is adopted is kept.
    """
    resolution = Resolution.objects.filter(meeting=meeting).first()
    if resolution is None:
        return None
    if resolution.number is not None:
        return resolution
    outcome = vote_outcome(meeting)
    if outcome is None or not outcome.passed:
        return None
    # Lock the branch row so two resolutions of one branch never get the same number.
    Organization.objects.select_for_update().filter(pk=resolution.branch_id).first()
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.number is not None:  # numbered meanwhile
        return resolution
    last = Resolution.objects.filter(branch_id=resolution.branch_id, series_start=resolution.series_start).aggregate(
        n=Max("number")
    )["n"]
    resolution.number = (last or 0) + 1
    # A new version: an edit form opened on the draft is refused as stale rather than saved over it.
    resolution.version += 1
    resolution.updated_by = by
    resolution._history_user = by
    resolution.save(update_fields=["number", "version", "updated_by", "updated_at"])
    return resolution


@transaction.atomic
def resolution_save(
    *,
    resolution: Resolution,
    number: int | None = None,
    title: str,
    results: str,
    implementation: str,
    assessment: str,
    recipients: str,
    expected_version: int,
    by: AbstractBaseUser | None,
) -> Resolution:
    """Save the resolution's text. ``number`` corrects the number of an issued resolution; None
    keeps it as it is. A draft cannot be given one: it is numbered when the minutes are adopted
    with the vote passed (``resolution_issue``). Once the minutes are adopted the resolution is
    not edited: a correction is an amendment (``services.minutes.amendment_record``)."""
    if Meeting.objects.filter(pk=resolution.meeting_id, status=MeetingStatus.ADOPTED).exists():
        raise ValidationError(ADOPTED_UNCHANGED, code="adopted")
    fields = {
        "title": title,
        "results": results,
        "implementation": implementation,
        "assessment": assessment,
        "recipients": recipients,
    }
    if number is not None:
        if resolution.number is None:
            raise ValidationError(
                _("A draft resolution gets its number when the minutes are adopted with the vote passed."),
                code="number_draft",
            )
        if not 1 <= number <= MAX_DOCUMENT_NUMBER:
            raise ValidationError(
                _("A resolution number is between 1 and %(max)s.") % {"max": MAX_DOCUMENT_NUMBER},
                code="number_range",
            )
        fields["number"] = number
    return save_versioned(
        Resolution, obj=resolution, fields=fields, expected_version=expected_version, by=by, what="resolution"
    )


@transaction.atomic
def task_save(
    *,
    resolution: Resolution,
    task: Task | None = None,
    description: str,
    lead: str,
    deadline: datetime.date | None = None,
    report_at: Meeting | None = None,
    report_at_next: bool = False,
    by: AbstractBaseUser | None,
) -> Task:
    """Add or edit a task of section II. ``report_at_next`` reports it back at the branch's next
    regular meeting, planned now (on its expected day) when it does not exist yet. A task whose
    description (case and spacing aside) is already in section II is refused."""
    check_plausible(deadline=deadline)
    _check_not_in_section_two(resolution, description, exclude=task)
    if report_at_next:
        report_at = next_regular_meeting_ensure(meeting=resolution.meeting, by=by)
    if task is None:
        last = resolution.tasks.aggregate(n=Max("position"))["n"]
        task = Task(resolution=resolution, position=(last or 0) + 1)
    task.description, task.lead = description, lead
    task.deadline, task.report_at = deadline, report_at
    task._history_user = by
    task.save()
    return task


def _check_not_in_section_two(resolution: Resolution, description: str, *, exclude: Task | None = None) -> None:
    if task_in_section_two(resolution, description, exclude=exclude) is not None:
        error = ValidationError(_("This task is already in section II."), code="task_repeated")
        raise ValidationError({"description": error})


def next_regular_meeting_ensure(*, meeting: Meeting, by: AbstractBaseUser | None) -> Meeting:
    """The branch's regular meeting of the month after ``meeting``, planned on its expected day
    (``selectors.schedule.expected_regular_day``) when the scheduler has not created it yet."""
    existing = next_regular_meeting(meeting)
    if existing is not None:
        return existing
    day, note = expected_regular_day(meeting)
    start = local_datetime(day, timezone.localtime(meeting.planned_start).time())
    try:
        return meeting_create(
            branch=meeting.branch,
            kind=MeetingKind.REGULAR,
            planned_start=start,
            planned_end=start + (meeting.planned_end - meeting.planned_start),
            month=add_months(meeting.month, 1),
            schedule_note=note,
            by=by,
        )
    except ValidationError:
        # Created meanwhile (the scheduler, another tab): use it.
        found = next_regular_meeting(meeting)
        if found is None:
            raise
        return found


@transaction.atomic
def task_remove(*, task: Task, by: AbstractBaseUser | None) -> None:
    task._history_user = by
    task.delete()


@transaction.atomic
def tasks_review(*, meeting: Meeting, outcomes: dict[int, str], by: AbstractBaseUser | None) -> int:
    """Mark last month's tasks done / in progress / not done, with a note. Returns how many changed.

    ``outcomes``: {task pk: (outcome, note)}; only tasks under review at ``meeting`` are touched.
    """
    changed = 0
    reviewable = {task.pk: task for task in tasks_to_review(meeting)}
    for pk, (outcome, note) in outcomes.items():
        task = reviewable.get(pk)
        if task is None or (task.outcome, task.outcome_note) == (outcome, note):
            continue
        task.outcome, task.outcome_note = outcome, note
        task._history_user = by
        task.save(update_fields=["outcome", "outcome_note"])
        changed += 1
    return changed


@transaction.atomic
def task_carry(
    *,
    task: Task,
    into: Resolution,
    deadline: datetime.date | None,
    by: AbstractBaseUser | None,
    today: datetime.date | None = None,
) -> Task:
    """Carry an unfinished task into this month's section II with a new ``deadline`` (required,
    not before ``today``, by default timezone.localdate()); it is reported back at the next
    regular meeting. Clicking twice carries it once (the first carry is returned); a task whose
    description is already in section II, typed by hand, is refused."""
    if task.pk not in {t.pk for t in tasks_to_review(into.meeting)}:
        raise ValidationError(_("This task is not under review at this meeting."))
    # Lock the task so two clicks are serialised, then look for an earlier carry.
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.outcome not in CARRYABLE:
        raise ValidationError(_("Only tasks marked in progress or not done can be carried forward."))
    existing = Task.objects.filter(resolution=into, carried_from=task).first()
    if existing:
        return existing
    check_new_deadline(deadline, today=today)
    _check_not_in_section_two(into, task.description)
    last = into.tasks.aggregate(n=Max("position"))["n"]
    carried = Task(
        resolution=into,
        position=(last or 0) + 1,
        description=task.description,
        lead=task.lead,
        deadline=deadline,
        report_at=next_regular_meeting(into.meeting),
        carried_from=task,
    )
    carried._history_user = by
    carried.save()
    return carried


def check_new_deadline(deadline: datetime.date | None, *, today: datetime.date | None = None) -> None:
    """A carried task's new deadline: given, not in the past (``today`` itself is fine), plausible."""
    if deadline is None:
        raise ValidationError({"deadline": ValidationError(_("Enter the new deadline."), code="required")})
    today = today or timezone.localdate()
    if deadline < today:
        message = _("The new deadline cannot be in the past (today is %(today)s).") % {"today": f"{today:%d/%m/%Y}"}
        raise ValidationError({"deadline": ValidationError(message, code="deadline_past")})
    check_plausible(deadline=deadline)
