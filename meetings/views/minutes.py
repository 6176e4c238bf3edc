"""The minutes, the speeches, adoption, the quality score and the minutes downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import access, counting, documents, selectors, services
from meetings.forms.minutes import MinutesForm, ScoreForm, SpeechForm
from meetings.models import AgendaItem, Meeting, MeetingRules, Minutes, Speech
from meetings.models.minutes import ScoreLevel
from meetings.views import lookups


def _members_for_speeches(meeting: Meeting):
    return meeting.branch.members.active(on=meeting.day).order_by("name_key", "pk")


def _names(members) -> list[str]:
    """The suggestions for the speaker field, once per page."""
    return list(dict.fromkeys(members.values_list("full_name", flat=True)))


@login_required
def minutes_edit(request, pk):
    meeting = lookups.meeting_or_404(request, pk)
    if not access.can_manage_meeting(request.user, meeting):
        return lookups.read_page(request, meeting, "meetings/minutes/minutes_read.html")
    # A GET shows empty minutes without creating them; the first save does.
    if request.method == "POST":
        minutes = services.minutes.minutes_for(meeting)
    else:
        minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    items = list(meeting.agenda_items.prefetch_related("speeches").order_by("position", "pk"))
    form = MinutesForm(
        request.POST or None,
        initial=_minutes_initial(minutes),
        agenda_items=items,
        voters=selectors.minutes.voters(meeting),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes.minutes_save(
                minutes=minutes,
                **{name: form.cleaned_data[name] for name in services.minutes.MINUTES_FIELDS},
                conclusions=form.cleaned_data["conclusions"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.minutes.StaleEdit as stale:
            form.add_error(None, stale.message)
            status = lookups.STALE
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
    return render(request, "meetings/minutes/minutes_form.html", context, status=status)


def _minutes_initial(minutes: Minutes) -> dict:
    initial = {name: getattr(minutes, name) for name in services.minutes.MINUTES_FIELDS}
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


def _item(request, meeting: Meeting, item_pk) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.filter(meeting=meeting).prefetch_related("speeches"), pk=item_pk)


def _speech_values(form) -> dict:
    data = form.cleaned_data
    return {"speaker": data.get("speaker"), "speaker_name": data["speaker_name"], "text": data["text"]}


def _speech(request, meeting: Meeting, speech_pk) -> Speech:
    return get_object_or_404(
        Speech.objects.filter(agenda_item__meeting=meeting).select_related("agenda_item"), pk=speech_pk
    )


def _speeches_response(request, meeting: Meeting, item: AgendaItem, form: SpeechForm | None = None):
    if lookups.is_htmx(request):
        item = _item(request, meeting, item.pk)
        return render(request, "meetings/minutes/_item_speeches.html", {"block": _item_block(meeting, item, form)})
    return redirect(reverse("meetings:minutes", args=[meeting.pk]) + f"#item-{item.pk}")


@login_required
@require_POST
def speech_add(request, pk, item_pk):
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    item = _item(request, meeting, item_pk)
    form = SpeechForm(request.POST, members=_members_for_speeches(meeting), auto_id=f"id_item{item.pk}_%s")
    if form.is_valid():
        services.minutes.speech_save(agenda_item=item, **_speech_values(form), by=request.user)
        return _speeches_response(request, meeting, item)
    if lookups.is_htmx(request):
        return _speeches_response(request, meeting, item, form)
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("meetings:minutes", args=[meeting.pk]) + f"#item-{item.pk}")


@login_required
def speech_edit(request, pk, speech_pk):
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    speech = _speech(request, meeting, speech_pk)
    members = _members_for_speeches(meeting)
    initial = {"speaker_name": speech.speaker_name, "text": speech.text}
    form = SpeechForm(request.POST or None, initial=initial, members=members)
    if request.method == "POST" and form.is_valid():
        services.minutes.speech_save(
            agenda_item=speech.agenda_item, speech=speech, **_speech_values(form), by=request.user
        )
        messages.success(request, _("Saved."))
        return redirect(reverse("meetings:minutes", args=[meeting.pk]) + f"#item-{speech.agenda_item_id}")
    context = {"meeting": meeting, "speech": speech, "form": form, "speaker_names": _names(members)}
    return render(request, "meetings/minutes/speech_form.html", context)


@login_required
@require_POST
def speech_remove(request, pk, speech_pk):
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    speech = _speech(request, meeting, speech_pk)
    item = speech.agenda_item
    services.minutes.speech_remove(speech=speech, by=request.user)
    return _speeches_response(request, meeting, item)


@login_required
def minutes_adopt(request, pk):
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    if request.method == "POST":
        try:
            services.minutes.minutes_adopt(meeting=meeting, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The minutes are adopted. The roll is now locked."))
        return redirect(meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    return render(
        request,
        "meetings/minutes/adopt.html",
        {"meeting": meeting, "minutes": minutes, "roll": selectors.roll.roll_summary(meeting)},
    )


@login_required
def score(request, pk):
    meeting = lookups.meeting_or_404(request, pk)
    user = request.user
    can_manage = access.can_manage_meeting(user, meeting)
    is_cadre = access.is_assigned_cadre(user, meeting)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("score_confirmed_by").first()
    rules = MeetingRules.objects.for_branch(meeting.branch)
    rubric = counting.rubric_of(rules)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "rules": rules,
        "can_manage": can_manage,
        "is_cadre": is_cadre,
        "readable": access.can_read_records(user, meeting) or is_cadre,
    }
    status = 200
    if can_manage:
        if minutes is None:  # created by the first save, never by a GET
            minutes = services.minutes.minutes_for(meeting) if request.method == "POST" else Minutes(meeting=meeting)
        initial = {ScoreForm.field_name(c): minutes.scores.get(c["key"]) for c in rubric}
        initial["version"] = minutes.version
        form = ScoreForm(request.POST or None, initial=initial, rubric=rubric)
        if request.method == "POST" and form.is_valid():
            try:
                services.minutes.score_save(
                    minutes=minutes,
                    scores=form.scores(),
                    rules=rules,
                    expected_version=form.cleaned_data["version"],
                    by=user,
                )
            except services.minutes.StaleEdit as stale:
                form.add_error(None, stale.message)
                status = lookups.STALE
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
            context["level_label"] = ScoreLevel(minutes.score_level).label
        context["confirmed_by"] = selectors.minutes.confirmed_by_name(minutes)
    return render(request, "meetings/minutes/score.html", context, status=status)


@login_required
@require_POST
def score_confirm(request, pk):
    meeting = lookups.meeting_or_404(request, pk)
    if not access.is_assigned_cadre(request.user, meeting):
        raise Http404
    minutes = get_object_or_404(Minutes, meeting=meeting)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.minutes.score_confirm(minutes=minutes, expected_version=version, by=request.user)
    except services.minutes.StaleEdit:
        messages.error(request, _("The score changed after you opened this page. Check it again before confirming."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You confirmed the score."))
    return redirect("meetings:score", pk=meeting.pk)


@login_required
def minutes_docx(request, pk):
    meeting = lookups.downloadable(request, pk)
    return lookups.attachment_response(meeting, "minutes", "docx", documents.minutes_docx(meeting), lookups.DOCX)


@login_required
def minutes_pdf(request, pk):
    meeting = lookups.downloadable(request, pk)
    return lookups.attachment_response(meeting, "minutes", "pdf", documents.minutes_pdf(meeting), "application/pdf")
