"""Meetings: list, create, the meeting page (the hub), its agenda and materials, guidance, templates.

Every queryset starts from members.scope; anything outside it is a 404. Views are thin:
forms clean, services in meetings.schedule act.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import scope
from members.models import Organization

from .. import roll, schedule
from ..forms_rules import MeetingRulesForm, RubricFormSet
from ..forms_schedule import (
    AgendaItemForm,
    AgendaTemplateFormSet,
    AttachmentForm,
    GuidanceForm,
    HeldForm,
    MeetingCreateForm,
    MeetingEditForm,
    MeetingFilterForm,
    MeetingMoveForm,
    ReasonForm,
)
from ..models import AgendaItem, Attachment, MeetingStatus

PAGE_SIZE = 30


# --- Loading within scope ------------------------------------------------------


def _meeting(request, pk, *, manage=False):
    meeting = get_object_or_404(scope.meetings(request.user).select_related("branch", "chair", "minute_taker"), pk=pk)
    if manage and not scope.can_manage_meeting(request.user, meeting):
        raise Http404
    return meeting


def _agenda_item(request, pk) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__in=scope.meetings(request.user)).select_related("meeting__branch"), pk=pk
    )
    if not scope.can_manage_meeting(request.user, item.meeting):
        raise Http404
    return item


def _posted(request):
    """Bind a form on every POST, even an empty one, so missing fields show their errors."""
    return request.POST if request.method == "POST" else None


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _form_errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _page_form(request, template_context: dict):
    return render(request, "meetings/meeting_form.html", template_context)


# --- List and create --------------------------------------------------------------


@login_required
def meeting_list(request):
    user = request.user
    branches = scope.organizations(user).filter(kind="branch").order_by("path")
    filter_form = MeetingFilterForm(request.GET or None, branches=branches)
    meetings = scope.meetings(user).select_related("branch").order_by("-planned_start", "-pk")
    if filter_form.is_valid():
        if branch := filter_form.cleaned_data["branch"]:
            meetings = meetings.filter(branch=branch)
        if month := filter_form.cleaned_data["month"]:
            meetings = meetings.filter(month=schedule.first_of_month(month))
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "query": query.urlencode(),
            "can_create": scope.editable_branches(user).exists(),
            "can_publish": bool(schedule.staff_organizations(user)),
        },
    )


@login_required
def meeting_create(request):
    user = request.user
    branches = scope.editable_branches(user).order_by("path")
    if not branches.exists():
        raise Http404
    can_log = bool(schedule.staff_organizations(user))
    initial = {}
    if branch_id := request.GET.get("branch"):
        if not branch_id.isdigit():
            raise Http404
        initial["branch"] = get_object_or_404(branches, pk=branch_id)
        initial["place"] = initial["branch"].meeting_place
    form = MeetingCreateForm(_posted(request), branches=branches, can_log=can_log, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        held = data.get("held", False)
        if held and not schedule.can_log_reported(user, data["branch"]):
            form.add_error("held", _("Only commune staff may log a meeting the branch reported."))
        else:
            try:
                meeting = schedule.meeting_create(
                    branch=data["branch"],
                    kind=data["kind"],
                    planned_start=data["start"],
                    planned_end=data["end"],
                    place=data["place"],
                    topic=data["topic"],
                    by=user,
                    held=held,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Meeting created."))
                return redirect(meeting)
    return _page_form(request, {"form": form, "title": _("New meeting"), "submit": _("Create")})


# --- The meeting page (the hub) ------------------------------------------------------


def _related_or_none(meeting, name):
    try:
        return getattr(meeting, name)
    except ObjectDoesNotExist:
        return None


def _agenda_context(request, meeting, can_manage: bool) -> dict:
    items = list(schedule.agenda_items(meeting))
    return {
        "meeting": meeting,
        "agenda_items": items,
        "agenda_minutes": sum(item.planned_minutes or 0 for item in items),
        "can_manage": can_manage,
        "copy_last": can_manage and meeting.status in schedule.NOT_YET_HELD,
        "agenda_form": AgendaItemForm(auto_id="id_new_%s") if can_manage else None,
        "attachment_form": AttachmentForm(auto_id=False) if can_manage else None,
    }


@login_required
def meeting_detail(request, pk):
    user = request.user
    meeting = get_object_or_404(
        scope.meetings(user).select_related("branch", "chair", "minute_taker", "minutes", "resolution"), pk=pk
    )
    can_manage = scope.can_manage_meeting(user, meeting)
    context = _agenda_context(request, meeting, can_manage)
    counts = roll.count_roll(meeting)
    context.update(
        {
            "roll": counts,
            "roll_flags": roll.roll_flags(meeting, counts),
            "show_reasons": scope.can_see_absence_reasons(user, meeting),
            "guests": meeting.guests.select_related("cadre"),
            "minutes": _related_or_none(meeting, "minutes"),
            "resolution": _related_or_none(meeting, "resolution"),
            "is_cadre": scope.is_assigned_cadre(user, meeting),
            "moves": meeting.moves.all(),
            "actions": _actions(meeting) if can_manage else [],
        }
    )
    return render(request, "meetings/meeting_detail.html", context)


def _actions(meeting) -> dict:
    """Which buttons the page offers for the meeting's status (the services check again)."""
    status = meeting.status
    not_held = status in schedule.NOT_YET_HELD
    return {
        "edit": status != MeetingStatus.CANCELLED,
        "move": not_held,
        "notice": status == MeetingStatus.DRAFT,
        "postpone": status in (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT),
        "cancel": not_held,
        "held": status != MeetingStatus.CANCELLED,
        "copy_last": not_held,
    }


