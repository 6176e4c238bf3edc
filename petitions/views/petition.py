"""A petition's page: what it asks, where it stands, its timeline, and the user's actions."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.audit import access_log_note
from members.models import AccessLog
from petitions import access
from petitions.forms.actions import ActionForm
from petitions.models import EventKind, Petition, ToldHow, default_deadline
from petitions.selectors.review import petition_timeline
from petitions.services import workflow

from . import lookups


def _day(value) -> str:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else ""


def _default_deadline(petition: Petition) -> datetime.date | None:
    """The forward form's hint; none for a day raised stored far outside the calendar."""
    try:
        return default_deadline(petition.category, max(timezone.localdate(), petition.raised_on))
    except (OverflowError, ValueError):
        return None


def _who(data: dict) -> str:
    return " · ".join(part for part in (data.get("body"), data.get("officer")) if part)


def event_details(event) -> list[str]:
    """What changed, in words, from the event's data (old and new deadline, body, officer…)."""
    data, kind, lines = event.data or {}, event.kind, []
    if kind == EventKind.FORWARDED:
        lines.append(_who(data))
        if data.get("deadline"):
            lines.append(_("Deadline: %(day)s") % {"day": _day(data["deadline"])})
    elif kind == EventKind.ASSIGNED:
        lines.append(f"{_who(data.get('old') or {}) or '—'} → {_who(data.get('new') or {}) or '—'}")
    elif kind == EventKind.STARTED:
        lines.append(_who(data))
    elif kind == EventKind.DEADLINE_SET:
        lines.append(_("Deadline: %(day)s") % {"day": _day(data.get("new_deadline"))})
    elif kind == EventKind.DEADLINE_EXTENDED:
        lines.append(
            _("Deadline: %(old)s → %(new)s")
            % {"old": _day(data.get("old_deadline")), "new": _day(data.get("new_deadline"))}
        )
    elif kind == EventKind.ESCALATED:
        lines.append(
            _("Sent to %(to)s on %(day)s") % {"to": data.get("escalated_to", ""), "day": _day(data.get("escalated_on"))}
        )
        if data.get("expected_answer_by"):
            lines.append(_("Answer expected by %(day)s") % {"day": _day(data["expected_answer_by"])})
    elif kind == EventKind.NOT_COMPETENT:
        lines.append(_("Decided by: %(body)s") % {"body": data.get("competent_body", "")})
    elif kind == EventKind.TOLD_RESIDENT:
        how = dict(ToldHow.choices).get(data.get("how"), "")
        lines.append(f"{how} · {_day(data.get('told_on'))} · {data.get('told_by', '')}")
    elif kind == EventKind.ANSWERED and data.get("answered_on"):
        lines.append(_("Answered on %(day)s") % {"day": _day(data["answered_on"])})
    return [line for line in lines if line]


# Actions done at a meeting of the branch (their form offers the meetings held or on their day).
AT_A_MEETING = ("report_back", "report_outcome", "answer_at_meeting")


def _forms(request, petition: Petition, allowed: list[workflow.Action], commune, bound: ActionForm | None):
    forms = []
    for action in allowed:
        if bound is not None and bound.action == action.name:
            form = bound
        else:
            kwargs = {"action": action.name, "petition": petition, "commune": commune}
            if action.name == "forward":
                kwargs["default_deadline"] = _default_deadline(petition)
            if action.name == "tell_resident":
                kwargs["user"] = request.user
            form = action.form(**kwargs)
            # Offered only where it can succeed: a meeting held (or on its day) to choose.
            if action.name in AT_A_MEETING and not form.fields["meeting"].queryset.exists():
                continue
        forms.append({"action": action.name, "form": form, "label": action.label, "main": action.main})
    return forms


def _render(request, petition: Petition, bound: ActionForm | None = None, status: int = 200):
    user = request.user
    commune = petition.category.commune
    allowed = workflow.allowed_actions(user, petition)
    events = list(petition_timeline(petition))
    show_contact = access.can_see_contact(user, petition)
    if show_contact:  # the resident's name and phone number
        access_log_note(
            request, action=AccessLog.Action.VIEW_PETITION, organization_id=petition.branch_id, petition_id=petition.pk
        )
    context = {
        "petition": petition,
        "timeline": [(event, event_details(event)) for event in events],
        "attachments": petition.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk"),
        "show_contact": show_contact,
        "meeting_links": access.can_open_meetings(user, petition),
        "action_forms": _forms(request, petition, allowed, commune, bound),
        "bound_action": bound.action if bound is not None else None,
        "today": timezone.localdate(),
    }
    return render(request, "petitions/petition_detail.html", context, status=status)


@login_required
def petition_detail(request, pk):
    petition = lookups.petition_or_404(request, pk)
    return _render(request, petition)


def _add_service_error(form: ActionForm, error: ValidationError) -> None:
    for item in error.error_list:
        field = item.code if item.code in form.fields and item.code != "version" else None
        form.add_error(field, item)


def _confirm_hand_over(request, action: str, petition: Petition) -> str:
    """After a forward or reassignment: the resulting deadline (added to the confirmation), and a
    warning when nobody holds it."""
    if action not in ("forward", "assign"):
        return ""
    petition.refresh_from_db(fields=["body", "officer", "deadline"])
    deadline = _("Deadline: %(day)s") % {"day": _day(petition.deadline)} if petition.deadline else ""
    if petition.officer_id is None and not petition.body.officers.filter(is_active=True).exists():
        messages.warning(
            request,
            _(
                "%(body)s has no officer on the system: nobody holds the petition yet. The commune staff are "
                "reminded each working day until someone does."
            )
            % {"body": petition.body.name},
        )
    return f"{deadline}." if deadline and action == "forward" else ""


@login_required
@require_POST
def petition_action(request, pk, action):
    """Every action of the table: 404 unless the user may take it; its service decides the rest."""
    spec = workflow.ACTIONS.get(action)
    if spec is None:
        raise Http404
    user = request.user
    petition = lookups.petition_or_404(request, pk)
    if not access.may(user, spec, petition):
        raise Http404
    if not petition.allows(spec):
        try:
            petition.check_allows(spec)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("petitions:detail", petition.pk)
    form = spec.form(request.POST, request.FILES, action=action, petition=petition, commune=petition.category.commune)
    if form.is_valid():
        try:
            spec.service(
                petition=petition, by=user, expected_version=form.cleaned_data.get("version"), **form.service_kwargs()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            saved = _("Saved: %(what)s.") % {"what": str(spec.label).lower()}
            messages.success(
                request, " ".join(part for part in (saved, _confirm_hand_over(request, action, petition)) if part)
            )
            # A form on another page (the meeting page's petitions panel) says where to go back to.
            back = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return redirect(back)
            return redirect("petitions:detail", petition.pk)
    return _render(request, petition, bound=form)


@login_required
def attachment_download(request, pk):
    """Files are served only through here, within scope; never from a public media URL."""
    attachment = get_object_or_404(access.attachments(request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
