"""Roll call on a phone, the printable attendance sheet, guests and higher-level cadres."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from members import scope
from members.models import Member, Organization

from .. import roll
from ..forms_roll import AssignmentEndForm, CadreAssignmentForm, GuestForm, GuestRecordForm, MarkForm, PeriodForm
from ..models import CadreAssignment, Mark, Meeting

# The one-tap buttons of a roll row, in order. Each is named after its mark, which also gives
# its colour in static/css/chibo.css (.roll), so that no row repeats a list of classes.
ROLL_BUTTONS = [
    {"value": Mark.PRESENT, "label": gettext_lazy("Present")},
    {"value": Mark.LATE, "label": gettext_lazy("Late")},
    {"value": Mark.LEFT_EARLY, "label": gettext_lazy("Left early")},
    {"value": Mark.EXCUSED, "label": gettext_lazy("Absent, with reason")},
    {"value": Mark.UNEXCUSED, "label": gettext_lazy("Absent, no reason")},
]


def _meeting(request, pk) -> Meeting:
    return get_object_or_404(scope.meetings(request.user).select_related("branch"), pk=pk)


def _roll_url(meeting: Meeting, member_id: int | None = None) -> str:
    url = reverse("meetings:roll", args=[meeting.pk])
    return f"{url}#roll-{member_id}" if member_id else url


# --- Roll call -----------------------------------------------------------------------------


@login_required
def roll_call(request, pk):
    meeting = _meeting(request, pk)
    user = request.user
    sheet = roll.roll_sheet(meeting)
    context = {
        "meeting": meeting,
        "sheet": sheet,
        "roll": sheet.counts,
        "flags": roll.roll_flags(meeting, sheet.counts),
        "can_mark": scope.can_manage_meeting(user, meeting),
        "show_reasons": scope.can_see_absence_reasons(user, meeting),
        "buttons": ROLL_BUTTONS,
    }
    if scope.can_log_meeting(user, meeting.branch):
        names = {e.member.pk: e.member.full_name for e in sheet.entries}
        context["changes"] = [
            {"record": record, "name": names.get(record.member_id, "—"), "mark": Mark(record.mark).label}
            for record in roll.roll_changes(meeting)
        ]
    return render(request, "meetings/roll/roll.html", context)


@login_required
@require_POST
def roll_mark_remaining(request, pk):
    meeting = _meeting(request, pk)
    if not scope.can_manage_meeting(request.user, meeting):
        raise Http404
    count = roll.mark_remaining_present(meeting=meeting, by=request.user)
    messages.success(
        request,
        ngettext("Marked %(count)d member present.", "Marked %(count)d members present.", count) % {"count": count},
    )
    return redirect("meetings:roll", pk=meeting.pk)


@login_required
@require_POST
def roll_mark(request, pk, member_pk):
    meeting = _meeting(request, pk)
    if not scope.can_manage_meeting(request.user, meeting):
        raise Http404
    member = get_object_or_404(roll.roll_candidates(meeting), pk=member_pk)
    form = MarkForm(request.POST)
    error = ""
    if form.is_valid():
        roll.record_mark(
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
    sheet = roll.roll_sheet(meeting)
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
    meeting = _meeting(request, pk)
    sheet = roll.roll_sheet(meeting)
    return render(
        request,
        "meetings/attendance_sheet.html",
        {"meeting": meeting, "entries": sheet.expected, "guests": meeting.guests.all()},
    )


# --- Guests --------------------------------------------------------------------------------


@login_required
def guest_list(request, pk):
    meeting = _meeting(request, pk)
    user = request.user
    can_manage = scope.can_manage_meeting(user, meeting)
    if request.method == "POST" and not can_manage:
        raise Http404
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        guest = roll.guest_add(
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
            "recordable": roll.recordable_guest_ids(user, meeting, guests),
            "can_manage": can_manage,
            "form": form,
        },
    )


@login_required
def guest_record(request, pk, guest_pk):
    meeting = _meeting(request, pk)
    guest = get_object_or_404(meeting.guests.all(), pk=guest_pk)
    guest.meeting = meeting
    if not roll.can_record_guest(request.user, guest):
        raise Http404
    form = GuestRecordForm.for_guest(guest, request.POST or None)
    if request.method == "POST" and form.is_valid():
        roll.cadre_record(
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
    meeting = _meeting(request, pk)
    if not scope.can_manage_meeting(request.user, meeting):
        raise Http404
    guest = get_object_or_404(meeting.guests.filter(expected=False), pk=guest_pk)
    guest.meeting = meeting
    roll.guest_remove(guest=guest, by=request.user)
    messages.success(request, _("Removed %(name)s.") % {"name": guest.name})
    return redirect("meetings:guests", meeting.pk)


# --- Cadre assignments and the per-cadre report ------------------------------------------


@login_required
def assignment_list(request):
    user = request.user
    followed = scope.commune_staff_branches(user)
    assignable = roll.cadre_assignable_branches(user)
    if not (followed.exists() or assignable.exists()):
        raise Http404
    assignments = (
        CadreAssignment.objects.filter(branch__in=followed)
        .select_related("cadre", "branch")
        .order_by("branch__path", "-started_on", "pk")
    )
    return render(
        request,
        "meetings/cadres/assignment_list.html",
        {
            "assignments": assignments,
            "assignable_ids": set(assignable.values_list("pk", flat=True)),
            "can_assign": assignable.exists(),
            "today": timezone.localdate(),
        },
    )


@login_required
def assignment_create(request):
    user = request.user
    branches = roll.cadre_assignable_branches(user).order_by("path")
    if not branches.exists():
        raise Http404
    initial = {"started_on": timezone.localdate()}
    if (branch_id := request.GET.get("branch", "")).isdigit():
        initial["branch"] = branches.filter(pk=branch_id).first()
    form = CadreAssignmentForm(
        request.POST or None, cadres=scope.members(user).active(), branches=branches, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        assignment = roll.assignment_create(**form.cleaned_data, by=user)
        messages.success(
            request,
            _("%(cadre)s now follows %(branch)s.") % {"cadre": assignment.cadre, "branch": assignment.branch},
        )
        return redirect("meetings:cadre_assignments")
    return render(request, "meetings/cadres/assignment_form.html", {"form": form})


@login_required
def assignment_end(request, pk):
    user = request.user
    assignment = get_object_or_404(
        CadreAssignment.objects.filter(branch__in=roll.cadre_assignable_branches(user)).select_related(
            "cadre", "branch"
        ),
        pk=pk,
    )
    if assignment.ended_on:
        messages.info(request, _("This assignment has already ended."))
        return redirect("meetings:cadre_assignments")
    form = AssignmentEndForm(request.POST or None, assignment=assignment, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        roll.assignment_end(assignment=assignment, ended_on=form.cleaned_data["ended_on"], by=user)
        messages.success(request, _("The assignment has ended."))
        return redirect("meetings:cadre_assignments")
    return render(request, "meetings/cadres/assignment_end.html", {"form": form, "assignment": assignment})


def _period(request) -> tuple[PeriodForm, tuple]:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial=PeriodForm.default_period(today))
    if form.is_bound and form.is_valid():
        return form, (form.cleaned_data["start"], form.cleaned_data["end"])
    default = PeriodForm.default_period(today)
    return form, (default["start"], default["end"])


def _own_member(user) -> Member | None:
    return Member.objects.filter(user=user).first() if user.is_authenticated else None


@login_required
def cadre_report(request):
    """Per cadre: meetings expected against meetings attended. Commune staff and leaders see the
    cadres following their branches; a cadre sees their own line."""
    user = request.user
    form, (start, end) = _period(request)
    branches = scope.commune_staff_branches(user)
    cadres = None
    if not branches.exists():
        own = _own_member(user)
        if own is None or not own.cadre_assignments.exists():
            raise Http404
        branches = Organization.objects.filter(cadre_assignments__cadre=own)
        cadres = [own]
    rows = roll.cadre_report(branches=branches, start=start, end=end, cadres=cadres)
    return render(
        request,
        "meetings/cadres/report.html",
        {"rows": rows, "form": form, "start": start, "end": end, "query": request.GET.urlencode()},
    )


@login_required
def cadre_detail(request, member_pk):
    """One cadre's expected meetings over the period, each with whether they came."""
    user = request.user
    form, (start, end) = _period(request)
    branches = scope.commune_staff_branches(user).filter(cadre_assignments__cadre_id=member_pk).distinct()
    if not branches.exists():
        own = _own_member(user)
        if own is None or own.pk != member_pk:
            raise Http404
        branches = Organization.objects.filter(cadre_assignments__cadre=own).distinct()
    cadre = get_object_or_404(Member.objects.filter(cadre_assignments__branch__in=branches).distinct(), pk=member_pk)
    rows = roll.cadre_report(branches=branches, start=start, end=end, cadres=[cadre])
    return render(
        request,
        "meetings/cadres/cadre_detail.html",
        {"cadre": cadre, "row": rows[0] if rows else None, "form": form, "start": start, "end": end},
    )
