"""Cadre assignments: who follows which branch (the attendance report is oversight's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import access, services
from meetings.forms.cadres import AssignmentEndForm, CadreAssignmentForm
from meetings.models import CadreAssignment
from members.ids import query_id


@login_required
def assignment_list(request):
    user = request.user
    followed = access.overseen_branches(user)
    assignable = access.cadre_assignable_branches(user)
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
    branches = access.cadre_assignable_branches(user).order_by("path")
    if not branches.exists():
        raise Http404
    initial = {"started_on": timezone.localdate()}
    if (branch_id := query_id(request, "branch", strict=False)) is not None:
        initial["branch"] = branches.filter(pk=branch_id).first()
    form = CadreAssignmentForm(
        request.POST or None, cadres=access.members(user).active(), branches=branches, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        assignment = services.cadres.assignment_create(**form.cleaned_data, by=user)
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
        CadreAssignment.objects.filter(branch__in=access.cadre_assignable_branches(user)).select_related(
            "cadre", "branch"
        ),
        pk=pk,
    )
    if assignment.ended_on:
        messages.info(request, _("This assignment has already ended."))
        return redirect("meetings:cadre_assignments")
    form = AssignmentEndForm(request.POST or None, assignment=assignment, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.cadres.assignment_end(assignment=assignment, ended_on=form.cleaned_data["ended_on"], by=user)
        messages.success(request, _("The assignment has ended."))
        return redirect("meetings:cadre_assignments")
    return render(request, "meetings/cadres/assignment_end.html", {"form": form, "assignment": assignment})
