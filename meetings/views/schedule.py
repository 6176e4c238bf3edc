"""The meeting list, creating a meeting, what the meeting page shows of meetings and the status
changes (the page itself is portal's: it adds the apps' panels)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from meetings import access, months, reminders, selectors, services
from meetings.forms.schedule import (
    HeldForm,
    MeetingCreateForm,
    MeetingEditForm,
    MeetingFilterForm,
    MeetingMoveForm,
    ReasonForm,
)
from meetings.models import MeetingMove
from meetings.views import lookups
from meetings.views.agenda import agenda_context
from members.forms.picker import use_branch_picker
from members.ids import query_id
from members.models import AccessLog, Member
from notifications.selectors import channel_counts


def _page_form(request, template_context: dict):
    return render(request, "meetings/meeting_form.html", template_context)


@login_required
def meeting_list(request):
    user = request.user
    branches = access.organizations(user).filter(kind="branch").order_by("path")
    filter_form = MeetingFilterForm(request.GET or None, branches=branches)
    use_branch_picker(filter_form.fields["branch"], user)
    meetings = access.meetings(user).select_related("branch").order_by("-planned_start", "-pk")
    if filter_form.is_valid():
        if branch := filter_form.cleaned_data["branch"]:
            meetings = meetings.filter(branch=branch)
        if month := filter_form.cleaned_data["month"]:
            meetings = meetings.filter(month=months.first_of_month(month))
    page = Paginator(meetings, lookups.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "query": query.urlencode(),
            "can_create": access.editable_branches(user).exists(),
            "can_publish": bool(access.staff_organizations(user)),
        },
    )


@login_required
def meeting_create(request):
    user = request.user
    branches = access.editable_branches(user).order_by("path")
    if not branches.exists():
        raise Http404
    can_log = bool(access.staff_organizations(user))
    initial = {}
    if (branch_id := query_id(request, "branch")) is not None:
        initial["branch"] = get_object_or_404(branches, pk=branch_id)
        initial["place"] = initial["branch"].meeting_place
    form = MeetingCreateForm(lookups.posted(request), branches=branches, can_log=can_log, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        held = data.get("held", False)
        if held and not access.can_log_reported(user, data["branch"]):
            form.add_error("held", _("Only commune staff may log a meeting the branch reported."))
        else:
            try:
                meeting = services.schedule.meeting_create(
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


def _related_or_none(meeting, name):
    try:
        return getattr(meeting, name)
    except ObjectDoesNotExist:
        return None


def meeting_page_context(request, pk) -> dict:
    """What the meeting page (``portal.views.meetings``) shows of meetings: the agenda, the roll,
    guests, records, moves and the status buttons. 404 outside the user's scope."""
    user = request.user
    meeting = get_object_or_404(
        access.meetings(user)
        .select_related("branch", "minutes", "resolution")
        # Only the names of the chair and the minute-taker are shown: not two whole member rows.
        .annotate(
            chair_name=F("chair__full_name"),
            minute_taker_name=F("minute_taker__full_name"),
            has_moves=Exists(MeetingMove.objects.filter(meeting=OuterRef("pk"))),
        ),
        pk=pk,
    )
    can_manage = access.can_manage_meeting(user, meeting)
    context = agenda_context(request, meeting, can_manage)
    counts = selectors.roll.count_roll(meeting)
    if counts.absentees:  # the absent members by name (with their reasons for some readers)
        lookups.log_read(request, meeting, AccessLog.Action.VIEW_MEETING)
    context.update(
        {
            "roll": counts,
            "roll_flags": selectors.roll.roll_flags(meeting, counts),
            "show_reasons": access.can_see_absence_reasons(user, meeting),
            "guests": meeting.guests.select_related("cadre"),
            "minutes": _related_or_none(meeting, "minutes"),
            "resolution": _related_or_none(meeting, "resolution"),
            "is_cadre": access.is_assigned_cadre(user, meeting),
            "moves": meeting.moves.all() if meeting.has_moves else [],  # most meetings: no query
            "actions": meeting.allowed_actions() if can_manage else {},
            "notice_rows": reminders.notice_rows(meeting) if can_manage and meeting.notice_sent_at else None,
        }
    )
    return context


@login_required
def meeting_edit(request, pk):
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    form = MeetingEditForm(lookups.posted(request), instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.schedule.meeting_update(
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
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    form = MeetingMoveForm(lookups.posted(request), initial=HeldForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.schedule.meeting_move(
                meeting=meeting, new_start=data["start"], new_end=data["end"], reason=data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Meeting moved. Send the notice again with the new time."))
            return redirect(meeting)
    return _page_form(request, {"form": form, "meeting": meeting, "title": _("Move the meeting"), "submit": _("Move")})


def _reason_action(request, pk, *, service, title, submit, done):
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    form = ReasonForm(lookups.posted(request))
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
        service=services.schedule.meeting_cancel,
        title=_("Cancel the meeting"),
        submit=_("Cancel the meeting"),
        done=_("Meeting cancelled."),
    )


@login_required
def meeting_postpone(request, pk):
    return _reason_action(
        request,
        pk,
        service=services.schedule.meeting_postpone,
        title=_("Postpone the meeting"),
        submit=_("Postpone"),
        done=_("Meeting postponed. Move it to a new date when one is agreed."),
    )


@login_required
def meeting_send_notice(request, pk):
    """GET: who will be told and by which channel; POST: send it."""
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    if request.method != "POST":
        try:
            meeting.check_allows("notice")
        except ValidationError as error:
            messages.error(request, lookups.form_errors(error))
            return redirect(meeting)
        told = reminders.audience(meeting)
        channels = channel_counts(told.users)
        by_phone = len(told.by_phone)
        return render(
            request,
            "meetings/notice_confirm.html",
            {
                "meeting": meeting,
                "recipients": len(told.users) + by_phone,
                # Members without a login are told by SMS on the register's number.
                "channels": {**channels, "sms": channels["sms"] + by_phone},
                "by_phone": by_phone,
                "unreachable": _unreachable_rows(told),
            },
        )
    try:
        services.schedule.meeting_send_notice(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, lookups.form_errors(error))
    else:
        messages.success(request, _("The notice is recorded as sent."))
    return redirect(meeting)


def _unreachable_rows(told) -> list[dict]:
    """The expected members no message reaches, for the secretary to tell in person."""
    reasons = {
        reminders.NO_NUMBER: _("no phone number on the register"),
        reminders.NOT_MOBILE: _("the register's number is not a mobile number"),
        reminders.OPTED_OUT: _("does not want SMS"),
    }
    members = [member for member, _reason in told.unreachable]
    labels = Member.labels(members)
    return [
        {"member": member, "label": labels[member.pk], "place": member.place, "reason": reasons[reason]}
        for member, reason in told.unreachable
    ]


@login_required
def meeting_notice_unreachable(request, pk):
    """The printable list of expected members the notice does not reach (no login and no mobile
    number, or no SMS wanted), before or after it is sent."""
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    told = reminders.audience(meeting)
    return render(
        request, "meetings/notice_unreachable.html", {"meeting": meeting, "unreachable": _unreachable_rows(told)}
    )


@login_required
def meeting_mark_held(request, pk):
    meeting = lookups.meeting_or_404(request, pk, manage=True)
    form = HeldForm(lookups.posted(request), initial=HeldForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule.meeting_mark_held(
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
