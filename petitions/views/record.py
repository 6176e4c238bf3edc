"""Recording a petition, from a meeting's page during the meeting or between meetings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from meetings.models import Meeting, MeetingStatus
from meetings.offline import keep_offline
from members.ids import query_id
from members.models import Member
from petitions import access
from petitions.forms.record import BranchChoiceForm, PromiseForm, RecordForm
from petitions.services.catalogue import catalogue_ensure
from petitions.services.workflow import meeting_has_come, petition_record, promise_record


@login_required
def petition_record_page(request):
    """``?meeting=<pk>`` (raised at that meeting) or ``?branch=<pk>``; with neither, the only
    branch the user records for, or a choice of branch first."""
    user = request.user
    branches = access.recordable_branches(user).order_by("path")
    meeting = None
    if (meeting_pk := query_id(request, "meeting")) is not None:
        meeting = get_object_or_404(
            Meeting.objects.filter(branch__in=branches)
            .exclude(status=MeetingStatus.CANCELLED)
            .select_related("branch"),
            pk=meeting_pk,
        )
        branch = meeting.branch
        if not meeting_has_come(meeting):
            # Refused before the whole form is filled in, not after.
            messages.error(
                request,
                _(
                    "The meeting of %(day)s has not taken place yet: petitions raised there are recorded at the "
                    "meeting or after it."
                )
                % {"day": meeting.day.strftime("%d/%m/%Y")},
            )
            return redirect(meeting)
    elif (branch_pk := query_id(request, "branch")) is not None:
        branch = get_object_or_404(branches, pk=branch_pk)
    else:
        choices = list(branches[:2])
        if not choices:
            raise Http404
        if len(choices) > 1:
            form = BranchChoiceForm(request.GET or None, branches=branches)
            return render(request, "petitions/record_branch.html", {"form": form})
        branch = choices[0]

    commune = access.commune_of(branch)
    if commune is None:
        raise Http404
    if meeting is not None:
        keep_offline(request, meeting)
    if request.method == "POST":
        catalogue_ensure(commune=commune)  # a write: a commune without a catalogue gets its defaults
    form = RecordForm(
        request.POST if request.method == "POST" else None,
        categories=access.categories(commune),
        members=Member.objects.filter(branch=branch).active().order_by("name_key", "pk"),
        with_meeting=meeting is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            petition = petition_record(
                branch=branch,
                meeting=meeting,
                title=data["title"],
                content=data["content"],
                category=data["category"],
                raised_by_member=data["raised_by_member"],
                resident_name=data["resident_name"],
                resident_phone=data["resident_phone"],
                priority=data["priority"],
                raised_on=data.get("raised_on"),
                submit_key=data["submit_key"],
                by=user,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            for item in error.error_list:
                form.add_error(item.code if item.code in form.fields else None, item)
        else:
            messages.success(request, _("The petition was recorded: %(title)s.") % {"title": petition.title})
            return redirect("petitions:detail", petition.pk)
    return render(request, "petitions/record_form.html", {"form": form, "branch": branch, "meeting": meeting})


@login_required
def promise_record_page(request):
    """``?meeting=<pk>`` (and ``&guest=<pk>``: the cadre whose promises fill the title in). What
    the cadre promised to take back, with a holder and a deadline."""
    branches = access.recordable_branches(request.user)
    meeting = get_object_or_404(
        Meeting.objects.filter(branch__in=branches).exclude(status=MeetingStatus.CANCELLED).select_related("branch"),
        pk=query_id(request, "meeting") or 0,
    )
    if not meeting_has_come(meeting):
        messages.error(
            request,
            _("The meeting of %(day)s has not taken place yet: what the cadre promised is recorded at or after it.")
            % {"day": meeting.day.strftime("%d/%m/%Y")},
        )
        return redirect(meeting)
    branch = meeting.branch
    commune = access.commune_of(branch)
    if commune is None:
        raise Http404
    if request.method == "POST":
        catalogue_ensure(commune=commune)
    initial = {}
    if (guest_pk := query_id(request, "guest")) is not None:
        guest = meeting.guests.filter(pk=guest_pk).first()
        if guest is not None and guest.promises.strip():
            initial = {"title": " ".join(guest.promises.split())[:200], "content": guest.promises.strip()}
    form = PromiseForm(
        request.POST if request.method == "POST" else None, commune=commune, branch=branch, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            promise = promise_record(
                meeting=meeting,
                title=data["title"],
                content=data["content"],
                category=data["category"],
                body=data["body"],
                officer=data["officer"],
                deadline=data["deadline"],
                submit_key=data["submit_key"],
                by=request.user,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            for item in error.error_list:
                form.add_error(item.code if item.code in form.fields else None, item)
        else:
            messages.success(request, _("The cadre's promise is followed up: %(title)s.") % {"title": promise.title})
            return redirect(meeting.get_absolute_url() + "#petitions")
    return render(request, "petitions/promise_form.html", {"form": form, "branch": branch, "meeting": meeting})
