"""The working members panel below the dashboard's table (QĐ 213, HD 33; issue 24): per row of the
dashboard (a commune, a branch), the linked working members expected at residence meetings in the
year of the period's last month, those who attended at least once, and the yearly comments due,
written and sent. One query; nothing shown (``None``) when no link is in force. Each figure opens
the list behind it (``residence_list``)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from meetings.models import CommentStatus, LinkedAttendance, LinkedMark, ResidenceComment
from members.access import residence_links
from members.models import Organization, ResidenceLink
from oversight import access
from oversight.selectors.overview import Overview, group_expression

TEMPLATE = "oversight/panels/residence.html"
FIGURES = ("expected", "attended", "written", "sent", "missing")


def _annotated(user, scope: list[Organization], year: int) -> QuerySet[ResidenceLink]:
    """The links of the expected category in force in the year, with residence branches under
    ``scope``, each marked with what the figures count."""
    came = LinkedAttendance.objects.filter(link=OuterRef("pk"), mark=LinkedMark.CAME, meeting__month__year=year)
    comments = ResidenceComment.objects.filter(link=OuterRef("pk"), year=year)
    return (
        residence_links(user)
        .in_year(year)
        .expected()
        .filter(access.under_q(scope, prefix="residence_branch__"))
        .annotate(
            attended=Exists(came),
            written=Exists(comments),
            sent=Exists(comments.filter(status=CommentStatus.SENT)),
        )
    )


def residence_panel(request, overview: Overview) -> dict | None:
    rows = [row.node for row in overview.rows]
    if not rows:
        return None
    year = overview.span.last.year
    scope = [overview.node] if overview.node is not None else rows
    counts = (
        _annotated(request.user, scope, year)
        .annotate(group=group_expression(rows, prefix="residence_branch__"))
        .values("group")
        .annotate(
            expected=Count("pk"),
            attended_count=Count("pk", filter=Q(attended=True)),
            written_count=Count("pk", filter=Q(written=True)),
            sent_count=Count("pk", filter=Q(sent=True)),
        )
        .order_by()
    )
    by_group = {values["group"]: values for values in counts}
    lines = []
    for row in rows:
        if row.path in by_group:
            values = by_group[row.path]
            lines.append(
                (
                    row,
                    {
                        "expected": values["expected"],
                        "attended": values["attended_count"],
                        "written": values["written_count"],
                        "sent": values["sent_count"],
                        "missing": values["expected"] - values["sent_count"],
                    },
                )
            )
    if not lines:
        return None
    total = {key: sum(figures[key] for _row, figures in lines) for key in FIGURES}
    return {"lines": lines, "total": total, "year": year}


def residence_list(user, node: Organization, year: int, figure: str) -> list[ResidenceLink]:
    """The links behind one figure of the panel, for one row (a commune or a branch)."""
    links = _annotated(user, [node], year).select_related("member__branch", "residence_branch")
    wanted = {
        "expected": {},
        "attended": {"attended": True},
        "written": {"written": True},
        "sent": {"sent": True},
        "missing": {"sent": False},
    }[figure]
    return list(links.filter(**wanted).order_by("residence_branch__path", "member__name_key", "pk"))
