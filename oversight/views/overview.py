"""The compliance dashboard: the user's branches over a month, a quarter or a year, by row (the
communes of a province, the branches of a commune), with charts, panels, the drill-down behind
each figure and the .xlsx export. For commune staff and leaders; anyone else gets 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from meetings.models import MeetingRules
from meetings.models.minutes import ScoreLevel
from members.audit import access_log_note
from members.models import AccessLog, Organization
from members.services.exports import XLSX_CONTENT_TYPE
from oversight import access, charts, exports
from oversight.forms.overview import PeriodForm
from oversight.petitions_panel import TEMPLATE as PETITIONS_PANEL
from oversight.petitions_panel import petitions_panel
from oversight.residence_panel import FIGURES as RESIDENCE_FIGURES
from oversight.residence_panel import TEMPLATE as RESIDENCE_PANEL
from oversight.residence_panel import residence_list, residence_panel
from oversight.selectors import overview as selectors

ROWS_PER_PAGE = 30
# The attendance chart's mark: the default of docs/domain.md#local-practice (each commune may set its
# own on the flags page).
MINIMUM_RATE = MeetingRules._meta.get_field("min_attendance_rate").default


def figure_label(figure: str) -> str:
    """The heading of the drill-down behind a figure (a key of selectors.FIGURES)."""
    labels = {
        "branches": _("All branches"),
        "met": _("Branches that met"),
        "missed": _("Branches that missed a month"),
        "pending": _("Branches that have not met yet this month"),
        "thematic": _("Branches with a thematic meeting in the quarter"),
        "thematic_missing": _("Branches with a quarter over without a thematic meeting"),
        "short": _("Branches with meetings under the minimum length"),
        "cadres": _("Branches followed by an assigned cadre"),
        "cadres_absent": _("Branches whose assigned cadre missed a meeting"),
        "attendance": _("Branches with a roll taken"),
        "unscored": _("Branches with meetings not scored"),
        "guidance_missing": _("Branches whose agenda did not take the guidance"),
    }
    for level in ScoreLevel:
        labels[level.value] = pgettext("dashboard", "Branches with meetings scored %(level)s") % {"level": level.label}
        labels[f"rating_{level.value}"] = pgettext("dashboard", "Branches whose year is rated %(level)s") % {
            "level": level.label
        }
    return labels.get(figure, "")


def _node(user, pk: int | None) -> Organization | None:
    """The node asked for (404 outside the user's scope); without one, the user's only node, or
    None for all of them."""
    if pk is None:
        roots = access.roots(user)
        return roots[0] if len(roots) == 1 else None
    node = Organization.objects.filter(pk=pk).first()
    if node is None or not access.can_see_node(user, node):
        raise Http404
    return node


def _breadcrumbs(user, node: Organization | None) -> list[Organization]:
    """The node's ancestors the user oversees (one query), the way back up the tree."""
    if node is None:
        return []
    return [above for above in Organization.objects.get_ancestors(node) if access.can_see_node(user, above)]


def _context(request: HttpRequest, pk: int | None) -> tuple[Organization | None, PeriodForm, selectors.Span]:
    user = request.user
    if not access.can_see_dashboard(user):
        raise Http404
    node = _node(user, pk)
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    return node, form, form.span()


def columns(with_ratings: bool) -> list[tuple[str, str]]:
    """(sort key, heading) of the table's columns (selectors.SORTS)."""
    found = [
        ("name", pgettext("organisation", "Name")),
        ("branches", _("Branches")),
        ("met", _("Met")),
        ("missed", _("Did not meet")),
        ("thematic", _("Thematic")),
        ("short", _("Under 90/120 min")),
        ("cadres", _("Cadres present")),
        ("attendance", _("Attendance")),
        ("good", _("Quality")),
        ("guidance", _("Guidance")),
    ]
    if with_ratings:
        found.append(("rating", _("Year rating")))
    return found


def _panels(request: HttpRequest, overview: selectors.Overview) -> list[tuple[str, dict]]:
    """The panels below the table, each (template, context) when it has something to show."""
    panels = [
        (PETITIONS_PANEL, petitions_panel(request, overview)),
        (RESIDENCE_PANEL, residence_panel(request, overview)),
    ]
    return [(template, panel) for template, panel in panels if panel is not None]


def _period_query(span: selectors.Span) -> str:
    return urlencode({"period": span.kind, "month": f"{span.first:%Y-%m}"})


@login_required
def overview_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    node, form, span = _context(request, pk)
    today = timezone.localdate()
    overview = selectors.overview(user=request.user, node=node, span=span, today=today)
    sort = request.GET.get("sort", "")
    rows = selectors.sorted_rows(overview.rows, sort)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "oversight/overview.html",
        {
            "form": form,
            "overview": overview,
            "node": node,
            "breadcrumbs": _breadcrumbs(request.user, node),
            "span": span,
            "period_query": _period_query(span),
            "previous_query": _period_query(span.shifted(-1)),
            "next_query": _period_query(span.shifted(1)),
            "is_current": span.first <= today.replace(day=1) <= span.last,
            "page": page,
            "rows": shown,
            "sort": sort,
            "columns": columns(overview.with_ratings),
            "sort_query": sort_query.urlencode(),
            "query": query.urlencode(),
            "charts": [charts.met_chart(shown), charts.attendance_chart(shown, MINIMUM_RATE)],
            "chart_width": charts.WIDTH,
            "track_width": charts.WIDTH - charts.TEXT_ROOM,
            "panels": _panels(request, overview),
            "minimum_rate": MINIMUM_RATE,
        },
    )


@login_required
def overview_export(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    node, _form, span = _context(request, pk)
    overview = selectors.overview(user=request.user, node=node, span=span, today=timezone.localdate())
    rows = selectors.sorted_rows(overview.rows, request.GET.get("sort", ""))
    access_log_note(request, action=AccessLog.Action.EXPORT_DASHBOARD, organization_id=node.pk if node else None)
    response = HttpResponse(exports.overview_workbook(overview, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(overview)}"'
    return response


@login_required
def branches_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The branches behind one figure of the table (``figure``), a page at a time."""
    node, form, span = _context(request, pk)
    figure = request.GET.get("figure", "branches")
    if figure not in selectors.FIGURES:
        raise Http404
    page = selectors.branch_page(
        user=request.user, node=node, span=span, today=timezone.localdate(), figure=figure, page=request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "oversight/branches.html",
        {
            "form": form,
            "node": node,
            "span": span,
            "figure": figure,
            "figure_label": figure_label(figure),
            "page": page,
            "query": query.urlencode(),
            "period_query": _period_query(span),
            "with_ratings": span.kind == selectors.PeriodKind.YEAR,
            "minimum_rate": MINIMUM_RATE,
        },
    )


@login_required
def residence_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The linked working members behind one figure of the working members panel (issue 24)."""
    node, _form, span = _context(request, pk)
    figure = request.GET.get("figure", "expected")
    if figure not in RESIDENCE_FIGURES:
        raise Http404
    year = span.last.year
    links = residence_list(request.user, node, year, figure)
    access_log_note(request, action=AccessLog.Action.VIEW_BRANCH, organization_id=node.pk)
    return render(
        request,
        "oversight/residence_list.html",
        {"node": node, "year": year, "figure": figure, "links": links, "breadcrumbs": _breadcrumbs(request.user, node)},
    )
