"""The flags page: which branches fall behind, for commune staff and leaders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from meetings import access, selectors
from meetings.forms.flags import FlagsFilterForm

BRANCHES_PER_PAGE = 40


@login_required
def flags(request):
    """Per branch: months without a regular meeting, quarters without a thematic one, and the
    meetings that broke a rule. For commune staff and leaders; anyone else gets 404."""
    if not access.can_see_flags(request.user):
        raise Http404
    now = timezone.now()
    default = selectors.flags.Period.ending(timezone.localdate(now))
    branches = access.overseen_branches(request.user).order_by("path")
    form = FlagsFilterForm(request.GET or None, branches=branches, default=default)
    period, chosen = default, None
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["period"]
        chosen = form.cleaned_data["branch"]
    shown = branches.filter(pk=chosen.pk) if chosen else branches
    page = Paginator(shown, BRANCHES_PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.flags.branch_flags(branches=page.object_list, period=period, now=now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/flags/flags.html",
        {
            "form": form,
            "period": period,
            "page": page,
            "rows": rows,
            "flagged": sum(1 for row in rows if row.flag_count),
            "query": query.urlencode(),
        },
    )
