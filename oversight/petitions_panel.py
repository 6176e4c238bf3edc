"""The petitions panel below the dashboard's table: per row of the dashboard, the petitions raised
in the period, how many are answered, still open, and overdue as of today (``petitions.selectors.review.overdue_q``).
One query; nothing shown (``None``) to a user who sees no petitions, or when none was raised.
It receives the page's ``Overview`` (the period, the rows and the scope) and groups its figures by
the same rows with ``oversight.selectors.overview.group_expression``."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.http import HttpRequest

from meetings.months import add_months
from oversight import access
from oversight.selectors.overview import Overview, group_expression
from petitions import access as petition_access
from petitions.models import ANSWERED_STATUSES, OPEN_STATUSES
from petitions.selectors.review import overdue_q

TEMPLATE = "oversight/panels/petitions.html"


def petitions_panel(request: HttpRequest, overview: Overview) -> dict | None:
    months = overview.span.months(overview.today)
    rows = [row.node for row in overview.rows]
    if not months or not rows:
        return None
    scope = [overview.node] if overview.node is not None else rows
    end = add_months(months[-1], 1) - datetime.timedelta(days=1)
    counts = (
        petition_access.petitions(request.user)
        .filter(access.under_q(scope), raised_on__gte=months[0], raised_on__lte=end)
        .annotate(group=group_expression(rows))
        .values("group")
        .annotate(
            raised=Count("pk"),
            answered=Count("pk", filter=Q(status__in=ANSWERED_STATUSES)),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=overdue_q(overview.today)),
        )
        .order_by()
    )
    by_group = {values["group"]: values for values in counts}
    lines = [(row, by_group[row.path]) for row in rows if row.path in by_group]
    if not lines:
        return None
    lines.sort(key=lambda line: (-line[1]["overdue"], -line[1]["open"], line[0].name))
    total = {key: sum(values[key] for _row, values in lines) for key in ("raised", "answered", "open", "overdue")}
    return {"lines": lines, "total": total, "start": months[0], "end": end}
