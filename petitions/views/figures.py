"""Figures over a period: open, overdue, answered on time and how fast, with server-drawn bars."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import access
from petitions.forms.review import PeriodForm
from petitions.selectors.figures import Row, petition_figures

from . import lookups

# The chart's drawing units (the SVG scales to the page's width).
WIDTH = 320
LABEL_HEIGHT = 16
BAR_HEIGHT = 18
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 8


@dataclass(frozen=True)
class Segment:
    css: str
    label: str
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    y: int
    bar_y: int
    end_x: float
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    height: int
    bars: list[Bar]


def _parts(row: Row) -> list[tuple[str, str, int]]:
    """A row's petitions cut into parts that add up to the number raised."""
    late_answers = row.answered - row.answered_on_time
    closed_otherwise = row.raised - row.answered - row.open  # refused or not within the commune's competence
    return [
        ("on-time", _("Answered on time"), row.answered_on_time),
        ("late", _("Answered late"), late_answers),
        ("overdue", _("Overdue"), row.overdue),
        ("open", _("Open, not overdue"), row.open - row.overdue),
        ("other", _("Refused or not within the commune's competence"), closed_otherwise),
    ]


def chart(rows: list[Row]) -> Chart:
    """Horizontal stacked bars, one per row, scaled to the largest."""
    biggest = max((row.raised for row in rows), default=0) or 1
    scale = (WIDTH - 40) / biggest
    bars = []
    for index, row in enumerate(rows):
        y = index * ROW_HEIGHT
        x, segments = 0.0, []
        for css, label, count in _parts(row):
            if count > 0:
                segments.append(Segment(css, label, count, round(x, 1), round(count * scale, 1)))
                x += count * scale
        bars.append(Bar(row.label, row.raised, y, y + LABEL_HEIGHT, round(x, 1), segments))
    return Chart(height=max(len(rows), 1) * ROW_HEIGHT, bars=bars)


def legend() -> list[tuple[str, str]]:
    return [(css, label) for css, label, _count in _parts(Row(None, "", 0, 0, 0, 0, 0, None, None))]


@login_required
def figures_page(request):
    user = request.user
    lookups.require_petitions(user)
    today = timezone.localdate()
    default_start = datetime.date(today.year, 1, 1)
    form = PeriodForm(request.GET or None, initial={"start": default_start, "end": today})
    start, end = default_start, today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or default_start
        end = form.cleaned_data["end"] or today
    figures = petition_figures(petitions_qs=access.petitions(user), start=start, end=end, today=today)
    sections = [
        ("branches", _("By branch"), figures.branches),
        ("categories", _("By category"), figures.categories),
        ("bodies", _("By responsible body"), figures.bodies),
    ]
    return render(
        request,
        "petitions/figures.html",
        {
            "form": form,
            "figures": figures,
            "sections": [(key, title, rows, chart(rows)) for key, title, rows in sections],
            "width": WIDTH,
            "legend": legend(),
        },
    )
