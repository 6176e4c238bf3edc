"""The agenda of a meeting (htmx in place), its files, and the commune's agenda template."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import access, selectors, services
from meetings.forms.agenda import AgendaItemForm, AgendaTemplateFormSet, AttachmentForm
from meetings.models import AgendaItem, Attachment
from meetings.views import lookups
from members.links import SLOT, url_maker


def _agenda_item(request, pk) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__in=access.meetings(request.user)).select_related("meeting__branch"), pk=pk
    )
    if not access.can_manage_meeting(request.user, item.meeting):
        raise Http404
    return item


def _agenda_response(request, meeting, *, error: str = ""):
    """htmx gets the agenda fragment back; a plain form post goes back to the meeting page."""
    if lookups.is_htmx(request):
        context = agenda_context(request, meeting, True)
        context["agenda_error"] = error
        return render(request, "meetings/agenda/_items.html", context)
    if error:
        messages.error(request, error)
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")


def agenda_context(request, meeting, can_manage: bool) -> dict:
    """The agenda part of the meeting page (also swapped in place by htmx)."""
    items = list(selectors.agenda.agenda_items(meeting))
    link_items(items, can_manage=can_manage)
    attachment_form = AttachmentForm(auto_id=False) if can_manage else None
    return {
        "meeting": meeting,
        "agenda_items": items,
        "agenda_minutes": sum(item.planned_minutes or 0 for item in items),
        "can_manage": can_manage,
        "copy_last": can_manage and meeting.allows("copy_last"),
        "agenda_form": AgendaItemForm(auto_id="id_new_%s") if can_manage else None,
        # One CSRF field for the items' many small forms, masked once.
        "csrf_field": csrf_input(request) if can_manage else "",
        # Each item's upload form has the same (unbound, id-less) file picker: rendered once, when
        # the template first shows it (the template calls it).
        "file_pick": functools.cache(
            lambda: render_to_string("_file_pick.html", {"field": attachment_form["file"], "without_id": True})
        )
        if attachment_form
        else "",
        "file_help": AttachmentForm.base_fields["file"].help_text,
    }


def link_items(items: list[AgendaItem], *, can_manage: bool) -> None:
    """Give each item its links (``item.links``) and files (``item.files``, ``item.guidance_files``,
    each with its ``url``, and ``remove_url`` for who manages), each URL reversed once per list
    (``url_maker``) for meetings/agenda/_rows.html."""
    download = url_maker("meetings:attachment_download", SLOT)
    guidance = url_maker("meetings:guidance_detail", SLOT)
    makers = {}
    remove = None
    if can_manage:
        makers = {
            "up": url_maker("meetings:agenda_move", SLOT, "up"),
            "down": url_maker("meetings:agenda_move", SLOT, "down"),
            "edit": url_maker("meetings:agenda_edit", SLOT),
            "delete": url_maker("meetings:agenda_delete", SLOT),
            "upload": url_maker("meetings:attachment_upload", SLOT),
        }
        remove = url_maker("meetings:attachment_delete", SLOT)
    for item in items:
        item.links = {name: make(item.pk) for name, make in makers.items()}
        # The files as lists: the template tests and loops over them without asking a missing
        # guidance for its files (a failed lookup costs an exception per item).
        item.files = list(item.attachments.all())
        item.guidance_files = list(item.guidance.attachments.all()) if item.guidance_id else []
        if item.guidance_id:
            item.links["guidance"] = guidance(item.guidance_id)
        for attachment in item.guidance_files:
            attachment.url = download(attachment.pk)
        for attachment in item.files:
            attachment.url = download(attachment.pk)
            attachment.remove_url = remove(attachment.pk) if remove else ""


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    form = AgendaItemForm(request.POST, auto_id="id_new_%s")
    if not form.is_valid():
        if lookups.is_htmx(request):
            context = agenda_context(request, meeting, True)
            context["agenda_form"] = form
            return render(request, "meetings/agenda/_items.html", context)
        return _agenda_response(request, meeting, error=" ".join(m for e in form.errors.values() for m in e))
    item = services.agenda.agenda_item_add(meeting=meeting, by=request.user, **form.cleaned_data)
    # Said next to the form, where the eye is: the item goes before the closing items, not last.
    done = _("Added “%(title)s” at position %(position)s of the agenda.") % {
        "title": item.title,
        "position": item.position + 1,
    }
    if lookups.is_htmx(request):
        context = agenda_context(request, meeting, True)
        context.update(agenda_done=done, agenda_added=item.pk)
        return render(request, "meetings/agenda/_items.html", context)
    messages.success(request, done)
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"#agenda-item-{item.pk}")


@login_required
def agenda_edit(request, pk):
    item = _agenda_item(request, pk)
    form = AgendaItemForm(lookups.posted(request), instance=item)
    if request.method == "POST" and form.is_valid():
        services.agenda.agenda_item_update(item=item, by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        # Back at the edited item, not the top of the agenda.
        return redirect(reverse("meetings:detail", args=[item.meeting_id]) + f"#agenda-item-{item.pk}")
    return render(request, "meetings/agenda/item_form.html", {"form": form, "item": item, "meeting": item.meeting})


@login_required
@require_POST
def agenda_delete(request, pk):
    item = _agenda_item(request, pk)
    meeting = item.meeting
    services.agenda.agenda_item_remove(item=item, by=request.user)
    return _agenda_response(request, meeting)


@login_required
@require_POST
def agenda_move(request, pk, direction):
    if direction not in ("up", "down"):
        raise Http404
    item = _agenda_item(request, pk)
    services.agenda.agenda_item_move(item=item, direction=direction, by=request.user)
    return _agenda_response(request, item.meeting)


@login_required
@require_POST
def agenda_copy_last(request, pk):
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    try:
        count = services.agenda.agenda_copy_last(meeting=meeting, by=request.user)
    except ValidationError as error:
        return _agenda_response(request, meeting, error=lookups.form_errors(error))
    if not lookups.is_htmx(request):
        messages.success(request, _("Copied %(count)s agenda items from the last meeting.") % {"count": count})
    return _agenda_response(request, meeting)


@login_required
def attachment_upload(request, pk):
    item = _agenda_item(request, pk)
    form = AttachmentForm(lookups.posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.uploads.attachment_upload(agenda_item=item, upload=form.cleaned_data["file"], by=request.user)
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
    attachment = get_object_or_404(access.visible_attachments(request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # meeting papers: no copies in shared caches
    return response


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(
        Attachment.objects.filter(agenda_item__meeting__in=access.meetings(request.user)).select_related(
            "agenda_item__meeting__branch"
        ),
        pk=pk,
    )
    meeting = attachment.agenda_item.meeting
    if not access.can_manage_meeting(request.user, meeting):
        raise Http404
    services.uploads.attachment_remove(attachment=attachment, by=request.user)
    return _agenda_response(request, meeting)


@login_required
def agenda_template_home(request):
    return lookups.first_kept_node(request, "meetings:agenda_template")


@login_required
def agenda_template(request, pk):
    organization = lookups.kept_node(request, pk)
    initial = [
        {"title": item.get("title", ""), "kind": item.get("kind"), "minutes": item.get("minutes"), "ORDER": i + 1}
        for i, item in enumerate(selectors.agenda.agenda_template_items(organization))
    ]
    formset = AgendaTemplateFormSet(lookups.posted(request), initial=initial, prefix="items")
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
        services.agenda.agenda_template_save(organization=organization, items=items, by=request.user)
        messages.success(request, _("Agenda template saved. New meetings start from it."))
        return redirect("meetings:agenda_template", pk=organization.pk)
    return render(request, "meetings/agenda_template.html", {"formset": formset, "organization": organization})
