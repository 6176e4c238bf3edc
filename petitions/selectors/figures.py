"""Figures over a period for the leaders: how many petitions, how many open or late, how many
answered on time and how fast; for the whole scope, each branch, each category and each body.

``petition_figures`` runs two queries whatever the data size: the petitions raised in the
period (one row of values each) and the announced days off that working days are counted with.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from petitions.models import ANSWERED_STATUSES, CHASED_STATUSES, OPEN_STATUSES, Petition
from workdays.calendar import working_days_until

FIELDS = (
    "pk",
    "branch_id",
    "branch__name",
    "category_id",
    "category__name",
    "body_id",
    "body__name",
    "status",
    "raised_on",
    "deadline",
    "answered_on",
    "told_resident_on",
)


@dataclass(frozen=True)
class Row:
    """The figures of one group of petitions (a branch, a category, a body, or all of them)."""

    key: int | None
    label: str
    raised: int
    open: int
    overdue: int
    answered: int
    answered_on_time: int
    # Of the answered ones; None when nothing was answered.
    on_time_percent: float | None
    # Working days from the day raised to the answer; None when nothing was answered.
    median_days_to_answer: float | None
    # Answered, and the resident who raised it told ("đã trả lời và đã báo người dân").
    answered_and_told: int = 0


@dataclass(frozen=True)
class Figures:
    start: datetime.date
    end: datetime.date
    today: datetime.date
    total: Row
    branches: list[Row]
    categories: list[Row]
    bodies: list[Row]  # petitions not (yet) sent to a body are in no row here


def _most_raised_first(row: Row) -> tuple:
    return (-row.raised, row.label)


def petition_figures(
    *, petitions_qs: QuerySet[Petition], start: datetime.date, end: datetime.date, today: datetime.date
) -> Figures:
    """The petitions of ``petitions_qs`` raised from ``start`` to ``end`` (both included).

    Open and overdue are as of ``today``. An answer is on time when it came by the deadline, or
    there was no deadline (answered on the spot at the meeting).
    """
    rows = list(petitions_qs.filter(raised_on__gte=start, raised_on__lte=end).order_by().values(*FIELDS))
    days = {row["raised_on"] for row in rows} | {row["answered_on"] for row in rows if row["answered_on"]}
    # W(raised, answered) = W(raised, today) - W(answered, today): one count for every date.
    to_today = working_days_until(days, today) if days else {}

    def summarise(key, label: str, group: list[dict]) -> Row:
        answered = [row for row in group if row["status"] in ANSWERED_STATUSES and row["answered_on"]]
        on_time = [row for row in answered if row["deadline"] is None or row["answered_on"] <= row["deadline"]]
        took = [to_today[row["raised_on"]] - to_today[row["answered_on"]] for row in answered]
        return Row(
            key=key,
            label=label,
            raised=len(group),
            open=sum(row["status"] in OPEN_STATUSES for row in group),
            overdue=sum(
                row["status"] in CHASED_STATUSES and row["deadline"] is not None and row["deadline"] < today
                for row in group
            ),
            answered=len(answered),
            answered_on_time=len(on_time),
            on_time_percent=round(100 * len(on_time) / len(answered), 1) if answered else None,
            median_days_to_answer=statistics.median(took) if took else None,
            answered_and_told=sum(row["told_resident_on"] is not None for row in answered),
        )

    def grouped(key: str, label: str, order: Callable[[Row], tuple]) -> list[Row]:
        groups: dict[tuple, list[dict]] = defaultdict(list)
        for row in rows:
            if row[key] is not None:
                groups[row[key], row[label]].append(row)
        return sorted((summarise(k, name, group) for (k, name), group in groups.items()), key=order)

    return Figures(
        start=start,
        end=end,
        today=today,
        total=summarise(None, _("All petitions"), rows),
        branches=grouped("branch_id", "branch__name", lambda row: (row.label,)),
        categories=grouped("category_id", "category__name", _most_raised_first),
        bodies=grouped("body_id", "body__name", _most_raised_first),
    )
