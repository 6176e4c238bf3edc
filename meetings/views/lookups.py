"""What every meetings view needs: the meeting in the user's scope, form binding, file responses."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control

from meetings import access, documents
from meetings.models import Meeting, MeetingStatus
from members.audit import access_log_note
from members.models import AccessLog, Organization

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A save that started from an older version of the record (see services.versions.StaleEdit).
STALE = 409
# List pages (meetings, guidance).
PAGE_SIZE = 30


def meeting_or_404(request, pk, *, manage: bool = False, related=("branch", "chair", "minute_taker")) -> Meeting:
    """The meeting if the user sees it (and, with ``manage``, may manage it); else 404.
    ``related``: what to read with it (the roll's pages need only the branch)."""
    found = get_object_or_404(access.meetings(request.user).select_related(*related), pk=pk)
    if manage and not access.can_manage_meeting(request.user, found):
        raise Http404
    return found


def downloadable(request, pk) -> Meeting:
    """A meeting whose minutes and resolution this user may download."""
    found = meeting_or_404(request, pk)
    if not access.can_read_records(request.user, found):
        raise Http404
    return found


def with_minutes(meeting: Meeting) -> Meeting:
    """A meeting that has minutes to print: one not yet held (or cancelled) has none."""
    if meeting.status not in (MeetingStatus.HELD, MeetingStatus.ADOPTED):
        raise Http404
    return meeting


def attachment_response(meeting: Meeting, what: str, extension: str, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    draft = documents.is_draft(meeting, what)
    response["Content-Disposition"] = documents.content_disposition(meeting, what, extension, draft=draft)
    patch_cache_control(response, private=True, no_store=True)  # names and absences: never cached
    return response


def pdf_response(request, meeting: Meeting, what: str, render) -> HttpResponse:
    """The PDF ``render()`` makes, as a download; when it takes too long (documents.DocumentTooSlow)
    the meeting's page with a message saying so, and that the DOCX is there."""
    try:
        content = render()
    except documents.DocumentTooSlow as error:
        messages.error(request, str(error))
        return redirect(meeting)
    return attachment_response(meeting, what, "pdf", content, "application/pdf")


def log_read(request, meeting: Meeting, action: AccessLog.Action) -> None:
    """Note in the access log that a page or document naming the branch's members was read (ids only)."""
    access_log_note(request, action=action, organization_id=meeting.branch_id, meeting_id=meeting.pk)


def posted(request):
    """Bind a form on every POST, even an empty one, so missing fields show their errors."""
    return request.POST if request.method == "POST" else None


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def form_errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def read_page(request, meeting: Meeting, template: str, action: AccessLog.Action):
    """Read-only view for those who may not edit; they cannot post here. The records name the
    members and their absences: a read is logged (``action``)."""
    if request.method == "POST":
        raise Http404
    context = {"meeting": meeting, "readable": access.can_read_records(request.user, meeting)}
    if context["readable"]:
        context["doc"] = documents.document_data(meeting, reasons=access.can_see_absence_reasons(request.user, meeting))
        log_read(request, meeting, action)
    context["is_cadre"] = access.is_assigned_cadre(request.user, meeting)
    context["can_amend"] = meeting.is_locked and access.can_correct_meeting(request.user, meeting)
    return render(request, template, context)


def first_kept_node(request, url_name: str):
    """Commune staff land on the page of the (first) node they keep."""
    organizations = access.staff_organizations(request.user)
    if not organizations:
        raise Http404
    return redirect(url_name, pk=organizations[0].pk)


def kept_node(request, pk) -> Organization:
    """A node whose local practice (agenda template, rules) this user keeps; else 404."""
    organization = get_object_or_404(access.organizations(request.user), pk=pk)
    if not access.can_keep_template(request.user, organization):
        raise Http404
    return organization
