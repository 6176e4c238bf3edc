"""The flags page: which branches fall behind, for commune staff and leaders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from meetings import access
from members.audit import access_log_note_branches
from members.forms.picker import use_branch_picker
from members.models import BRANCH_MINIMUM, AccessLog
from members.selectors import small_branches
from oversight import selectors
from oversight.forms.flags import FlagsFilterForm

BRANCHES_PER_PAGE = 40


# Up to this many branches the page ranks them all (most serious first) before paging; above it
# (a whole province) each page is ranked on its own so the page stays a fixed number of queries.
RANK_ALL_UP_TO = 400


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
    use_branch_picker(form.fields["branch"], request.user)
    period, chosen = default, None
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["period"]
        chosen = form.cleaned_data["branch"]
    shown = branches.filter(pk=chosen.pk) if chosen else branches
    count = shown.count()
    if count <= RANK_ALL_UP_TO:
        ranked = selectors.flags.rank_branches(selectors.flags.branch_flags(branches=shown, period=period, now=now))
        page = Paginator(ranked, BRANCHES_PER_PAGE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
    else:
        paginator = Paginator(shown, BRANCHES_PER_PAGE)
        paginator.count = count  # (counted once: a province's branches take a scan of the organisations)
        page = paginator.get_page(request.GET.get("page"))
        rows = selectors.flags.branch_flags(branches=page.object_list, period=period, now=now)
        rows = selectors.flags.rank_branches(rows)
    ratings = selectors.ratings.annual_ratings(
        branches=[row.branch for row in rows],
        year=period.last.year,
        today=timezone.localdate(now),
        rules={row.branch.pk: row.rules for row in rows},
    )
    for row in rows:
        row.rating = ratings[row.branch.pk]
    # Too few full members to be a branch (Điều lệ Đảng): all of a commune's branches, or (a
    # province's thousands) those on this page; one query.
    small = small_branches(shown if count <= RANK_ALL_UP_TO else shown.filter(pk__in=[row.branch.pk for row in rows]))
    # The members each branch should consider removing, by name: logged per branch shown.
    access_log_note_branches(
        request, action=AccessLog.Action.VIEW_FLAGS, organization_ids=(row.branch.pk for row in rows)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "oversight/flags/flags.html",
        {
            "form": form,
            "period": period,
            "page": page,
            "rows": rows,
            "flagged": sum(1 for row in rows if row.flag_count),
            "small_branches": list(small),
            "full_minimum": BRANCH_MINIMUM,
            "query": query.urlencode(),
        },
    )
