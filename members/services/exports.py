"""Member lists as Excel workbooks: a branch's export and the import template.

Both use the import's column headers (members.services.imports.COLUMNS), so an
exported list can be edited and imported again unchanged.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from members.models import Member, Organization
from members.services.imports import COLUMNS, FORMULA_PREFIXES, SEX_LABELS, STATUS_LABELS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
# Digits that must stay text, or Excel drops the leading zeros.
TEXT_COLUMNS = {"citizen_id", "party_card_number", "phone"}
_WIDTHS = {"full_name": 28, "residence": 32, "workplace": 32, "email": 26, "party_card_number": 18, "citizen_id": 16}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


def escape_cell(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading quote (CSV/formula injection)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        return escape_cell(value) or None
    return value


def _member_values(member: Member) -> dict[str, Any]:
    return {
        "full_name": member.full_name,
        "date_of_birth": member.date_of_birth,
        "sex": SEX_LABELS.get(member.sex, ""),
        "ethnicity": member.ethnicity,
        "citizen_id": member.citizen_id,
        "party_card_number": member.party_card_number,
        "admitted_on": member.admitted_on,
        "full_member_on": member.full_member_on,
        "status": STATUS_LABELS.get(member.status, ""),
        "phone": member.phone,
        "email": member.email,
        "residence": member.residence,
        "workplace": member.workplace,
    }


def _members_sheet(sheet: Worksheet, title: str) -> None:
    sheet.title = title[:31]
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "B2"
    for index, column in enumerate(COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = _WIDTHS.get(column.field, 14)
        if column.field in TEXT_COLUMNS:
            dimension.number_format = "@"


def cell_formats(sheet: Worksheet, number: int, values: list[Any]) -> None:
    """Dates as dd/mm/yyyy and text as text in row ``number`` (just appended with ``values``).
    Cells are found by row and column: ``sheet.max_row`` and ``sheet[n]`` walk every cell
    written so far, which makes a sheet's rows cost quadratic time."""
    for column, value in enumerate(values, start=1):
        if isinstance(value, datetime.date):
            sheet.cell(row=number, column=column).number_format = DATE_FORMAT
        elif isinstance(value, str):
            sheet.cell(row=number, column=column).number_format = "@"


def _append_row(sheet: Worksheet, number: int, values: dict[str, Any]) -> None:
    row = [_cell_value(values.get(column.field)) for column in COLUMNS]
    sheet.append(row)
    cell_formats(sheet, number, row)


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_workbook(*, branch: Organization, members: Iterable[Member]) -> bytes:
    """The branch's members, one per row, with the import template's headers."""
    workbook = Workbook()
    sheet = workbook.active
    _members_sheet(sheet, gettext("Members"))
    for number, member in enumerate(members, start=2):
        _append_row(sheet, number, _member_values(member))
    workbook.properties.title = branch.name
    return _to_bytes(workbook)


def export_filename(*, branch: Organization) -> str:
    return f"dang-vien-{branch.code}.xlsx"


def template_workbook() -> bytes:
    """The import template: the header row, one example row, and a sheet explaining the columns."""
    workbook = Workbook()
    sheet = workbook.active
    _members_sheet(sheet, gettext("Members"))
    _append_row(sheet, 2, {column.field: column.example for column in COLUMNS})
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="666666")

    guide = workbook.create_sheet(gettext("Instructions")[:31])
    guide.append([gettext("How to fill in the member list")])
    guide["A1"].font = Font(bold=True, size=13)
    for line in (
        gettext("Write one member per row on the first sheet. Keep the first row (the column names) as it is."),
        gettext("Row 2 is an example: replace it with a real member or delete it."),
        gettext("Only “Họ và tên” is required; leave a cell empty when you do not know the value."),
        gettext(
            "When you import the list again, members are recognised by party card number, "
            "or else by full name and date of birth: they are updated, not added twice."
        ),
        gettext("Empty cells never erase what is already recorded."),
    ):
        guide.append([line])
    guide.append([])
    guide.append([gettext("Column"), gettext("Required"), gettext("How to fill it in"), gettext("Example")])
    for cell in guide[guide.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column in COLUMNS:
        example = column.example
        if isinstance(example, datetime.date):
            example = example.strftime("%d/%m/%Y")
        required = gettext("Yes") if column.field == "full_name" else ""
        guide.append([column.header, required, str(column.help), escape_cell(str(example))])
        guide.cell(guide.max_row, 3).alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 70
    guide.column_dimensions["D"].width = 22
    workbook.active = 0
    return _to_bytes(workbook)


TEMPLATE_FILENAME = "mau-danh-sach-dang-vien.xlsx"
