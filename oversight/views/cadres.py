"""The report of whether assigned cadres attend their branches' meetings, per cadre and for one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from meetings import access
from members.models import Member
from oversight import selectors
from oversight.forms.cadres import PeriodForm

CADRES_PER_PAGE = 50


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
        "oversight/cadres/report.html",
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
        "oversight/cadres/cadre_detail.html",
        {"cadre": cadre, "row": rows[0] if rows else None, "form": form, "start": start, "end": end},
    )
