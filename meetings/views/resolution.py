"""The monthly resolution, its tasks, last month's review and the downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import access, documents, selectors, services
from meetings.forms.resolution import ResolutionForm, TaskCarryForm, TaskForm, TaskOutcomeForm
from meetings.models import Meeting, Resolution, Task
from meetings.views import lookups
from members.models import AccessLog


def _resolution(meeting: Meeting) -> Resolution | None:
    return Resolution.objects.filter(meeting=meeting).first()


def _section_two(resolution: Resolution) -> list[Task]:
    """The resolution's tasks, each with ``report_month``: the month it is reported back in, the
    next regular meeting's when no meeting is set (selectors.resolution.report_month)."""
    tasks = list(resolution.tasks.select_related("report_at", "carried_from", "resolution__meeting"))
    for task in tasks:
        task.report_month = selectors.resolution.report_month(task)
    return tasks


@login_required
def resolution_edit(request, pk):
    meeting = lookups.meeting_or_404(request, pk)
    # Adopted with the minutes: read, never edited; a correction is an amendment (minutes.amend).
    if meeting.is_locked or not access.can_manage_meeting(request.user, meeting):
        return lookups.read_page(
            request, meeting, "meetings/resolution/resolution_read.html", AccessLog.Action.VIEW_RESOLUTION
        )
    resolution = _resolution(meeting)
    if resolution is None:
        return render(request, "meetings/resolution/resolution_start.html", {"meeting": meeting})
    initial = {name: getattr(resolution, name) for name in services.resolution.RESOLUTION_FIELDS}
    initial["version"] = resolution.version
    form = ResolutionForm(request.POST or None, initial=initial, resolution=resolution)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.resolution.resolution_save(
                resolution=resolution,
                **{name: form.cleaned_data.get(name) for name in services.resolution.RESOLUTION_FIELDS},
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.versions.StaleEdit as stale:
            form.add_error(None, stale.message)
            status = lookups.STALE
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The resolution is saved."))
            return redirect("meetings:resolution", pk=meeting.pk)
    if form.stale:
        status = lookups.STALE
    context = {
        "meeting": meeting,
        "resolution": resolution,
        "form": form,
        "review": selectors.resolution.tasks_to_review(meeting),
        "tasks": _section_two(resolution),
    }
    return render(request, "meetings/resolution/resolution_form.html", context, status=status)


@login_required
@require_POST
def resolution_start(request, pk):
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    services.resolution.resolution_for(meeting)
    return redirect("meetings:resolution", pk=meeting.pk)


def _managed_resolution(request, pk) -> tuple[Meeting, Resolution]:
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    resolution = _resolution(meeting)
    if resolution is None:
        raise Http404
    return meeting, resolution


@login_required
def tasks(request, pk):
    meeting, resolution = _managed_resolution(request, pk)
    next_regular = selectors.resolution.next_regular_meeting(meeting)
    form = TaskForm(
        request.POST or None,
        initial={"report_at": next_regular or TaskForm.NEXT},
        meetings=selectors.resolution.later_meetings(meeting),
        expected_next=None if next_regular else selectors.schedule.expected_regular_day(meeting)[0],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resolution.task_save(resolution=resolution, **_task_values(form), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)  # a task already in section II: what was typed is kept
        else:
            messages.success(request, _("Task added."))
            return redirect("meetings:tasks", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "resolution": resolution,
        "form": form,
        "tasks": _section_two(resolution),
    }
    return render(request, "meetings/resolution/tasks.html", context)


def _task_values(form) -> dict:
    data = form.cleaned_data
    return {name: data.get(name) for name in ("description", "lead", "deadline", "report_at", "report_at_next")}


def _task(resolution: Resolution, task_pk) -> Task:
    return get_object_or_404(resolution.tasks.select_related("report_at"), pk=task_pk)


@login_required
def task_edit(request, pk, task_pk):
    meeting, resolution = _managed_resolution(request, pk)
    task = _task(resolution, task_pk)
    initial = {
        "description": task.description,
        "lead": task.lead,
        "deadline": task.deadline,
        "report_at": task.report_at,
    }
    next_regular = selectors.resolution.next_regular_meeting(meeting)
    form = TaskForm(
        request.POST or None,
        initial=initial,
        meetings=selectors.resolution.later_meetings(meeting),
        expected_next=None if next_regular else selectors.schedule.expected_regular_day(meeting)[0],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resolution.task_save(resolution=resolution, task=task, **_task_values(form), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("meetings:tasks", pk=meeting.pk)
    return render(request, "meetings/resolution/task_form.html", {"meeting": meeting, "task": task, "form": form})


@login_required
@require_POST
def task_remove(request, pk, task_pk):
    meeting, resolution = _managed_resolution(request, pk)
    services.resolution.task_remove(task=_task(resolution, task_pk), by=request.user)
    messages.success(request, _("Task removed."))
    return redirect("meetings:tasks", pk=meeting.pk)


@login_required
def task_review(request, pk):
    """Section I: last month's tasks, each marked done / in progress / not done with a note."""
    meeting, resolution = _managed_resolution(request, pk)
    return _review_page(request, meeting, resolution, outcomes=request.POST or None)


def _review_page(request, meeting: Meeting, resolution: Resolution, *, outcomes=None, carrying=None):
    """The review page. ``outcomes``: the posted outcomes, saved when every row is valid;
    ``carrying``: (task pk, bound TaskCarryForm) of a carry that was refused, shown with its error
    and what was typed."""
    review = selectors.resolution.tasks_to_review(meeting)
    carried = set(
        Task.objects.filter(resolution=resolution, carried_from__in=review).values_list("carried_from_id", flat=True)
    )
    rows = [
        {
            "task": task,
            "form": TaskOutcomeForm(
                outcomes,
                prefix=f"task-{task.pk}",
                initial={"outcome": task.outcome, "note": task.outcome_note},
            ),
            "carried": task.pk in carried,
            "carryable": task.outcome in services.resolution.CARRYABLE,
            "carry_form": (
                carrying[1] if carrying and carrying[0] == task.pk else TaskCarryForm(prefix=f"carry-{task.pk}")
            ),
        }
        for task in review
    ]
    # Validate every row (not all() over a generator) so each shows its own errors.
    if outcomes is not None and all([row["form"].is_valid() for row in rows]):
        saved = {
            row["task"].pk: (row["form"].cleaned_data["outcome"], row["form"].cleaned_data["note"]) for row in rows
        }
        services.resolution.tasks_review(meeting=meeting, outcomes=saved, by=request.user)
        messages.success(request, _("Last month's tasks are updated."))
        return redirect("meetings:task_review", pk=meeting.pk)
    previous = selectors.resolution.previous_resolution(meeting)
    context = {"meeting": meeting, "resolution": resolution, "rows": rows, "previous": previous}
    return render(request, "meetings/resolution/task_review.html", context)


@login_required
@require_POST
def task_carry(request, pk, task_pk):
    """Carry an unfinished task into this month with the new deadline typed beside it."""
    meeting, resolution = _managed_resolution(request, pk)
    task = next((t for t in selectors.resolution.tasks_to_review(meeting) if t.pk == task_pk), None)
    if task is None:
        raise Http404
    # The page offers no deadline box for these: say it above the page, as before.
    if task.outcome not in services.resolution.CARRYABLE:
        messages.error(request, _("Only tasks marked in progress or not done can be carried forward."))
        return redirect("meetings:task_review", pk=meeting.pk)
    if Task.objects.filter(resolution=resolution, carried_from=task).exists():
        return redirect("meetings:task_review", pk=meeting.pk)  # a second click: carried once
    form = TaskCarryForm(request.POST, prefix=f"carry-{task.pk}")
    if form.is_valid():
        try:
            services.resolution.task_carry(
                task=task, into=resolution, deadline=form.cleaned_data["deadline"], by=request.user
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and set(error.error_dict) <= {"deadline"}:
                form.add_error(None, error)
            else:
                # Not about the deadline (the task is already in section II): said in its row.
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("The task is carried into this month's tasks."))
            return redirect("meetings:task_review", pk=meeting.pk)
    return _review_page(request, meeting, resolution, carrying=(task.pk, form))


@login_required
def resolution_docx(request, pk):
    meeting = lookups.downloadable(request, pk)
    if _resolution(meeting) is None:
        raise Http404
    lookups.log_read(request, meeting, AccessLog.Action.RESOLUTION_DOCUMENT)
    return lookups.attachment_response(meeting, "resolution", "docx", documents.resolution_docx(meeting), lookups.DOCX)


@login_required
def resolution_pdf(request, pk):
    meeting = lookups.downloadable(request, pk)
    if _resolution(meeting) is None:
        raise Http404
    lookups.log_read(request, meeting, AccessLog.Action.RESOLUTION_DOCUMENT)
    return lookups.pdf_response(request, meeting, "resolution", lambda: documents.resolution_pdf(meeting))
