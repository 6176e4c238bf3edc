"""Cadre assignments and the report of whether assigned cadres attend."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import access, selectors, services
from meetings.forms.cadres import AssignmentEndForm, CadreAssignmentForm, PeriodForm
from meetings.models import CadreAssignment
from members.ids import query_id
from members.models import Member

CADRES_PER_PAGE = 50


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


def _period(request) -> tuple[PeriodForm, tuple]:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial=PeriodForm.default_period(today))
    if form.is_bound and form.is_valid():
        return form, (form.cleaned_data["start"], form.cleaned_data["end"])
    default = PeriodForm.default_period(today)
    return form, (default["start"], default["end"])


def _counted_page(listed, number) -> Page:
    """``Paginator(listed).get_page(number)`` in one query: each row of ``listed`` carries the
    ``total`` count. A number past the last page or below 1 falls back to the paginator (which
    shows the last page, as ``get_page`` does)."""
    paginator = Paginator(listed, CADRES_PER_PAGE)
    try:
        number = int(number) if number is not None else 1
    except (TypeError, ValueError):
        number = 1
    if number < 1:
        return paginator.get_page(number)
    bottom = (number - 1) * CADRES_PER_PAGE
    rows = list(listed[bottom : bottom + CADRES_PER_PAGE])
    if not rows and number > 1:
        return paginator.get_page(number)
    paginator.count = rows[0]["total"] if rows else 0  # the paginator then asks no COUNT query
    return Page(rows, number, paginator)


@login_required
def cadre_report(request):
    """Per cadre: meetings expected against meetings attended. Commune staff and leaders see the
    cadres following their branches; a cadre sees their own line."""
    user = request.user
    form, (start, end) = _period(request)
    branches, cadres = access.cadre_report_scope(user)
    if not branches.exists():
        raise Http404
    # Counted in SQL and paged: a province has hundreds of cadres and tens of thousands of meetings.
    listed = selectors.cadres.report_cadres(branches=branches, start=start, end=end, cadres=cadres)
    page = _counted_page(listed, request.GET.get("page"))
    ids = [row["cadre_id"] for row in page.object_list]
    # Unordered, put in the page's order: the counts need not join the cadres' records to sort.
    counted = selectors.cadres.cadre_counts(branches=branches, start=start, end=end, cadres=ids).order_by()
    counts = {row["cadre_id"]: row for row in counted}
    rows = selectors.cadres.cadre_count_rows(
        [counts[pk] for pk in ids if pk in counts], branches=branches, start=start, end=end
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/cadres/report.html",
        {
            "rows": rows,
            "page": page,
            "form": form,
            "start": start,
            "end": end,
            "query": query.urlencode(),
        },
    )


@login_required
def cadre_detail(request, member_pk):
    """One cadre's expected meetings over the period, each with whether they came."""
    user = request.user
    form, (start, end) = _period(request)
    branches, _cadres = access.cadre_report_scope(user, member_pk)
    if not branches.exists():
        raise Http404
    cadre = get_object_or_404(Member.objects.filter(cadre_assignments__branch__in=branches).distinct(), pk=member_pk)
    rows = selectors.cadres.cadre_report(branches=branches, start=start, end=end, cadres=[cadre])
    return render(
        request,
        "meetings/cadres/cadre_detail.html",
        {"cadre": cadre, "row": rows[0] if rows else None, "form": form, "start": start, "end": end},
    )
