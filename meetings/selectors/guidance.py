"""Reads of the month's guidance."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from meetings.models import (
    Guidance,
)
from members import access
from members.models import Organization


def guidance_for(branch: Organization, month: datetime.date) -> QuerySet[Guidance]:
    """The month's guidance published by any organisation above the branch."""
    return Guidance.objects.filter(access.above_q(branch, prefix="organization__"), month=month).order_by(
        "organization__depth", "published_at", "pk"
    )
