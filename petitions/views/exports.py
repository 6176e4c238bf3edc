"""The review list as an Excel workbook: what leaders take to a meeting or pass on."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from members.services.exports import cell_formats
from members.services.imports import FORMULA_PREFIXES
from petitions.models import Petition

from .lookups import officer_name

_WIDTHS = (24, 44, 24, 26, 22, 12, 12, 22, 12, 60, 28, 60, 12, 30)


def _text(value: str) -> str | None:
    return ILLEGAL_CHARACTERS_RE.sub("", value or "") or None


def _as_text(sheet, number: int, values: list) -> None:
    """A cell a spreadsheet would run as a formula ("=…", "+…", "@…") is stored as text, with
    Excel's quote-prefix style: it shows as written, with no apostrophe, and never runs."""
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            cell = sheet.cell(row=number, column=column)
            cell.data_type = "s"
            cell.quotePrefix = True


def _raised_by(petition: Petition, show_resident: bool) -> str:
    member = petition.raised_by_member.full_name if petition.raised_by_member_id else ""
    resident = petition.resident_name if show_resident else ("" if member else _("a resident"))
    return " · ".join(part for part in (member, resident) if part)


def _told(petition: Petition) -> str:
    if petition.told_resident_on is None:
        return ""
    how = petition.get_told_resident_how_display()
    return f"{petition.told_resident_on:%d/%m/%Y} · {how} · {petition.told_resident_by}"


def petitions_workbook(petitions: Iterable[Petition], *, contact_ids: set[int] = frozenset()) -> bytes:
    """Branch, title, category, body, officer, raised on, deadline, status, days overdue, content,
    raised by (the resident's name only for ``contact_ids``), answer, answered on, resident told."""
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
        _("Content"),
        _("Raised by"),
        _("Answer"),
        _("Answered on"),
        _("Resident told"),
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
            _text(petition.content),
            _text(_raised_by(petition, petition.pk in contact_ids)),
            _text(petition.answer),
            petition.answered_on,
            _text(_told(petition)),
        ]
        sheet.append(row)
        cell_formats(sheet, number, row)
        _as_text(sheet, number, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(today: datetime.date) -> str:
    return f"kien-nghi-ngay-{today:%d-%m-%Y}.xlsx"
