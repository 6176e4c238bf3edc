"""The branch's annual rating on the organisation page (registered in ``OversightConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from members.extensions import OrganizationPanel
from members.models import Organization
from oversight.selectors.ratings import annual_ratings


def branch_rating_context(request: HttpRequest, organization: Organization) -> dict | None:
    """The branch's annual rating this year (so far) and last year, with the months behind them.
    Two queries."""
    if not organization.is_branch:
        return None
    today = timezone.localdate()
    ratings = [
        annual_ratings(branches=[organization], year=year, today=today)[organization.pk]
        for year in (today.year, today.year - 1)
    ]
    return {"ratings": ratings}


BRANCH_RATING = OrganizationPanel(template="oversight/_branch_rating_panel.html", context=branch_rating_context)
