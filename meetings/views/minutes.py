"""The minutes, the speeches, adoption, the quality score and the minutes downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meetings import access, counting, documents, offline, selectors, services
from meetings.forms.minutes import AmendmentForm, MinutesForm, ScoreForm, SpeechForm
from meetings.models import AgendaItem, Meeting, MeetingRules, Minutes, Speech
from meetings.models.minutes import ScoreLevel
from meetings.views import lookups
from members.forms.fields import LABEL_FIELDS
from members.ids import parse_id
from members.models import AccessLog, Member


def _members_for_speeches(meeting: Meeting):
    return meeting.branch.members.active(on=meeting.day).order_by("name_key", "pk")


def _names(members) -> list[str]:
    """The suggestions for the speaker field, once per page: look-alike names told apart."""
    return list(dict.fromkeys(Member.labels(members).values()))


STEP_LABELS = {
    "general": gettext_lazy("Chair and opening"),
    "speeches": gettext_lazy("Speakers"),
    "conclusions": gettext_lazy("Conclusions"),
    "vote": gettext_lazy("Vote and closing"),
}


def _step(request) -> str:
    """The part of the minutes on screen (one at a time: the whole form is too long for a phone)."""
    step = request.POST.get("step") if request.method == "POST" else request.GET.get("step")
    return step if step in MinutesForm.STEPS else MinutesForm.STEPS[0]


@login_required
def minutes_edit(request, pk):
    meeting = lookups.meeting_or_404(request, pk)
    # Adopted minutes are read, never edited: a correction is an amendment (``amend``).
    if meeting.is_locked or not access.can_manage_meeting(request.user, meeting):
        return lookups.read_page(request, meeting, "meetings/minutes/minutes_read.html", AccessLog.Action.VIEW_MINUTES)
    lookups.log_read(request, meeting, AccessLog.Action.VIEW_MINUTES)  # the roll, absences and their reasons
    # A GET or a refused post shows empty minutes without creating them; the first valid save does.
    minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    step = _step(request)
    # A post without a step (an older page) carries every field but the chair and minute-taker.
    form_step = step if request.method == "GET" or "step" in request.POST else None
    items = list(meeting.agenda_items.prefetch_related("speeches").order_by("position", "pk"))
    members = _members_for_speeches(meeting).only(*LABEL_FIELDS)
    form = MinutesForm(
        request.POST or None,
        initial={**_minutes_initial(minutes), "chair": meeting.chair_id, "minute_taker": meeting.minute_taker_id},
        agenda_items=items,
        voters=selectors.minutes.voters(meeting),
        members=members,
        step=form_step,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.minutes.minutes_save(
                    minutes=minutes if minutes.pk else services.minutes.minutes_for(meeting),
                    **{name: data[name] for name in services.minutes.MINUTES_FIELDS},
                    conclusions=data["conclusions"] if form_step in (None, "conclusions") else None,
                    expected_version=data["version"],
                    by=request.user,
                )
                if form_step == "general" and (data["chair"], data["minute_taker"]) != (
                    meeting.chair,
                    meeting.minute_taker,
                ):
                    services.schedule.meeting_update(
                        meeting=meeting,
                        kind=meeting.kind,
                        place=meeting.place,
                        topic=meeting.topic,
                        chair=data["chair"],
                        minute_taker=data["minute_taker"],
                        by=request.user,
                    )
        except services.versions.StaleEdit as stale:
            form.add_error(None, stale.message)
            status = lookups.STALE
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The minutes are saved."))
            return redirect(_step_url(meeting, _next_step(step)))
    if form.stale:
        status = lookups.STALE
    if form.errors:
        _focus_first_error(form)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "form": form,
        "step": step,
        "steps": [{"key": key, "label": STEP_LABELS[key], "url": _step_url(meeting, key)} for key in MinutesForm.STEPS],
        "next_step": _next_step(step),
        "next_url": _step_url(meeting, _next_step(step)),
        "error_links": _error_links(form, meeting, step),
        "voters": form.voters,
    }
    offline.keep_offline(request, meeting)
    if step == "speeches":
        context["items"] = [_item_block(meeting, item) for item in items]
        context["speaker_names"] = _names(members)
    return render(request, "meetings/minutes/minutes_form.html", context, status=status)


def _step_url(meeting: Meeting, step: str) -> str:
    return reverse("meetings:minutes", args=[meeting.pk]) + f"?step={step}"


def _next_step(step: str) -> str:
    steps = MinutesForm.STEPS
    return steps[min(steps.index(step) + 1, len(steps) - 1)]


def _error_links(form: MinutesForm, meeting: Meeting, step: str) -> list[dict]:
    """The banner at the top of the page: each error, linked to its field (or to the vote)."""
    links = []
    vote_url = "#vote" if step == "vote" else _step_url(meeting, "vote") + "#vote"
    for message in form.non_field_errors():
        links.append({"message": message, "href": vote_url if message in form.vote_errors else ""})
    for name, errors in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue
        for message in errors:
            links.append({"message": f"{form[name].label}: {message}", "href": f"#{form[name].id_for_label}"})
    return links


def _focus_first_error(form: MinutesForm) -> None:
    """The page opens at the first field in error (autofocus: no script), else at the banner."""
    for name in form.fields:
        if name in form.errors:
            form.fields[name].widget.attrs["autofocus"] = True
            form.focus_banner = False
            return
    form.focus_banner = True


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
    return redirect(_step_url(meeting, "speeches") + f"#item-{item.pk}")


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
    return redirect(_step_url(meeting, "speeches") + f"#item-{item.pk}")


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
        return redirect(_step_url(meeting, "speeches") + f"#item-{speech.agenda_item_id}")
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
    roll = selectors.roll.roll_summary(meeting)
    vote = None
    if minutes is not None:
        vote = counting.vote_result(
            votes_for=minutes.votes_for,
            votes_against=minutes.votes_against,
            votes_abstain=minutes.votes_abstain,
            counts=roll,
        )
    return render(
        request,
        "meetings/minutes/adopt.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "roll": roll,
            "vote": vote,
            # The button only when adoption can succeed; else the step still missing, named.
            "missing": services.minutes.adoption_blocker(meeting),
        },
    )


@login_required
@require_POST
def amend(request, pk):
    """Record a correction ("đính chính") of adopted minutes or resolution (commune staff)."""
    meeting = lookups.meeting_or_404(request, pk)
    if not (meeting.is_locked and access.can_correct_meeting(request.user, meeting)):
        raise Http404
    form = AmendmentForm(request.POST)
    if form.is_valid():
        try:
            services.minutes.amendment_record(meeting=meeting, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The amendment is recorded and printed after the adopted text."))
    else:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return redirect("meetings:minutes", pk=meeting.pk)


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
        "can_confirm": access.can_confirm_score(user, meeting),
        "readable": access.can_read_records(user, meeting) or is_cadre,
    }
    status = 200
    if can_manage:
        if minutes is None:  # created by the first valid save, never by a GET or a refused post
            minutes = Minutes(meeting=meeting)
        initial = {ScoreForm.field_name(c): minutes.scores.get(c["key"]) for c in rubric}
        initial["version"] = minutes.version
        form = ScoreForm(request.POST or None, initial=initial, rubric=rubric)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    services.minutes.score_save(
                        minutes=minutes if minutes.pk else services.minutes.minutes_for(meeting),
                        scores=form.scores(),
                        rules=rules,
                        expected_version=form.cleaned_data["version"],
                        by=user,
                    )
            except services.versions.StaleEdit as stale:
                form.add_error(None, stale.message)
                status = lookups.STALE
            else:
                messages.success(request, _("The score is saved."))
                return redirect("meetings:score", pk=meeting.pk)
        if form.stale:
            status = lookups.STALE
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
    if not access.can_confirm_score(request.user, meeting):
        raise Http404
    minutes = get_object_or_404(Minutes, meeting=meeting)
    # Digits 0-9 only (int() reads "١" as 1); anything else is refused as stale.
    version = parse_id(request.POST.get("version", "")) or -1
    try:
        services.minutes.score_confirm(minutes=minutes, expected_version=version, by=request.user)
    except services.versions.StaleEdit:
        messages.error(request, _("The score changed after you opened this page. Check it again before confirming."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You confirmed the score."))
    return redirect("meetings:score", pk=meeting.pk)


@login_required
def minutes_docx(request, pk):
    meeting = lookups.with_minutes(lookups.downloadable(request, pk))
    lookups.log_read(request, meeting, AccessLog.Action.MINUTES_DOCUMENT)
    content = documents.minutes_docx(meeting, reasons=access.can_see_absence_reasons(request.user, meeting))
    return lookups.attachment_response(meeting, "minutes", "docx", content, lookups.DOCX)


@login_required
def minutes_pdf(request, pk):
    meeting = lookups.with_minutes(lookups.downloadable(request, pk))
    lookups.log_read(request, meeting, AccessLog.Action.MINUTES_DOCUMENT)
    reasons = access.can_see_absence_reasons(request.user, meeting)
    return lookups.pdf_response(request, meeting, "minutes", lambda: documents.minutes_pdf(meeting, reasons=reasons))
