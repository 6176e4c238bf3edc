"""The dashboard's charts, drawn on the server as SVG (templates/oversight/_chart.html): per row,
a bar of the months met, missed and not yet, and a bar of the attendance rate against the
minimum. Coordinates only; colours come from classes (the CSP allows no inline style)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from oversight.selectors.overview import Row

# Drawing units (the SVG scales to the page's width).
WIDTH = 320
LABEL_HEIGHT = 16
BAR_HEIGHT = 18
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 8
# Room on the right of the bars for the figure ("100,0%").
TEXT_ROOM = 52


@dataclass(frozen=True)
class Segment:
    css: str
    label: str
    count: int | float
    x: float
    width: float

    @property
    def shown(self) -> str:
        """The count as the page writes numbers (a decimal comma in Vietnamese: "98,0"), though the
        chart's template prints its coordinates unlocalised."""
        if isinstance(self.count, float):
            return f"{formats.number_format(self.count, 1)}%"
        return formats.number_format(self.count)


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    bar_y: int
    end_x: float
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    height: int
    bars: list[Bar]
    legend: list[tuple[str, str]]
    # A vertical mark (the minimum attendance rate), or None.
    mark_x: float | None = None
    mark_label: str = ""


def _bar(index: int, label: str, text: str, parts: list[tuple[str, str, int]], scale: float) -> Bar:
    y = index * ROW_HEIGHT
    x, segments = 0.0, []
    for css, part_label, count in parts:
        if count > 0:
            segments.append(Segment(css, part_label, count, round(x, 1), round(count * scale, 1)))
            x += count * scale
    return Bar(label, text, y, y + LABEL_HEIGHT, round(x, 1), segments)


def met_chart(rows: list[Row]) -> Chart:
    """Months met / missed / not yet, stacked, scaled to the largest row."""
    legend = [("met", _("Met")), ("missed", _("Did not meet")), ("pending", _("Not yet"))]
    biggest = max((row.figures.months for row in rows), default=0) or 1
    scale = (WIDTH - TEXT_ROOM) / biggest
    bars = []
    for index, row in enumerate(rows):
        figures = row.figures
        parts = [
            ("met", legend[0][1], figures.met),
            ("missed", legend[1][1], figures.missed),
            ("pending", legend[2][1], figures.pending),
        ]
        bars.append(_bar(index, row.name, f"{figures.met}/{figures.months}", parts, scale))
    return Chart("met", _("Months met"), max(len(rows), 1) * ROW_HEIGHT, bars, legend)


def attendance_chart(rows: list[Row], minimum: int) -> Chart:
    """The attendance rate of each row on a 0–100 % scale, with the minimum marked."""
    scale = (WIDTH - TEXT_ROOM) / 100
    bars = []
    for index, row in enumerate(rows):
        rate = row.figures.attendance_rate
        css = "low" if rate is not None and rate < minimum else "rate"
        parts = [(css, _("Attendance"), rate or 0)]
        text = "—" if rate is None else f"{formats.number_format(rate, 1)}%"
        bars.append(_bar(index, row.name, text, parts, scale))
    legend = [("rate", _("Attendance rate")), ("low", _("Below %(rate)d%%") % {"rate": minimum})]
    return Chart(
        "attendance",
        _("Attendance rate"),
        max(len(rows), 1) * ROW_HEIGHT,
        bars,
        legend,
        mark_x=round(minimum * scale, 1),
        mark_label=_("Minimum %(rate)d%%") % {"rate": minimum},
    )