# --- Changing a meeting -----------------------------------------------------------------


@login_required
def meeting_edit(request, pk):
    meeting = _meeting(request, pk, manage=True)
    form = MeetingEditForm(_posted(request), instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schedule.meeting_update(
                meeting=meeting,
                kind=data["kind"],
                place=data["place"],
                topic=data["topic"],
                chair=data["chair"],
                minute_taker=data["minute_taker"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(meeting)
    return _page_form(request, {"form": form, "meeting": meeting, "title": _("Edit meeting"), "submit": _("Save")})


@login_required
def meeting_move(request, pk):
    meeting = _meeting(request, pk, manage=True)
    form = MeetingMoveForm(_posted(request), initial=HeldForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schedule.meeting_move(
                meeting=meeting, new_start=data["start"], new_end=data["end"], reason=data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Meeting moved. Send the notice again with the new time."))
            return redirect(meeting)
    return _page_form(request, {"form": form, "meeting": meeting, "title": _("Move the meeting"), "submit": _("Move")})


def _reason_action(request, pk, *, service, title, submit, done):
    meeting = _meeting(request, pk, manage=True)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            service(meeting=meeting, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(meeting)
    return _page_form(request, {"form": form, "meeting": meeting, "title": title, "submit": submit, "danger": True})


@login_required
def meeting_cancel(request, pk):
    return _reason_action(
        request,
        pk,
        service=schedule.meeting_cancel,
        title=_("Cancel the meeting"),
        submit=_("Cancel the meeting"),
        done=_("Meeting cancelled."),
    )


@login_required
def meeting_postpone(request, pk):
    return _reason_action(
        request,
        pk,
        service=schedule.meeting_postpone,
        title=_("Postpone the meeting"),
        submit=_("Postpone"),
        done=_("Meeting postponed. Move it to a new date when one is agreed."),
    )


@login_required
@require_POST
def meeting_send_notice(request, pk):
    meeting = _meeting(request, pk, manage=True)
    try:
        schedule.meeting_send_notice(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, _form_errors(error))
    else:
        messages.success(request, _("The notice is recorded as sent."))
    return redirect(meeting)


@login_required
def meeting_mark_held(request, pk):
    meeting = _meeting(request, pk, manage=True)
    form = HeldForm(_posted(request), initial=HeldForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            schedule.meeting_mark_held(
                meeting=meeting,
                actual_start=form.cleaned_data["start"],
                actual_end=form.cleaned_data["end"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Recorded as held."))
            return redirect(meeting)
    return _page_form(
        request, {"form": form, "meeting": meeting, "title": _("Record the meeting as held"), "submit": _("Save")}
    )


# --- Agenda --------------------------------------------------------------------------------


def _agenda_response(request, meeting, *, error: str = ""):
    """htmx gets the agenda fragment back; a plain form post goes back to the meeting page."""
    if _is_htmx(request):
        context = _agenda_context(request, meeting, True)
        context["agenda_error"] = error
        return render(request, "meetings/agenda/_items.html", context)
    if error:
        messages.error(request, error)
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = _meeting(request, pk, manage=True)
    form = AgendaItemForm(request.POST, auto_id="id_new_%s")
    if not form.is_valid():
        if _is_htmx(request):
            context = _agenda_context(request, meeting, True)
            context["agenda_form"] = form
            return render(request, "meetings/agenda/_items.html", context)
        return _agenda_response(request, meeting, error=" ".join(m for e in form.errors.values() for m in e))
    schedule.agenda_item_add(meeting=meeting, by=request.user, **form.cleaned_data)
    return _agenda_response(request, meeting)


@login_required
def agenda_edit(request, pk):
    item = _agenda_item(request, pk)
    form = AgendaItemForm(_posted(request), instance=item)
    if request.method == "POST" and form.is_valid():
        schedule.agenda_item_update(item=item, by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(reverse("meetings:detail", args=[item.meeting_id]) + "#agenda")
    return render(request, "meetings/agenda/item_form.html", {"form": form, "item": item, "meeting": item.meeting})


@login_required
@require_POST
def agenda_delete(request, pk):
    item = _agenda_item(request, pk)
    meeting = item.meeting
    schedule.agenda_item_remove(item=item, by=request.user)
    return _agenda_response(request, meeting)


@login_required
@require_POST
def agenda_move(request, pk, direction):
    if direction not in ("up", "down"):
        raise Http404
    item = _agenda_item(request, pk)
    schedule.agenda_item_move(item=item, direction=direction, by=request.user)
    return _agenda_response(request, item.meeting)


@login_required
@require_POST
def agenda_copy_last(request, pk):
    meeting = _meeting(request, pk, manage=True)
    try:
        count = schedule.agenda_copy_last(meeting=meeting, by=request.user)
    except ValidationError as error:
        return _agenda_response(request, meeting, error=_form_errors(error))
    if not _is_htmx(request):
        messages.success(request, _("Copied %(count)s agenda items from the last meeting.") % {"count": count})
    return _agenda_response(request, meeting)


# --- Attachments -------------------------------------------------------------------------


@login_required
def attachment_upload(request, pk):
    item = _agenda_item(request, pk)
    form = AttachmentForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        schedule.attachment_upload(agenda_item=item, upload=form.cleaned_data["file"], by=request.user)
        messages.success(request, _("File uploaded."))
        return redirect(reverse("meetings:detail", args=[item.meeting_id]) + "#agenda")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/agenda/attachment_form.html",
        {"form": form, "item": item, "meeting": item.meeting},
        status=status,
    )


@login_required
def attachment_download(request, pk):
    """Files are served only through here, within scope; never from a public media URL."""
    attachment = get_object_or_404(schedule.visible_attachments(request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(
        Attachment.objects.filter(agenda_item__meeting__in=scope.meetings(request.user)).select_related(
            "agenda_item__meeting__branch"
        ),
        pk=pk,
    )
    meeting = attachment.agenda_item.meeting
    if not scope.can_manage_meeting(request.user, meeting):
        raise Http404
    schedule.attachment_remove(attachment=attachment, by=request.user)
    return _agenda_response(request, meeting)


# --- Guidance ----------------------------------------------------------------------------------


def _staff_orgs(user):
    return Organization.objects.filter(pk__in=[org.pk for org in schedule.staff_organizations(user)]).order_by("path")


@login_required
def guidance_list(request):
    guidances = (
        schedule.visible_guidance(request.user).select_related("organization").order_by("-month", "-published_at")
    )
    page = Paginator(guidances, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/guidance/guidance_list.html",
        {"page": page, "can_publish": bool(schedule.staff_organizations(request.user))},
    )


@login_required
def guidance_create(request):
    organizations = _staff_orgs(request.user)
    if not organizations.exists():
        raise Http404
    today = timezone.localdate()
    initial = {"month": schedule.add_months(schedule.first_of_month(today), 1)}
    form = GuidanceForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        organizations=organizations,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guidance = schedule.guidance_publish(
            organization=data["organization"],
            month=data["month"],
            title=data["title"],
            body=data["body"],
            files=[data["file"]] if data.get("file") else [],
            by=request.user,
        )
        messages.success(
            request, _("Guidance published to every branch under %(org)s.") % {"org": guidance.organization}
        )
        return redirect("meetings:guidance_detail", pk=guidance.pk)
    return render(request, "meetings/guidance/guidance_form.html", {"form": form})


def _can_manage_guidance(user, guidance) -> bool:
    return any(guidance.organization.path.startswith(org.path) for org in schedule.staff_organizations(user))


@login_required
def guidance_detail(request, pk):
    user = request.user
    guidance = get_object_or_404(schedule.visible_guidance(user).select_related("organization", "published_by"), pk=pk)
    meetings = (
        scope.meetings(user)
        .filter(agenda_items__guidance=guidance)
        .select_related("branch")
        .order_by("branch__path", "planned_start")
    )
    can_manage = _can_manage_guidance(user, guidance)
    return render(
        request,
        "meetings/guidance/guidance_detail.html",
        {
            "guidance": guidance,
            "attachments": guidance.attachments.all(),
            "meetings": meetings,
            "can_manage": can_manage,
            "attachment_form": AttachmentForm() if can_manage else None,
        },
    )


@login_required
@require_POST
def guidance_upload(request, pk):
    guidance = get_object_or_404(schedule.visible_guidance(request.user).select_related("organization"), pk=pk)
    if not _can_manage_guidance(request.user, guidance):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        schedule.attachment_upload(guidance=guidance, upload=form.cleaned_data["file"], by=request.user)
        messages.success(request, _("File uploaded."))
        return redirect("meetings:guidance_detail", pk=guidance.pk)
    return render(
        request,
        "meetings/guidance/guidance_detail.html",
        {
            "guidance": guidance,
            "attachments": guidance.attachments.all(),
            "meetings": [],
            "can_manage": True,
            "attachment_form": form,
        },
        status=400,
    )


# --- Agenda templates ----------------------------------------------------------------------------


def _first_kept_node(request, url_name: str):
    """Commune staff land on the page of the (first) node they keep."""
    organizations = schedule.staff_organizations(request.user)
    if not organizations:
        raise Http404
    return redirect(url_name, pk=organizations[0].pk)


def _kept_node(request, pk) -> Organization:
    """A node whose local practice (agenda template, rules) this user keeps; else 404."""
    organization = get_object_or_404(scope.organizations(request.user), pk=pk)
    if not schedule.can_keep_template(request.user, organization):
        raise Http404
    return organization


@login_required
def agenda_template_home(request):
    return _first_kept_node(request, "meetings:agenda_template")


@login_required
def agenda_template(request, pk):
    organization = _kept_node(request, pk)
    initial = [
        {"title": item.get("title", ""), "kind": item.get("kind"), "minutes": item.get("minutes"), "ORDER": i + 1}
        for i, item in enumerate(schedule.agenda_template_items(organization))
    ]
    formset = AgendaTemplateFormSet(_posted(request), initial=initial, prefix="items")
    if request.method == "POST" and formset.is_valid():
        items = [
            form.cleaned_data
            for form in formset.ordered_forms
            if form.cleaned_data.get("title") and not form.cleaned_data.get("DELETE")
        ]
        if not items:
            formset_error = _("The template needs at least one item.")
            return render(
                request,
                "meetings/agenda_template.html",
                {"formset": formset, "organization": organization, "formset_error": formset_error},
                status=400,
            )
        schedule.agenda_template_save(organization=organization, items=items, by=request.user)
        messages.success(request, _("Agenda template saved. New meetings start from it."))
        return redirect("meetings:agenda_template", pk=organization.pk)
    return render(request, "meetings/agenda_template.html", {"formset": formset, "organization": organization})


# --- Local practice (meeting rules) -------------------------------------------------------


@login_required
def meeting_rules_home(request):
    return _first_kept_node(request, "meetings:rules")


@login_required
def meeting_rules(request, pk):
    """Commune staff set their local practice: lengths, thresholds and the scoring rubric."""
    organization = _kept_node(request, pk)
    current = schedule.rules_for(organization)
    form = MeetingRulesForm(_posted(request), instance=current)
    # Default labels are stored as English msgids; show them in the user's language.
    initial = [{**criterion, "label": _(criterion["label"])} for criterion in current.rubric]
    rubric = RubricFormSet(_posted(request), initial=initial, prefix="rubric")
    if request.method == "POST" and form.is_valid() and rubric.is_valid():
        schedule.meeting_rules_save(
            organization=organization,
            values={name: form.cleaned_data[name] for name in form.Meta.fields},
            rubric=[f.cleaned_data for f in rubric.forms if f.cleaned_data.get("label")],
            by=request.user,
        )
        messages.success(request, _("Saved. Flags and scores of the branches follow these rules from now on."))
        return redirect("meetings:rules", pk=organization.pk)
    inherited = current.pk and current.organization_id != organization.pk
    return render(
        request,
        "meetings/rules.html",
        {"organization": organization, "form": form, "rubric": rubric, "inherited_from": inherited and current},
    )
