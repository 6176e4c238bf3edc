"""Minutes, resolution, tasks, score, adoption and the DOCX/PDF downloads.

Every meeting is loaded from members.scope (outside scope: 404). Secretaries and
commune staff edit (scope.can_manage_meeting; after adoption only commune staff);
the assigned cadre confirms the score; everyone else in scope reads, and may
download the documents once the minutes are adopted.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import scope

from .. import documents, records
from ..forms_records import (
    MinutesForm,
    ResolutionForm,
    ScoreForm,
    SpeechForm,
    TaskForm,
    TaskOutcomeForm,
)
from ..models import AgendaItem, Meeting, Minutes, Resolution, Speech, Task

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STALE = 409


# --- Loading within scope --------------------------------------------------------------


def _meeting(request, pk) -> Meeting:
    return get_object_or_404(scope.meetings(request.user).select_related("branch", "chair", "minute_taker"), pk=pk)


def _managed(request, pk) -> Meeting:
    meeting = _meeting(request, pk)
    if not scope.can_manage_meeting(request.user, meeting):
        raise Http404
    return meeting


def _resolution(meeting: Meeting) -> Resolution | None:
    return Resolution.objects.filter(meeting=meeting).first()


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _members_for_speeches(meeting: Meeting):
    return meeting.branch.members.active(on=meeting.day).order_by("name_key", "pk")


def _names(members) -> list[str]:
    """The suggestions for the speaker field, once per page."""
    return list(dict.fromkeys(members.values_list("full_name", flat=True)))


# --- Minutes ---------------------------------------------------------------------------


@login_required
def minutes_edit(request, pk):
    meeting = _meeting(request, pk)
    if not scope.can_manage_meeting(request.user, meeting):
        return _read_page(request, meeting, "meetings/records/minutes_read.html")
    minutes = records.minutes_for(meeting)
    items = list(meeting.agenda_items.prefetch_related("speeches").order_by("position", "pk"))
    form = MinutesForm(
        request.POST or None,
        initial=_minutes_initial(minutes),
        agenda_items=items,
        voters=records.voters(meeting),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            records.minutes_save(
                minutes=minutes, data=form.cleaned_data, expected_version=form.cleaned_data["version"], by=request.user
            )
        except records.StaleEdit as stale:
            form.add_error(None, stale.message)
            status = STALE
        else:
            messages.success(request, _("The minutes are saved."))
            return redirect("meetings:minutes", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "form": form,
        "items": [_item_block(meeting, item) for item in items],
        "speaker_names": _names(_members_for_speeches(meeting)),
        "voters": form.voters,
    }
    return render(request, "meetings/records/minutes_form.html", context, status=status)


def _minutes_initial(minutes: Minutes) -> dict:
    initial = {name: getattr(minutes, name) for name in records.MINUTES_FIELDS}
    initial["version"] = minutes.version
    return initial


def _item_block(meeting: Meeting, item: AgendaItem, form: SpeechForm | None = None) -> dict:
    """One agenda item's speeches with the form to add one (the partial _item_speeches.html)."""
    return {
        "item": item,
        "speeches": list(item.speeches.all()),
        "form": form or SpeechForm(members=_members_for_speeches(meeting), auto_id=f"id_item{item.pk}_%s"),
        "meeting": meeting,
    }


def _read_page(request, meeting: Meeting, template: str):
    """Read-only view for those who may not edit; they cannot post here."""
    if request.method == "POST":
        raise Http404
    context = {"meeting": meeting, "readable": records.can_read_records(request.user, meeting)}
    if context["readable"]:
        context["doc"] = documents.document_data(meeting)
    context["is_cadre"] = scope.is_assigned_cadre(request.user, meeting)
    return render(request, template, context)


def _item(request, meeting: Meeting, item_pk) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.filter(meeting=meeting).prefetch_related("speeches"), pk=item_pk)


def _speech(request, meeting: Meeting, speech_pk) -> Speech:
    return get_object_or_404(
        Speech.objects.filter(agenda_item__meeting=meeting).select_related("agenda_item"), pk=speech_pk
    )


def _speeches_response(request, meeting: Meeting, item: AgendaItem, form: SpeechForm | None = None):
    if _is_htmx(request):
        item = _item(request, meeting, item.pk)
        return render(request, "meetings/records/_item_speeches.html", {"block": _item_block(meeting, item, form)})
    return redirect(reverse("meetings:minutes", args=[meeting.pk]) + f"#item-{item.pk}")


@login_required
@require_POST
def speech_add(request, pk, item_pk):
    meeting = _managed(request, pk)
    item = _item(request, meeting, item_pk)
    form = SpeechForm(request.POST, members=_members_for_speeches(meeting), auto_id=f"id_item{item.pk}_%s")
    if form.is_valid():
        records.speech_save(agenda_item=item, data=form.cleaned_data, by=request.user)
        return _speeches_response(request, meeting, item)
    if _is_htmx(request):
        return _speeches_response(request, meeting, item, form)
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("meetings:minutes", args=[meeting.pk]) + f"#item-{item.pk}")


