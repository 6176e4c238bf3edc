"""Roll call on a phone, the attendance sheet, and the guests at a meeting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from meetings import access, counting, selectors, services
from meetings.forms.roll import GuestForm, GuestRecordForm, MarkForm
from meetings.models import Mark, Meeting
from meetings.views import lookups
from members.models import AccessLog

# The one-tap buttons of a roll row, in order. Each is named after its mark, which also gives
# its colour in static/css/chibo.css (.roll), so that no row repeats a list of classes.
ROLL_BUTTONS = [
    {"value": Mark.PRESENT, "label": gettext_lazy("Present")},
    {"value": Mark.LATE, "label": gettext_lazy("Late")},
    {"value": Mark.LEFT_EARLY, "label": gettext_lazy("Left early")},
    {"value": Mark.EXCUSED, "label": gettext_lazy("Absent, with reason")},
    {"value": Mark.UNEXCUSED, "label": gettext_lazy("Absent, no reason")},
]


def _roll_url(meeting: Meeting, member_id: int | None = None) -> str:
    url = reverse("meetings:roll", args=[meeting.pk])
    return f"{url}#roll-{member_id}" if member_id else url


@login_required
def roll_call(request, pk):
    meeting = lookups.meeting_or_404(request, pk)
    user = request.user
    lookups.log_read(request, meeting, AccessLog.Action.VIEW_ROLL)
    sheet = selectors.roll.roll_sheet(meeting)
    context = {
        "meeting": meeting,
        "sheet": sheet,
        "roll": sheet.counts,
        "flags": selectors.roll.roll_flags(meeting, sheet.counts),
        "can_mark": access.can_manage_meeting(user, meeting),
        "show_reasons": access.can_see_absence_reasons(user, meeting),
        "buttons": ROLL_BUTTONS,
    }
    if access.can_log_meeting(user, meeting.branch):
        names = {e.member.pk: e.label or e.member.full_name for e in sheet.entries}
        context["changes"] = [
            {"record": record, "name": names.get(record.member_id, "—"), "mark": Mark(record.mark).label}
            for record in selectors.roll.roll_changes(meeting)
        ]
    return render(request, "meetings/roll/roll.html", context)


@login_required
@require_POST
def roll_mark_remaining(request, pk):
    meeting = lookups.meeting_or_404(request, pk)
    if not access.can_manage_meeting(request.user, meeting):
        raise Http404
    count = services.roll.mark_remaining_present(meeting=meeting, by=request.user)
    messages.success(
        request,
        ngettext("Marked %(count)d member present.", "Marked %(count)d members present.", count) % {"count": count},
    )
    return redirect("meetings:roll", pk=meeting.pk)


@login_required
@require_POST
def roll_mark(request, pk, member_pk):
    meeting = lookups.meeting_or_404(request, pk)
    if not access.can_manage_meeting(request.user, meeting):
        raise Http404
    member = get_object_or_404(counting.roll_candidates(meeting), pk=member_pk)
    form = MarkForm(request.POST)
    error = ""
    if form.is_valid():
        services.roll.record_mark(
            meeting=meeting,
            member=member,
            mark=form.cleaned_data["mark"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    else:
        error = _("Not saved: choose one of the buttons.")
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect(_roll_url(meeting, member.pk))
    # htmx: the row again, and the counts out of band.
    sheet = selectors.roll.roll_sheet(meeting)
    entry, number = sheet.position_of(member.pk)
    context = {
        "meeting": meeting,
        "entry": entry,
        "number": number,
        "can_mark": True,
        "buttons": ROLL_BUTTONS,
        "error": error,
        "focus": True,  # the reason box, when "absent with reason" was just tapped
    }
    row = render_to_string("meetings/roll/_row.html", context, request=request)
    counts = render_to_string(
        "meetings/roll/_counts.html", {"meeting": meeting, "roll": sheet.counts, "oob": True}, request=request
    )
    return HttpResponse(row + counts)


@login_required
def attendance_sheet(request, pk):
    meeting = lookups.meeting_or_404(request, pk)
    lookups.log_read(request, meeting, AccessLog.Action.VIEW_ATTENDANCE)
    sheet = selectors.roll.roll_sheet(meeting)
    return render(
        request,
        "meetings/attendance_sheet.html",
        {"meeting": meeting, "entries": sheet.expected, "guests": meeting.guests.all()},
    )


@login_required
def guest_list(request, pk):
    meeting = lookups.meeting_or_404(request, pk)
    user = request.user
    can_manage = access.can_manage_meeting(user, meeting)
    if request.method == "POST" and not can_manage:
        raise Http404
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        guest = services.cadres.guest_add(
            meeting=meeting, name=form.cleaned_data["name"], title=form.cleaned_data["title"], by=user
        )
        messages.success(request, _("Added %(name)s.") % {"name": guest.name})
        return redirect("meetings:guests", meeting.pk)
    guests = list(meeting.guests.all())
    return render(
        request,
        "meetings/roll/guests.html",
        {
            "meeting": meeting,
            "guests": guests,
            "recordable": access.recordable_guest_ids(user, meeting, guests),
            "can_manage": can_manage,
            "form": form,
        },
    )


@login_required
def guest_record(request, pk, guest_pk):
    meeting = lookups.meeting_or_404(request, pk)
    guest = get_object_or_404(meeting.guests.all(), pk=guest_pk)
    guest.meeting = meeting
    if not access.can_record_guest(request.user, guest):
        raise Http404
    form = GuestRecordForm.for_guest(guest, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.cadres.cadre_record(
            guest=guest,
            attended=form.cleaned_data["attended"],
            remarks=form.cleaned_data["remarks"],
            promises=form.cleaned_data["promises"],
            by=request.user,
        )
        messages.success(request, _("Saved."))
        return redirect("meetings:guests", meeting.pk)
    return render(request, "meetings/roll/guest_form.html", {"meeting": meeting, "guest": guest, "form": form})


@login_required
@require_POST
def guest_remove(request, pk, guest_pk):
    meeting = lookups.meeting_or_404(request, pk)
    if not access.can_manage_meeting(request.user, meeting):
        raise Http404
    guest = get_object_or_404(meeting.guests.filter(expected=False), pk=guest_pk)
    guest.meeting = meeting
    services.cadres.guest_remove(guest=guest, by=request.user)
    messages.success(request, _("Removed %(name)s.") % {"name": guest.name})
    return redirect("meetings:guests", meeting.pk)
