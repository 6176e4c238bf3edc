"""The dashboard's table as an Excel workbook: every row (not a page of them) and the total; the
removal list as another."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from meetings.models.minutes import ScoreLevel
from members.services.exports import escape_cell
from oversight.selectors.flags import Period
from oversight.selectors.overview import Figures, Overview, PeriodKind, Row
from oversight.selectors.removal import RemovalCase


def _rate(rate: float | None) -> float | None:
    return None if rate is None else rate / 100


def _columns(with_ratings: bool) -> list[tuple[str, object]]:
    """(header, value of a Figures) of each column after the name."""
    columns = [
        (_("Branches"), lambda f: f.branches),
        (_("Months met"), lambda f: f.met),
        (_("Months not met"), lambda f: f.missed),
        (_("Not yet met this month"), lambda f: f.pending),
        (_("Quarters with a thematic meeting"), lambda f: f.thematic),
        (_("Quarters counted"), lambda f: f.quarters),
        (_("Quarters over without a thematic meeting"), lambda f: f.thematic_missing),
        (_("Meetings with a known length"), lambda f: f.timed),
        (_("Meetings under the minimum length"), lambda f: f.short),
        (_("Members expected"), lambda f: f.expected),
        (_("Members present"), lambda f: f.present),
        (_("Attendance rate"), lambda f: _rate(f.attendance_rate)),
        (_("Assigned cadres expected"), lambda f: f.cadres_expected),
        (_("Assigned cadres present"), lambda f: f.cadres_present),
        (_("Cadres present (rate)"), lambda f: _rate(f.cadre_rate)),
        *[(str(level.label), lambda f, level=level.value: getattr(f, level)) for level in ScoreLevel],
        (_("Met, not scored"), lambda f: f.unscored),
        (_("Months with guidance"), lambda f: f.guidance_due),
        (_("Guidance on the agenda"), lambda f: f.guidance_reflected),
    ]
    if with_ratings:
        columns += [
            (_("Year rated %(level)s") % {"level": level.label}, lambda f, level=level.value: f.ratings.get(level, 0))
            for level in ScoreLevel
        ]
    return columns


RATE_FORMAT = "0.0%"


def overview_workbook(overview: Overview, rows: list[Row]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(overview.span.label).replace("/", "-")
    columns = _columns(overview.with_ratings)
    sheet.append([pgettext("organisation", "Name"), *[header for header, _value in columns]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 36

    def line(number: int, name: str, figures: Figures) -> None:
        values = [escape_cell(name), *[value(figures) for _header, value in columns]]
        sheet.append(values)
        # Cells by row and column number: ``sheet.max_row`` and ``sheet[n]`` walk every cell
        # written so far, which made a province's 1,000 rows take most of a second.
        for column, value in enumerate(values, start=1):
            if isinstance(value, float):
                sheet.cell(row=number, column=column).number_format = RATE_FORMAT

    for number, row in enumerate(rows, start=2):
        line(number, row.name, row.figures)
    last = len(rows) + 2
    line(last, _("Total"), overview.total)
    for column in range(1, len(columns) + 2):
        sheet.cell(row=last, column=column).font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(overview: Overview) -> str:
    """In Vietnamese, as the period is said: tong-hop-thang-12-2026, tong-hop-quy-4-2026, tong-hop-nam-2026."""
    first = overview.span.first
    if overview.span.kind == PeriodKind.YEAR:
        return f"tong-hop-nam-{first.year}.xlsx"
    if overview.span.kind == PeriodKind.QUARTER:
        return f"tong-hop-quy-{(first.month - 1) // 3 + 1}-{first.year}.xlsx"
    return f"tong-hop-thang-{first:%m-%Y}.xlsx"


# --- The removal list -----------------------------------------------------------------------------


def removal_workbook(period: Period, cases: list[RemovalCase]) -> bytes:
    """One row per member on the removal list: branch, name, the months and meetings behind the
    grounds, and the latest decision with who recorded it and when (earlier ones in a column)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Removal list")
    headers = [
        _("Branch"),
        _("Member"),
        _("Months absent without reason"),
        _("Months"),
        _("Meetings missed"),
        _("Decision"),
        _("Note"),
        _("Recorded by"),
        _("Recorded at"),
        _("Earlier decisions"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "C2"
    for column, width in zip("ABCDEFGHIJ", (30, 28, 10, 30, 40, 22, 30, 24, 16, 40), strict=True):
        sheet.column_dimensions[column].width = width
    for case in cases:
        latest = case.latest
        earlier = "; ".join(
            f"{timezone.localtime(d.at):%d/%m/%Y} {d.get_kind_display()} ({d.by_name})" for d in case.decisions[:-1]
        )
        sheet.append(
            [
                escape_cell(case.branch_name),
                escape_cell(case.name),
                case.count,
                ", ".join(f"{month:%m/%Y}" for month in case.months),
                ", ".join(f"{absence.day:%d/%m/%Y}" for absence in case.absences),
                latest.get_kind_display() if latest else _("Not decided yet"),
                escape_cell(latest.note) if latest else "",
                escape_cell(latest.by_name) if latest else "",
                f"{timezone.localtime(latest.at):%d/%m/%Y %H:%M}" if latest else "",
                escape_cell(earlier),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def removal_filename(period: Period) -> str:
    return f"xoa-ten-tu-thang-{period.first:%m-%Y}-den-thang-{period.last:%m-%Y}.xlsx"