@login_required
def speech_edit(request, pk, speech_pk):
    meeting = _managed(request, pk)
    speech = _speech(request, meeting, speech_pk)
    members = _members_for_speeches(meeting)
    initial = {"speaker_name": speech.speaker_name, "text": speech.text}
    form = SpeechForm(request.POST or None, initial=initial, members=members)
    if request.method == "POST" and form.is_valid():
        records.speech_save(agenda_item=speech.agenda_item, speech=speech, data=form.cleaned_data, by=request.user)
        messages.success(request, _("Saved."))
        return redirect(reverse("meetings:minutes", args=[meeting.pk]) + f"#item-{speech.agenda_item_id}")
    context = {"meeting": meeting, "speech": speech, "form": form, "speaker_names": _names(members)}
    return render(request, "meetings/records/speech_form.html", context)


@login_required
@require_POST
def speech_remove(request, pk, speech_pk):
    meeting = _managed(request, pk)
    speech = _speech(request, meeting, speech_pk)
    item = speech.agenda_item
    records.speech_remove(speech=speech, by=request.user)
    return _speeches_response(request, meeting, item)


@login_required
def minutes_adopt(request, pk):
    meeting = _managed(request, pk)
    if request.method == "POST":
        try:
            records.minutes_adopt(meeting=meeting, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The minutes are adopted. The roll is now locked."))
        return redirect(meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    return render(
        request,
        "meetings/records/adopt.html",
        {"meeting": meeting, "minutes": minutes, "roll": records.roll_summary(meeting)},
    )


# --- Score -----------------------------------------------------------------------------


@login_required
def score(request, pk):
    meeting = _meeting(request, pk)
    user = request.user
    can_manage = scope.can_manage_meeting(user, meeting)
    is_cadre = scope.is_assigned_cadre(user, meeting)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("score_confirmed_by").first()
    rules = records.rules_of(meeting)
    rubric = records.rubric_of(rules)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "rules": rules,
        "can_manage": can_manage,
        "is_cadre": is_cadre,
        "readable": records.can_read_records(user, meeting) or is_cadre,
    }
    status = 200
    if can_manage:
        minutes = minutes or records.minutes_for(meeting)
        initial = {ScoreForm.field_name(c): minutes.scores.get(c["key"]) for c in rubric}
        initial["version"] = minutes.version
        form = ScoreForm(request.POST or None, initial=initial, rubric=rubric)
        if request.method == "POST" and form.is_valid():
            try:
                records.score_save(
                    minutes=minutes,
                    scores=form.scores(),
                    rules=rules,
                    expected_version=form.cleaned_data["version"],
                    by=user,
                )
            except records.StaleEdit as stale:
                form.add_error(None, stale.message)
                status = STALE
            else:
                messages.success(request, _("The score is saved."))
                return redirect("meetings:score", pk=meeting.pk)
        context.update({"form": form, "minutes": minutes})
    elif request.method == "POST":
        raise Http404
    if minutes is not None:
        context["rows"] = [
            {"label": _(c["label"]), "points": minutes.scores.get(c["key"]), "max": c["max"]} for c in rubric
        ]
        if minutes.score_level:
            context["level_label"] = records.ScoreLevel(minutes.score_level).label
        context["confirmed_by"] = records.confirmed_by_name(minutes)
    return render(request, "meetings/records/score.html", context, status=status)


@login_required
@require_POST
def score_confirm(request, pk):
    meeting = _meeting(request, pk)
    if not scope.is_assigned_cadre(request.user, meeting):
        raise Http404
    minutes = get_object_or_404(Minutes, meeting=meeting)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        records.score_confirm(minutes=minutes, expected_version=version, by=request.user)
    except records.StaleEdit:
        messages.error(request, _("The score changed after you opened this page. Check it again before confirming."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You confirmed the score."))
    return redirect("meetings:score", pk=meeting.pk)


# --- Resolution ------------------------------------------------------------------------


@login_required
def resolution_edit(request, pk):
    meeting = _meeting(request, pk)
    if not scope.can_manage_meeting(request.user, meeting):
        return _read_page(request, meeting, "meetings/records/resolution_read.html")
    resolution = _resolution(meeting)
    if resolution is None:
        return render(request, "meetings/records/resolution_start.html", {"meeting": meeting})
    initial = {name: getattr(resolution, name) for name in records.RESOLUTION_FIELDS}
    initial["version"] = resolution.version
    form = ResolutionForm(request.POST or None, initial=initial, resolution=resolution)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            records.resolution_save(
                resolution=resolution,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except records.StaleEdit as stale:
            form.add_error(None, stale.message)
            status = STALE
        else:
            messages.success(request, _("The resolution is saved."))
            return redirect("meetings:resolution", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "resolution": resolution,
        "form": form,
        "review": records.tasks_to_review(meeting),
        "tasks": resolution.tasks.select_related("report_at", "carried_from"),
    }
    return render(request, "meetings/records/resolution_form.html", context, status=status)


@login_required
@require_POST
def resolution_start(request, pk):
    meeting = _managed(request, pk)
    records.resolution_for(meeting)
    return redirect("meetings:resolution", pk=meeting.pk)


def _managed_resolution(request, pk) -> tuple[Meeting, Resolution]:
    meeting = _managed(request, pk)
    resolution = _resolution(meeting)
    if resolution is None:
        raise Http404
    return meeting, resolution


@login_required
def tasks(request, pk):
    meeting, resolution = _managed_resolution(request, pk)
    form = TaskForm(
        request.POST or None,
        initial={"report_at": records.next_regular_meeting(meeting)},
        meetings=records.later_meetings(meeting),
    )
    if request.method == "POST" and form.is_valid():
        records.task_save(resolution=resolution, data=form.cleaned_data, by=request.user)
        messages.success(request, _("Task added."))
        return redirect("meetings:tasks", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "resolution": resolution,
        "form": form,
        "tasks": resolution.tasks.select_related("report_at", "carried_from"),
    }
    return render(request, "meetings/records/tasks.html", context)


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
    form = TaskForm(request.POST or None, initial=initial, meetings=records.later_meetings(meeting))
    if request.method == "POST" and form.is_valid():
        records.task_save(resolution=resolution, task=task, data=form.cleaned_data, by=request.user)
        messages.success(request, _("Saved."))
        return redirect("meetings:tasks", pk=meeting.pk)
    return render(request, "meetings/records/task_form.html", {"meeting": meeting, "task": task, "form": form})


@login_required
@require_POST
def task_remove(request, pk, task_pk):
    meeting, resolution = _managed_resolution(request, pk)
    records.task_remove(task=_task(resolution, task_pk), by=request.user)
    messages.success(request, _("Task removed."))
    return redirect("meetings:tasks", pk=meeting.pk)


@login_required
def task_review(request, pk):
    """Section I: last month's tasks, each marked done / in progress / not done with a note."""
    meeting, resolution = _managed_resolution(request, pk)
    review = records.tasks_to_review(meeting)
    carried = set(
        Task.objects.filter(resolution=resolution, carried_from__in=review).values_list("carried_from_id", flat=True)
    )
    rows = [
        {
            "task": task,
            "form": TaskOutcomeForm(
                request.POST or None,
                prefix=f"task-{task.pk}",
                initial={"outcome": task.outcome, "note": task.outcome_note},
            ),
            "carried": task.pk in carried,
            "carryable": task.outcome in records.CARRYABLE,
        }
        for task in review
    ]
    # Validate every row (not all() over a generator) so each shows its own errors.
    if request.method == "POST" and all([row["form"].is_valid() for row in rows]):
        outcomes = {
            row["task"].pk: (row["form"].cleaned_data["outcome"], row["form"].cleaned_data["note"]) for row in rows
        }
        records.tasks_review(meeting=meeting, outcomes=outcomes, by=request.user)
        messages.success(request, _("Last month's tasks are updated."))
        return redirect("meetings:task_review", pk=meeting.pk)
    previous = records.previous_resolution(meeting)
    context = {"meeting": meeting, "resolution": resolution, "rows": rows, "previous": previous}
    return render(request, "meetings/records/task_review.html", context)


@login_required
@require_POST
def task_carry(request, pk, task_pk):
    meeting, resolution = _managed_resolution(request, pk)
    task = next((t for t in records.tasks_to_review(meeting) if t.pk == task_pk), None)
    if task is None:
        raise Http404
    try:
        records.task_carry(task=task, into=resolution, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The task is carried into this month's tasks."))
    return redirect("meetings:task_review", pk=meeting.pk)


# --- Downloads -------------------------------------------------------------------------


def _downloadable(request, pk) -> Meeting:
    meeting = _meeting(request, pk)
    if not records.can_read_records(request.user, meeting):
        raise Http404
    return meeting


def _attachment(meeting: Meeting, what: str, extension: str, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = documents.content_disposition(meeting, what, extension)
    patch_cache_control(response, private=True, no_store=True)  # names and absences: never cached
    return response


@login_required
def minutes_docx(request, pk):
    meeting = _downloadable(request, pk)
    return _attachment(meeting, "minutes", "docx", documents.minutes_docx(meeting), DOCX)


@login_required
def minutes_pdf(request, pk):
    meeting = _downloadable(request, pk)
    return _attachment(meeting, "minutes", "pdf", documents.minutes_pdf(meeting), "application/pdf")


@login_required
def resolution_docx(request, pk):
    meeting = _downloadable(request, pk)
    if _resolution(meeting) is None:
        raise Http404
    return _attachment(meeting, "resolution", "docx", documents.resolution_docx(meeting), DOCX)


@login_required
def resolution_pdf(request, pk):
    meeting = _downloadable(request, pk)
    if _resolution(meeting) is None:
        raise Http404
    return _attachment(meeting, "resolution", "pdf", documents.resolution_pdf(meeting), "application/pdf")
