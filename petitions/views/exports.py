"""The review list as an Excel workbook: what leaders take to a meeting or pass on."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from members.services.exports import cell_formats, escape_cell
from petitions.models import Petition

from .lookups import officer_name

_WIDTHS = (24, 44, 24, 26, 22, 12, 12, 22, 12)


def _text(value: str) -> str | None:
    return escape_cell(value) or None


def petitions_workbook(petitions: Iterable[Petition]) -> bytes:
    """Branch, title, category, body, officer, raised on, deadline, status, days overdue."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Petitions")[:31]
    headers = [
        _("Branch"),
        _("Title"),
        pgettext("petition", "Category"),
        _("Responsible body"),
        _("Officer in charge"),
        _("Raised on"),
        _("Deadline"),
        _("Status"),
        _("Working days overdue"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "C2"
    for index, width in enumerate(_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for number, petition in enumerate(petitions, start=2):
        row = [
            _text(petition.branch.name),
            _text(petition.title),
            _text(petition.category.name),
            _text(petition.body.name if petition.body else ""),
            _text(officer_name(petition.officer)),
            petition.raised_on,
            petition.deadline,
            _text(str(petition.get_status_display())),
            petition.days_overdue,
        ]
        sheet.append(row)
        cell_formats(sheet, number, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(today: datetime.date) -> str:
    return f"kien-nghi-ngay-{today:%d-%m-%Y}.xlsx"
