"""Importing a branch's member list from a spreadsheet (.xlsx or .csv).

Three steps, so that nothing is saved before the user has seen the result:

1. ``parse_upload`` reads the file, checks each row on its own (dates, phone,
   citizen ID, duplicates within the file) and returns JSON-serialisable rows
   that are stored in an ``ImportBatch``. A commune's own list has more than
   members in it (a title, headings, a totals row, notes, signatures and the
   place and date under the table): such rows are recognised and kept only as
   a note ("skip") shown on the preview;
2. ``plan_import`` compares those rows with the branch's members as they are
   now and says, for each row, whether it will be created, updated, left
   unchanged or skipped because of an error (shown on the preview page). The
   record a row would leave is checked with the member form's own rules
   (``members.services.register.member_validate``), so the file cannot bring in
   what the form refuses;
3. ``import_confirm`` claims the batch atomically and imports the valid rows
   in one transaction, recording history with the importing user.

Errors are stored as a code with parameters and turned into a sentence when
shown, so a batch previewed in another language reads in that language.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from members import access
from members.dates import MIN_YEAR, latest_plausible, plausible_date
from members.models import (
    CardConflict,
    ImportBatch,
    Member,
    MemberStatus,
    Organization,
    OrganizationKind,
    ResidenceLink,
    Sex,
)
from members.services.cards import card_conflict_record
from members.services.register import member_save, member_validate
from members.services.residence import link_record
from members.text import clean_name, search_key, strip_controls
from notifications.phones import NotAsciiDigits, normalize_phone

# The most data rows one file may hold; a residential branch has a few hundred members.
MAX_ROWS = 2000
# Columns read from each row; member lists have about a dozen.
MAX_COLUMNS = 60
# Rows above the header that may hold a title ("DANH SÁCH ĐẢNG VIÊN …").
HEADER_SEARCH_ROWS = 10
# An .xlsx is a zip: refuse one that unpacks to far more than a member list needs, before parsing
# any of it. The sizes are the zip's own record of each part (``ZipInfo.file_size``); zipfile stops
# reading a part at that size, so a part cannot unpack to more than it declares.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# A worksheet is read as a stream and reading stops below the list (BLANK_RUN_LIMIT), so it may be
# large (formatting down to row 65536); every other part (shared strings, styles) is parsed whole,
# at about a second per MB: 5 MB is many times the shared strings of MAX_ROWS members. A 344 KB
# file whose shared strings unpacked to 99 MB took 14 s and 330 MB of memory.
MAX_SHEET_PART_BYTES = 20 * 1024 * 1024
MAX_PART_BYTES = 5 * 1024 * 1024
_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
# A formula cell in a worksheet's XML (<f>, <f t="shared" …/>, with or without a namespace prefix).
_FORMULA_ELEMENT = re.compile(rb"<(?:\w{1,20}:)?f[\s/>]")
# A cell (<c …>, <c/>) in a worksheet's XML. openpyxl parses every cell of every row it reads, at
# about 13,000 cells a second on two shared cores: 2,000 rows of 60 cells took 9 s, of 300 cells
# (a 1.7 MB upload) 42 s. MAX_CELLS is a full list (MAX_ROWS and the title rows) at MAX_COLUMNS,
# counted in the XML before openpyxl sees it.
_CELL_ELEMENT = re.compile(rb"<(?:\w{1,20}:)?c[\s/>]")
MAX_CELLS = (MAX_ROWS + HEADER_SEARCH_ROWS) * MAX_COLUMNS
# Parts are read in pieces of this size, never whole (see _scan_parts).
_SCAN_CHUNK = 1024 * 1024
# Reading a sheet stops after this many blank rows in a row: a sheet's stated size lies when one
# styled empty cell sits far below the list (M1048576 makes openpyxl offer a million empty rows).
BLANK_RUN_LIMIT = 100
# No list of MAX_ROWS members needs data below this row, however it is spaced.
MAX_SHEET_ROWS = 2 * (MAX_ROWS + HEADER_SEARCH_ROWS) + BLANK_RUN_LIMIT

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    field: str
    # The header as written in the template. It is part of the file format, the
    # same whatever the interface language, so it is not translated.
    header: str
    help: Any
    example: Any = ""
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "full_name",
        "Họ và tên",
        _("Required. The member's full name, with accents."),
        "Nguyễn Văn An",
        ("ho ten", "ho va ten dang vien", "full name"),
    ),
    Column(
        "date_of_birth",
        "Ngày sinh",
        _("Date as dd/mm/yyyy, for example 15/03/1975."),
        datetime.date(1975, 3, 15),
        ("ngay thang nam sinh",),
    ),
    Column("sex", "Giới tính", _("Nam or Nữ."), "Nam", ("gioi",)),
    Column("ethnicity", "Dân tộc", _("For example Kinh, Tày, Mường."), "Kinh"),
    Column(
        "citizen_id",
        "Số CCCD",
        _("Citizen ID: exactly 12 digits. Can be left empty."),
        "001075012345",
        ("cccd", "so can cuoc", "so can cuoc cong dan", "so dinh danh"),
    ),
    Column(
        "party_card_number",
        "Số thẻ đảng viên",
        _("Can be left empty. Used to recognise the member when the list is imported again."),
        "12345678",
        ("so the", "so the dang", "the dang vien"),
    ),
    Column(
        "admitted_on",
        "Ngày vào Đảng",
        _("Date as dd/mm/yyyy."),
        datetime.date(2000, 5, 19),
        # Also as two-row headers: "Ngày vào Đảng" over "Dự bị", "Ngày, tháng, năm" over "Vào Đảng".
        ("ngay vao dang", "ngay vao dang du bi", "ngay thang nam vao dang", "ngay ket nap", "ngay ket nap dang"),
    ),
    Column(
        "full_member_on",
        "Ngày chính thức",
        _("Date as dd/mm/yyyy; not before the date admitted."),
        datetime.date(2001, 5, 19),
        (
            "ngay chuyen chinh thuc",
            "ngay cong nhan chinh thuc",
            "ngay vao dang chinh thuc",
            "ngay thang nam chinh thuc",
        ),
    ),
    Column(
        "status",
        "Trạng thái",
        _("Chính thức or Dự bị. Empty means Chính thức for a new member."),
        "Chính thức",
        ("tinh trang",),
    ),
    Column(
        "phone",
        "Điện thoại",
        _("Vietnamese phone number, for example 0912 345 678 or +84 912 345 678."),
        "0912345678",
        ("so dien thoai", "sdt", "dien thoai di dong"),
    ),
    Column("email", "Email", _("Can be left empty."), "", ("thu dien tu", "e mail")),
    Column("residence", "Nơi cư trú", _("Where the member lives."), "Thôn Song Khê", ("noi o", "dia chi")),
    Column("workplace", "Nơi công tác", _("Where the member works, if anywhere."), "", ("co quan", "don vi cong tac")),
    # A working member who lives here but belongs to their workplace's branch (QĐ 213): the row
    # records their link to this branch, not a member of it (docs/domain.md#working-members).
    Column(
        "linked_workplace",
        "Chi bộ nơi công tác",
        _(
            "Only for a party member working elsewhere who lives here and keeps in touch with this branch "
            "(QĐ 213): the name or code of the branch of their workplace, and their party card number. "
            "The row then links them to this branch; it does not add them as a member."
        ),
        "",
        ("dang vien dang cong tac", "chi bo noi dang vien cong tac", "sinh hoat noi cu tru", "sinh hoat hai chieu"),
    ),
)
# Columns that are not fields of the member's record.
LINK_FIELDS = ("linked_workplace",)
LINKED_WORKPLACE_MAX = 200
FIELDS = tuple(column.field for column in COLUMNS)
DATE_FIELDS = ("date_of_birth", "admitted_on", "full_member_on")
TEXT_FIELDS = ("ethnicity", "residence", "workplace")

# Values in the file ↔ stored values. Also part of the file format, so not translated.
SEX_LABELS = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ"}
STATUS_LABELS = {MemberStatus.FULL: "Chính thức", MemberStatus.PROBATIONARY: "Dự bị"}
_SEX_VALUES = {"nam": Sex.MALE, "nu": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE}
_STATUS_VALUES = {
    "chinh thuc": MemberStatus.FULL,
    "dang vien chinh thuc": MemberStatus.FULL,
    "full": MemberStatus.FULL,
    "du bi": MemberStatus.PROBATIONARY,
    "dang vien du bi": MemberStatus.PROBATIONARY,
    "probationary": MemberStatus.PROBATIONARY,
}


def _header_key(text: Any) -> str:
    """ "Họ và tên (*)" -> "ho va ten"; also for English field names like "full_name"."""
    key = re.sub(r"[^a-z0-9_]+", " ", search_key(str(text or "")))
    return " ".join(key.split())


_HEADERS: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.field, *_column.aliases):
        _HEADERS[_header_key(_name)] = _column.field
# Columns that lists often have and that are safe to drop without a warning.
_NUMBER_HEADERS = {"stt", "tt", "so tt", "so thu tu"}
_QUIET_HEADERS = {*_NUMBER_HEADERS, "ghi chu"}


# --- Messages -----------------------------------------------------------------


class ImportFileError(Exception):
    """The upload cannot be read at all; ``message`` says why, for the user."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


ROW_MESSAGES = {
    "missing_name": _("Row %(row)s: the full name is missing."),
    "bad_date_of_birth": _("Row %(row)s: the date of birth “%(value)s” is not a date (use dd/mm/yyyy)."),
    "bad_admitted_on": _("Row %(row)s: the date admitted “%(value)s” is not a date (use dd/mm/yyyy)."),
    "bad_full_member_on": _("Row %(row)s: the date made full member “%(value)s” is not a date (use dd/mm/yyyy)."),
    # Written the right way, but no such day: 30/02/1980, 31/04/2001.
    "no_such_date_of_birth": _("Row %(row)s: the date of birth %(value)s is not in the calendar."),
    "no_such_admitted_on": _("Row %(row)s: the date admitted %(value)s is not in the calendar."),
    "no_such_full_member_on": _("Row %(row)s: the date made full member %(value)s is not in the calendar."),
    # A real day, but not a plausible one (members.dates): 01/01/3000.
    "implausible_date": _(
        "Row %(row)s: the date %(value)s in the column “%(column)s” is not plausible "
        "(enter a date from %(first)s to %(last)s)."
    ),
    "formula_no_value": _(
        "Row %(row)s: the cell in the column “%(column)s” has a formula but no value yet; open the file in "
        "Excel, save it and upload it again."
    ),
    "bad_sex": _("Row %(row)s: the sex “%(value)s” is not recognised (write Nam or Nữ)."),
    "bad_status": _("Row %(row)s: the status “%(value)s” is not recognised (write Chính thức or Dự bị)."),
    "bad_citizen_id": _("Row %(row)s: the citizen ID “%(value)s” does not have exactly 12 digits."),
    "bad_phone": _("Row %(row)s: the phone number “%(value)s” is not a Vietnamese phone number."),
    "bad_phone_digits": _("Row %(row)s: write the phone number “%(value)s” with the digits 0 to 9."),
    "bad_email": _("Row %(row)s: the email address “%(value)s” is not valid."),
    "too_long": _("Row %(row)s: the column “%(column)s” is too long (at most %(max)s characters)."),
    # The member rules (members.services.register.MEMBER_RULES), worded for a row.
    "full_before_admitted": _(
        "Row %(row)s: the date made full member (%(full)s) is before the date admitted (%(admitted)s)."
    ),
    "full_in_future": _("Row %(row)s: the date made full member (%(full)s) is in the future."),
    "full_date_missing": _(
        "Row %(row)s: a full member (Chính thức) needs the date made full member; "
        "fill in “Ngày chính thức” or write Dự bị."
    ),
    "exempt_date_missing": _(
        "Row %(row)s: the member has a reason for exemption but no date it started; complete the member's record first."
    ),
    "duplicate_card": _("Row %(row)s: the party card number %(value)s is also on row %(other)s."),
    "duplicate_person": _(
        "Row %(row)s: %(name)s with the same date of birth is also on row %(other)s. "
        "Remove the repeated row or add the party card numbers."
    ),
    # Worded the same for every number held by a member the importer may not edit: whether such a
    # member exists must not be testable (members.services.cards).
    "card_unavailable": _(
        "Row %(row)s: this party card number cannot be used; please contact the Party Committee Office."
    ),
    "card_left_member": _("Row %(row)s: the party card number %(value)s belongs to %(name)s, who has left the branch."),
    "card_mismatch": _(
        "Row %(row)s: %(name)s with this date of birth is already in the branch with party card number "
        "%(card)s. Check the card number."
    ),
    "ambiguous_person": _(
        "Row %(row)s: several members of the branch have this name and date of birth; edit them one by one."
    ),
    "same_member": _("Row %(row)s: this is the same member as row %(other)s."),
    "linked_no_branch": _(
        "Row %(row)s: no party branch is named “%(value)s”; write its name as recorded, or its code."
    ),
    "linked_no_member": _(
        "Row %(row)s: %(branch)s has no member with this party card number; the workplace branch introduces "
        "its members, or check the card number."
    ),
    "linked_own_branch": _("Row %(row)s: %(branch)s is this branch; its own members are not linked to it."),
    "linked_already": _("Row %(row)s: %(name)s already keeps a link with a residence branch."),
}


# Rows of the sheet that are not members (totals, notes, signatures, headings): skipped with a note.
SKIP_MESSAGES = {
    "total": _("Row %(row)s (“%(text)s”) is a totals row, not a member: skipped."),
    "signature": _("Row %(row)s (“%(text)s”) is a signature line under the table, not a member: skipped."),
    "date_line": _("Row %(row)s (“%(text)s”) is the place and date under the table, not a member: skipped."),
    "note": _("Row %(row)s (“%(text)s”) is a note, not a member: skipped."),
    "heading": _(
        "Row %(row)s (“%(text)s”) is a heading inside the table (its STT is not a number), not a member: skipped."
    ),
    "below_table": _("Row %(row)s (“%(text)s”) is below the end of the table, not a member: skipped."),
    "not_a_name": _(
        "Row %(row)s (“%(text)s”) has no name in the column “Họ và tên” and no member data, "
        "so it is not a member: skipped."
    ),
    "empty_numbered": _("Row %(row)s has only its number (%(text)s) and nothing else: skipped."),
}


def _error(code: str, number: int, **params) -> dict:
    """A row error as stored in ImportBatch.rows: a code and its parameters, no sentence."""
    return {"code": code, "params": {"row": number, **params}}


def row_error_message(error: dict) -> str:
    return str(ROW_MESSAGES[error["code"]] % error["params"])


def skip_message(skip: dict) -> str:
    return str(SKIP_MESSAGES[skip["code"]] % skip["params"])


def _date_text(value: datetime.date | str | None) -> str:
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return value.strftime("%d/%m/%Y") if value else ""


# --- Reading the file ----------------------------------------------------------


@dataclass
class ParsedFile:
    rows: list[dict]
    ignored_columns: list[str]


def parse_upload(*, upload) -> ParsedFile:
    """Read an uploaded file into checked rows, or raise ImportFileError.

    The kind of file is decided by its content, not its name: an .xlsx is a
    zip holding a workbook; anything else must be UTF-8 text (CSV).
    """
    max_bytes = settings.IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise _too_big(max_bytes)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    if not data.strip():
        raise ImportFileError(gettext("The file is empty."), "empty")
    name = (getattr(upload, "name", "") or "").lower()
    if data.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            gettext(
                "This is an old Excel file (.xls). Open it in Excel, save it as “Excel Workbook (.xlsx)” "
                "and upload it again."
            ),
            "xls",
        )
    else:
        table = _csv_rows(data, is_csv=name.endswith((".csv", ".txt")))
    return _read_table(table)


def _too_big(max_bytes: int) -> ImportFileError:
    return ImportFileError(
        gettext("The file is larger than %(size)s MB. Split the list into smaller files.")
        % {"size": max_bytes // (1024 * 1024)},
        "too_big",
    )


def _not_spreadsheet() -> ImportFileError:
    return ImportFileError(
        gettext("This file is not a spreadsheet. Upload an Excel file (.xlsx) or a CSV file saved as UTF-8."),
        "not_spreadsheet",
    )


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        gettext("The file has more than %(max)s rows. Split it into smaller files.") % {"max": MAX_ROWS},
        "too_many_rows",
    )


def _too_big_unpacked(max_bytes: int) -> ImportFileError:
    return ImportFileError(
        gettext(
            "The Excel file is larger than %(size)s MB when unpacked. Copy only the member list into a new "
            "workbook, save it and upload it again."
        )
        % {"size": max_bytes // (1024 * 1024)},
        "too_big_unpacked",
    )


def _corrupt() -> ImportFileError:
    return ImportFileError(
        gettext("The Excel file could not be read; it may be damaged. Open it in Excel, save it again and retry."),
        "corrupt",
    )


@dataclass(frozen=True)
class Formula:
    """A formula cell saved without its computed value (the file was written by a program, not
    saved by a spreadsheet application), so there is nothing to read in it."""

    formula: str


def _xlsx_rows(data: bytes) -> list[Sequence[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            names = {info.filename for info in parts}
            if "xl/workbook.xml" not in names:
                # A zip, but not a workbook (a .docx, a .zip renamed .xlsx, …).
                raise _not_spreadsheet()
            _check_unpacked_sizes(parts)
            has_formulas = _scan_parts(archive, parts)
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error, NotImplementedError):
        raise _corrupt() from None
    try:
        # Read-only sheets are parsed lazily, so damage can surface while iterating.
        rows = _sheet_values(data, data_only=True)
        if has_formulas:  # else a second reading would find nothing to mark
            _mark_formulas(rows, _sheet_values(data, data_only=False))
        return rows
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise _corrupt() from None


def _check_unpacked_sizes(parts: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook whose parts unpack to more than it can need (see MAX_PART_BYTES)."""
    for info in parts:
        limit = MAX_SHEET_PART_BYTES if _WORKSHEET_PART.fullmatch(info.filename) else MAX_PART_BYTES
        if info.file_size > limit:
            raise _too_big_unpacked(limit)
    if sum(info.file_size for info in parts) > MAX_UNPACKED_BYTES:
        raise _too_big_unpacked(MAX_UNPACKED_BYTES)


def _scan_parts(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]) -> bool:
    """Unpack every part once, in pieces, before openpyxl parses anything: refuse the workbook as
    soon as a part unpacks to more than its limit whatever its header says (a zip's recorded
    sizes can lie), or its worksheets hold more than MAX_CELLS cells. Whether a worksheet has
    formulas is the answer (a second reading is needed only then)."""
    total = cells = 0
    formulas = False
    for info in parts:
        is_sheet = bool(_WORKSHEET_PART.fullmatch(info.filename))
        limit = MAX_SHEET_PART_BYTES if is_sheet else MAX_PART_BYTES
        size = 0
        carry = b""
        with archive.open(info) as stream:
            while chunk := stream.read(_SCAN_CHUNK):
                size += len(chunk)
                total += len(chunk)
                if size > limit:
                    raise _too_big_unpacked(limit)
                if total > MAX_UNPACKED_BYTES:
                    raise _too_big_unpacked(MAX_UNPACKED_BYTES)
                if is_sheet:
                    window = carry + chunk
                    formulas = formulas or bool(_FORMULA_ELEMENT.search(window))
                    counted, carry = _count_elements(_CELL_ELEMENT, window)
                    cells += counted
                    if cells > MAX_CELLS:
                        raise _too_many_cells()
        if is_sheet:
            cells += len(_CELL_ELEMENT.findall(carry))
            if cells > MAX_CELLS:
                raise _too_many_cells()
    return formulas


def _count_elements(pattern: re.Pattern, window: bytes, keep: int = 32) -> tuple[int, bytes]:
    """Matches of ``pattern`` (at most ``keep`` - 8 bytes long) in ``window`` that start before its
    last ``keep`` bytes, and what to carry into the next window so that a tag cut between two
    pieces is counted once."""
    safe = len(window) - keep
    counted = end = 0
    for match in pattern.finditer(window):
        if match.start() >= safe:
            break
        counted += 1
        end = match.end()
    return counted, window[max(end, safe, 0) :]


def _too_many_cells() -> ImportFileError:
    return ImportFileError(
        gettext(
            "The Excel file has more than %(cells)s cells. Copy only the member list into a new workbook, save "
            "it and upload it again."
        )
        % {"cells": f"{MAX_CELLS:,}".replace(",", ".")},
        "too_many_cells",
    )


def _sheet_values(data: bytes, *, data_only: bool) -> list[Sequence[Any]]:
    """The first sheet's rows down to the last one with data.

    A sheet's stated size cannot be trusted (one styled empty cell at M1048576 makes it a million
    rows long), so reading stops after BLANK_RUN_LIMIT blank rows in a row, and refuses a sheet
    with data below MAX_SHEET_ROWS. Blank rows are kept as () so that rows keep their numbers.
    """
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        sheet = workbook.worksheets[0]
        rows: list[Sequence[Any]] = []
        filled = blank_run = 0
        for row in sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True):
            if _is_blank(row):
                blank_run += 1
                if blank_run > BLANK_RUN_LIMIT:
                    break
                rows.append(())  # keep the numbering, not the empty cells
                continue
            blank_run = 0
            filled += 1
            if filled > MAX_ROWS + HEADER_SEARCH_ROWS or len(rows) >= MAX_SHEET_ROWS:
                raise _too_many_rows()
            rows.append(row)
    finally:
        workbook.close()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _mark_formulas(values: list[Sequence[Any]], formulas: list[Sequence[Any]]) -> None:
    """Put a Formula where a cell has a formula but no saved value (``values`` read with
    data_only, ``formulas`` without), so that the row says so rather than "the name is missing".
    Rows holding only such formulas are blank in ``values``: they are added back."""
    values.extend([()] * (len(formulas) - len(values)))
    for index, (row, formula_row) in enumerate(zip(values, formulas, strict=False)):
        if not formula_row:
            continue
        row = list(row) + [None] * (len(formula_row) - len(row))
        changed = False
        for position, formula in enumerate(formula_row):
            if row[position] is None and isinstance(formula, str) and formula.startswith("="):
                row[position] = Formula(formula)
                changed = True
        if changed:
            values[index] = tuple(row)


def _looks_utf16(data: bytes) -> bool:
    """Saved as "Unicode Text" or "CSV UTF-16": a byte-order mark, or text that reads as UTF-16
    with a zero byte on the same side of most letters (Latin letters, digits and ";" are one byte
    and a zero in UTF-16; an image's zeros fall anywhere)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[: 4096 - 4096 % 2]
    if len(head) < 16:
        return False
    for zeros, others, encoding in ((head[1::2], head[0::2], "utf-16-le"), (head[0::2], head[1::2], "utf-16-be")):
        if zeros.count(0) > len(zeros) // 2 and others.count(0) < len(others) // 8:
            text = head.decode(encoding, errors="replace")
            return sum(ch.isprintable() or ch in "\r\n\t" for ch in text) > 0.9 * len(text)
    return False


def _csv_rows(data: bytes, *, is_csv: bool) -> list[Sequence[Any]]:
    if _looks_utf16(data):
        raise ImportFileError(
            gettext(
                "UTF-16 is not supported: save the file as CSV UTF-8. In Excel choose “Save as” → "
                "“CSV UTF-8 (Comma delimited)” and upload it again."
            ),
            "utf16",
        )
    if b"\x00" in data:
        raise _not_spreadsheet()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if is_csv:
            raise ImportFileError(
                gettext(
                    "The CSV file is not saved as UTF-8. In Excel choose “Save as” → “CSV UTF-8 (Comma delimited)” "
                    "and upload it again."
                ),
                "encoding",
            ) from None
        raise _not_spreadsheet() from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Excel writes ";" in locales where "," is the decimal separator.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    # Strict: a quote that is never closed, or closed in the middle of a cell, is an error rather
    # than a cell that swallows the lines below it ("Nguyễn Văn, 01/01/1980 Nguyễn Văn").
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Sequence[Any]] = []
    while True:
        line = reader.line_num + 1  # where the record being read starts
        try:
            rows.append(next(reader))
        except StopIteration:
            return rows
        except csv.Error as error:
            raise _bad_csv_line(line, str(error)) from None


def _bad_csv_line(line: int, reason: str) -> ImportFileError:
    if "field larger than field limit" in reason:
        return ImportFileError(
            gettext(
                "Line %(line)s of the CSV file has a cell longer than %(max)s characters; check that its "
                'quotes (") are closed.'
            )
            % {"line": line, "max": csv.field_size_limit()},
            "csv_cell_too_long",
        )
    return ImportFileError(
        gettext(
            'Line %(line)s of the CSV file opens a quote (") that is not closed where the cell ends. '
            "Correct the quotes on that line and upload the file again."
        )
        % {"line": line},
        "csv_quote",
    )


def _is_blank(row: Sequence[Any]) -> bool:
    return all(not isinstance(value, Formula) and _text(value) == "" for value in row)


def _no_header(searched: list[tuple[int, Sequence[Any]]]) -> ImportFileError:
    first, last = searched[0][0], searched[-1][0]
    if first == last:
        message = gettext(
            "No column “Họ và tên” was found: the column names must be in the first rows "
            "(searched row %(first)s). Download the template to see how."
        )
    else:
        message = gettext(
            "No column “Họ và tên” was found: the column names must be in the first rows "
            "(searched rows %(first)s–%(last)s). Download the template to see how."
        )
    return ImportFileError(message % {"first": first, "last": last}, "no_name_column")


def _read_table(table: list[Sequence[Any]]) -> ParsedFile:
    numbered = [(number, row) for number, row in enumerate(table, start=1) if not _is_blank(row)]
    if not numbered:
        raise ImportFileError(gettext("The file is empty."), "empty")
    header_at = None
    searched = numbered[:HEADER_SEARCH_ROWS]
    for index, (_number, row) in enumerate(searched):
        if "full_name" in (_HEADERS.get(_header_key(cell)) for cell in row):
            header_at = index
            break
    if header_at is None:
        raise _no_header(searched)
    header_number, header = numbered[header_at]
    labels = [_text(cell) for cell in header]
    first_data = header_at + 1
    # Column names on two rows: "Ngày vào Đảng" merged over "Dự bị | Chính thức".
    if (
        first_data < len(numbered)
        and numbered[first_data][0] == header_number + 1
        and (combined := _two_row_labels(labels, numbered[first_data][1]))
    ):
        labels = combined
        first_data += 1
    positions: dict[str, int] = {}
    number_at: int | None = None
    ignored = []
    for position, label in enumerate(labels):
        key = _header_key(label)
        field_name = _HEADERS.get(key)
        if field_name and field_name not in positions:
            positions[field_name] = position
        elif key in _NUMBER_HEADERS and number_at is None:
            number_at = position
        elif key and key not in _QUIET_HEADERS:
            ignored.append(label)
    data_rows = numbered[first_data:]
    if not data_rows:
        raise ImportFileError(
            gettext("The file has no member rows under the column names."),
            "no_rows",
        )
    if len(data_rows) > MAX_ROWS:
        raise _too_many_rows()
    table_rows = [_TableRow(number, row, positions, number_at) for number, row in data_rows]
    rows = []
    for table_row, skip in zip(table_rows, _skipped_rows(table_rows), strict=True):
        if skip:
            params = {"row": table_row.number, "text": table_row.excerpt}
            rows.append({"row": table_row.number, "values": {}, "errors": [], "skip": {"code": skip, "params": params}})
        else:
            rows.append({"row": table_row.number, "values": table_row.values, "errors": table_row.errors})
    _flag_duplicates(rows)
    return ParsedFile(rows=rows, ignored_columns=ignored)


def _two_row_labels(labels: list[str], below: Sequence[Any]) -> list[str] | None:
    """The column names when the row under the header completes them, or None.

    A merged cell names a group ("Ngày, tháng, năm" or "Ngày vào Đảng") over the columns under
    it ("Sinh | Vào Đảng | Chính thức", "Dự bị | Chính thức"); only the group's first cell holds
    its text. The row below is taken as part of the header when it is empty under "Họ và tên" and
    names at least one more known column that way.
    """
    below_texts = [_text(cell) for cell in below]
    name_at = next(position for position, label in enumerate(labels) if _HEADERS.get(_header_key(label)) == "full_name")
    if name_at < len(below_texts) and below_texts[name_at]:
        return None
    width = max(len(labels), len(below_texts))
    labels = labels + [""] * (width - len(labels))
    combined = list(labels)
    group = ""
    for position in range(width):
        group = labels[position] or group
        sub = below_texts[position] if position < len(below_texts) else ""
        if not sub:
            continue
        for label in (f"{group} {sub}", sub):
            if _HEADERS.get(_header_key(label)):
                combined[position] = label
                break
        else:
            combined[position] = labels[position] or sub
    known_before = {_HEADERS.get(_header_key(label)) for label in labels} - {None}
    known_after = {_HEADERS.get(_header_key(label)) for label in combined} - {None}
    return combined if known_after - known_before else None


# --- Telling members from the other rows of a sheet ------------------------------------

# Fields whose valid value shows that a row describes a person, whatever its name cell holds.
_MEMBER_DATA = ("date_of_birth", "admitted_on", "full_member_on", "sex", "status", "citizen_id", "phone", "email")
# Lines below a table, read on the row's text in lower case with its accents ("Công" is a name,
# "Cộng: 10" a total). Matched only on rows with no member data.
_ROW_KINDS = (
    ("total", re.compile(r"^(?:tổng cộng|tổng số)\b|^(?:cộng|tổng)\s*(?:[:\-.]|\d|$)")),
    (
        "signature",
        re.compile(
            r"^(?:người lập|người duyệt|người ký|t/m\b|tm\b|thay mặt|bí thư|phó bí thư|xác nhận|"
            r"thủ trưởng|trưởng ban|chánh văn phòng|đại diện)|\(ký|ký tên|ký,? ghi rõ|ghi rõ họ"
        ),
    ),
    ("date_line", re.compile(r"\bngày\W*[\w.…_]{0,10}\W*tháng\W*[\w.…_]{0,10}\W*năm\b")),
    ("note", re.compile(r"^(?:ghi chú|lưu ý|chú ý|chú thích|\*)")),
)
_WORD = re.compile(r"[^\W\d_]+(?:['’\-.][^\W\d_]*)*")
_NUMBER = re.compile(r"\d{1,4}\.?")


def _row_kind(text: str) -> str | None:
    folded = " ".join(unicodedata.normalize("NFC", text).lower().split())
    return next((kind for kind, pattern in _ROW_KINDS if pattern.search(folded)), None)


def _name_like(text: str) -> bool:
    """Words of letters, as a person's name is (not digits, colons, sentences)."""
    words = [word.strip("().,") for word in text.split()]
    letters = sum(len(word) for word in words)
    return 1 <= len(words) <= 8 and letters >= 2 and all(_WORD.fullmatch(word) for word in words)


class _TableRow:
    """One non-blank row under the header, read as a member would be."""

    def __init__(self, number: int, row: Sequence[Any], positions: dict[str, int], number_at: int | None):
        self.number = number
        cells = {name: row[position] if position < len(row) else None for name, position in positions.items()}
        self.values, self.errors = _clean_row(number, cells)
        self.has_formula = any(isinstance(value, Formula) for value in cells.values())
        self.name = clean_name(_text(cells.get("full_name")))
        # Texts of the other recognised columns, and of every cell (what the preview shows).
        self.other_texts = [_text(value) for name, value in cells.items() if name != "full_name" and _text(value)]
        self.texts = [text for value in row if (text := value.formula if isinstance(value, Formula) else _text(value))]
        excerpt = " · ".join(self.texts)
        self.excerpt = excerpt if len(excerpt) <= 80 else excerpt[:79] + "…"
        index = row[number_at] if number_at is not None and number_at < len(row) else None
        self.index = _text(index)
        self.numbered = isinstance(index, Formula | int | float) or bool(_NUMBER.fullmatch(self.index))

    @property
    def has_member_data(self) -> bool:
        if self.has_formula or any(name in self.values for name in _MEMBER_DATA):
            return True
        card = self.values.get("party_card_number", "")
        return len(card) >= 5 and any(ch.isdigit() for ch in card)


def _skipped_rows(rows: list[_TableRow]) -> list[str | None]:
    """For each row, why it is not a member (a code of SKIP_MESSAGES), or None for a member row.

    A row with member data (a valid date, sex, status, citizen ID, phone, email or card number) is
    always a member row, and is checked as such. Other rows are not members when they are a total,
    a note, a signature or date line, a heading whose STT is not a number while the others are, a
    row below the table (after such a line, or after the last numbered row), or a row with no
    name-like value in the name column.
    """
    named = sum(1 for row in rows if row.name)
    numbered_count = sum(1 for row in rows if row.numbered)
    numbered_table = numbered_count >= 2 and 2 * numbered_count >= named
    last_numbered = max((row.number for row in rows if row.numbered), default=None) if numbered_table else None
    ended = False
    kinds: list[str | None] = []
    for row in rows:
        kind = _classify(row, numbered_table=numbered_table, ended=ended, last_numbered=last_numbered)
        # A total, signature or date line under member rows closes the table (a note does not).
        if kind in ("total", "signature", "date_line") and None in kinds:
            ended = True
        kinds.append(kind)
    return kinds


def _classify(row: _TableRow, *, numbered_table: bool, ended: bool, last_numbered: int | None) -> str | None:
    if row.has_member_data:
        return None
    below = ended or (last_numbered is not None and row.number > last_numbered)
    if row.name:
        if kind := _row_kind(row.name):
            return kind
        if _name_like(row.name):
            if below and not row.numbered:
                return "below_table"
            if numbered_table and row.index and not row.numbered:
                return "heading"
            return None
    for text in row.texts:
        if kind := _row_kind(text):
            return kind
    if below and not row.numbered:
        return "below_table"
    if row.name:
        return "not_a_name"
    if row.other_texts:
        return None  # a member row without a name: reported as such
    if row.numbered and len(row.texts) == 1:
        return "empty_numbered"
    return "not_a_name"


# --- Checking one row -------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None or isinstance(value, Formula):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    # Control and invisible format characters (a right-to-left override, a zero-width space) too.
    text = strip_controls(ILLEGAL_CHARACTERS_RE.sub("", str(value))).strip()
    # Undo the quote our export puts before formula-like text.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


class NoSuchDate(ValueError):
    """Written as a date, but the calendar has no such day (30/02/1980)."""


def _parse_date(value: Any) -> datetime.date | None:
    """A date cell, or text dd/mm/yyyy (also with - or .), or yyyy-mm-dd; raise ValueError otherwise
    (NoSuchDate when the text is a well-formed date of a day that does not exist)."""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = _text(value)
        if not text:
            return None
        if isinstance(value, int | float):
            raise ValueError(text)  # a bare number is not a date, even if Excel could read it as one
        if match := _DMY.fullmatch(text):
            d, m, y = (int(part) for part in match.groups())
        elif match := _ISO.fullmatch(text):
            y, m, d = (int(part) for part in match.groups())
        else:
            raise ValueError(text)
        try:
            day = datetime.date(y, m, d)
        except ValueError:
            if 1 <= m <= 12 and 1 <= d <= 31:
                raise NoSuchDate(text) from None
            raise  # 15/13/1975 is more likely month and day swapped: ask for dd/mm/yyyy
    if day.year < 1900:
        raise ValueError(day)
    return day


def _max_length(field_name: str) -> int:
    return Member._meta.get_field(field_name).max_length


def _header(field_name: str) -> str:
    return next(column.header for column in COLUMNS if column.field == field_name)


def _clean_row(number: int, cells: dict[str, Any]) -> tuple[dict[str, str], list[dict]]:
    """Check one row on its own. Values left empty in the file are not in ``values``."""
    values: dict[str, str] = {}
    errors: list[dict] = []

    def error(code, **params):
        errors.append(_error(code, number, **params))

    def fits(field_name, text) -> bool:
        if len(text) > _max_length(field_name):
            error("too_long", column=_header(field_name), max=_max_length(field_name))
            return False
        return True

    for field_name, cell in cells.items():
        if isinstance(cell, Formula):
            error("formula_no_value", column=_header(field_name))

    name = clean_name(_text(cells.get("full_name")))
    if isinstance(cells.get("full_name"), Formula):
        pass  # said above
    elif not name:
        error("missing_name")
    elif fits("full_name", name):
        values["full_name"] = name

    for field_name in DATE_FIELDS:
        raw = cells.get(field_name)
        try:
            day = _parse_date(raw)
        except NoSuchDate:
            error(f"no_such_{field_name}", value=_text(raw))
        except ValueError:
            error(f"bad_{field_name}", value=_text(raw))
        else:
            try:
                plausible_date(day)
            except ValidationError:
                error(
                    "implausible_date",
                    column=_header(field_name),
                    value=_date_text(day),
                    first=MIN_YEAR,
                    last=_date_text(latest_plausible()),
                )
            else:
                if day:
                    values[field_name] = day.isoformat()

    if sex := _text(cells.get("sex")):
        if search_key(sex) in _SEX_VALUES:
            values["sex"] = str(_SEX_VALUES[search_key(sex)])
        else:
            error("bad_sex", value=sex)

    if status := _text(cells.get("status")):
        if search_key(status) in _STATUS_VALUES:
            values["status"] = str(_STATUS_VALUES[search_key(status)])
        else:
            error("bad_status", value=status)

    raw = cells.get("citizen_id")
    if citizen_id := re.sub(r"[\s.]", "", _text(raw)):
        if isinstance(raw, int | float) and citizen_id.isdigit():
            # A number cell loses the leading zero(s) of the province code.
            citizen_id = citizen_id.zfill(12)
        try:
            Member._meta.get_field("citizen_id").run_validators(citizen_id)
        except ValidationError:
            error("bad_citizen_id", value=_text(raw))
        else:
            values["citizen_id"] = citizen_id

    if (card := _text(cells.get("party_card_number"))) and fits("party_card_number", card):
        values["party_card_number"] = card

    raw = cells.get("phone")
    if phone := _text(raw):
        if isinstance(raw, int | float) and phone.isdigit() and len(phone) in (9, 10):
            phone = "0" + phone  # a number cell loses the leading 0
        try:
            values["phone"] = normalize_phone(phone)
        except NotAsciiDigits:
            error("bad_phone_digits", value=_text(raw))
        except ValueError:
            error("bad_phone", value=_text(raw))

    if email := _text(cells.get("email")):
        try:
            validate_email(email)
        except ValidationError:
            error("bad_email", value=email)
        else:
            if fits("email", email):
                values["email"] = email

    for field_name in TEXT_FIELDS:
        if (text := " ".join(_text(cells.get(field_name)).split())) and fits(field_name, text):
            values[field_name] = text
    if text := " ".join(_text(cells.get("linked_workplace")).split()):
        if len(text) > LINKED_WORKPLACE_MAX:
            error("too_long", column=_header("linked_workplace"), max=LINKED_WORKPLACE_MAX)
        else:
            values["linked_workplace"] = text
    return values, errors


def _flag_duplicates(rows: list[dict]) -> None:
    """The same card twice, or the same person twice, in one file: flag every copy."""
    by_card: dict[str, list[dict]] = defaultdict(list)
    by_person: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        values = row["values"]
        if card := values.get("party_card_number"):
            by_card[card].append(row)
        if name := values.get("full_name"):
            by_person[(search_key(name), values.get("date_of_birth"))].append(row)

    def others(row, group):
        return ", ".join(str(other["row"]) for other in group if other is not row)

    for card, group in by_card.items():
        if len(group) > 1:
            for row in group:
                row["errors"].append(_error("duplicate_card", row["row"], value=card, other=others(row, group)))
    for group in by_person.values():
        if len(group) < 2:
            continue
        for row in group:
            # Rows with different card numbers are different people who share a name and birthday.
            if not row["values"].get("party_card_number"):
                name = row["values"]["full_name"]
                row["errors"].append(_error("duplicate_person", row["row"], name=name, other=others(row, group)))


# --- Comparing with the branch -----------------------------------------------------


class Action(models.TextChoices):
    CREATE = "create", _("New member")
    UPDATE = "update", _("Update")
    # The card belongs to a member of another branch the importer also keeps: they move here.
    MOVE = "move", _("Moves to this branch")
    UNCHANGED = "unchanged", _("Unchanged")
    ERROR = "error", _("Skipped")
    # A total, note, signature or heading of the sheet: not a member, skipped without an error.
    NOT_MEMBER = "not_member", _("Not a member row")
    # A working member of another branch who lives here (QĐ 213): linked, not added.
    LINK = "link", _("Linked working member")


@dataclass
class RowPlan:
    number: int
    values: dict[str, Any]
    errors: list[str]
    action: Action
    member: Member | None = None
    changed: list[str] = field(default_factory=list)
    # For a move: the branch the member leaves.
    moved_from: Organization | None = None
    # For a row that is not a member: what it is.
    note: str = ""

    @property
    def changed_labels(self) -> list[str]:
        return [str(Member._meta.get_field(name).verbose_name) for name in self.changed]


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    # Members holding a card number of the file whom the importer may not edit (recorded once per upload).
    conflicts: list[Member] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count(Action.CREATE)

    @property
    def updated(self) -> int:
        return self.count(Action.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(Action.UNCHANGED)

    @property
    def moved(self) -> int:
        return self.count(Action.MOVE)

    @property
    def skipped(self) -> int:
        return self.count(Action.ERROR)

    @property
    def not_members(self) -> int:
        return self.count(Action.NOT_MEMBER)

    @property
    def linked(self) -> int:
        return self.count(Action.LINK)

    @property
    def to_import(self) -> int:
        return self.created + self.updated + self.moved + self.linked


def _typed(values: dict[str, str]) -> dict[str, Any]:
    return {
        name: datetime.date.fromisoformat(value) if name in DATE_FIELDS else value
        for name, value in values.items()
        if name in FIELDS
    }


def plan_import(*, batch: ImportBatch, by: AbstractBaseUser | None = None) -> ImportPlan:
    """What confirming the batch would do now, row by row, for ``by`` (the uploader by default).
    Two queries whatever the size (and the importer's roles, once per request).

    A card number held by a member of another branch moves that member here when ``by`` may edit
    them (commune staff over both branches); otherwise the row is refused in words that do not
    say whether the number exists, and the holder is listed in ``conflicts``."""
    by = by or batch.created_by
    branch: Organization = batch.branch
    not_members = {row["row"]: skip_message(row["skip"]) for row in batch.rows if row.get("skip")}
    rows = [(row, _typed(row["values"])) for row in batch.rows]
    cards = {values["party_card_number"] for _row, values in rows if values.get("party_card_number")}
    keys = {search_key(values["full_name"]) for _row, values in rows if values.get("full_name")}
    # Card numbers are national: a clash with a member of any commune must be found (and refused,
    # without showing that member), so this lookup reads past the importer's own scope.
    candidates = list(
        Member.unscoped.filter(Q(party_card_number__in=cards) | Q(branch=branch, name_key__in=keys)).select_related(
            "branch"
        )
    )
    by_card = {member.party_card_number: member for member in candidates if member.party_card_number}
    by_person: dict[tuple, list[Member]] = defaultdict(list)
    for member in candidates:
        if member.branch_id == branch.pk and member.left_on is None:
            by_person[(member.name_key, member.date_of_birth)].append(member)

    matched: dict[int, int] = {}
    plans = []
    conflicts: list[Member] = []
    workplaces, linked = _linking(
        {values["linked_workplace"] for _row, values in rows if values.get("linked_workplace")}, by_card
    )
    for row, values in rows:
        number = row["row"]
        if number in not_members:
            plans.append(RowPlan(number, values, [], Action.NOT_MEMBER, note=not_members[number]))
            continue
        if values.get("linked_workplace") and not row["errors"]:
            plans.append(_link_plan(number, values, branch, workplaces, linked, by_card))
            continue
        errors = list(row["errors"])
        member = None
        if not errors:
            member = _match(number, values, branch, by_card, by_person, errors, by, conflicts)
        if member is not None and not errors:
            if member.pk in matched:
                errors.append(_error("same_member", number, other=matched[member.pk]))
            else:
                matched[member.pk] = number
        if not errors:
            errors.extend(_rule_errors(number, values, member))
        messages = [row_error_message(error) for error in errors]
        if errors:
            plans.append(RowPlan(number, values, messages, Action.ERROR))
        elif member is None:
            plans.append(RowPlan(number, values, messages, Action.CREATE))
        elif member.branch_id != branch.pk:
            changed = [name for name, value in values.items() if getattr(member, name) != value]
            plans.append(RowPlan(number, values, messages, Action.MOVE, member, [*changed, "branch"], member.branch))
        else:
            changed = [name for name, value in values.items() if getattr(member, name) != value]
            action = Action.UPDATE if changed else Action.UNCHANGED
            plans.append(RowPlan(number, values, messages, action, member, changed))
    return ImportPlan(plans, conflicts)


def _linking(names: set[str], by_card: dict[str, Member]) -> tuple[dict[str, Organization], set[int]]:
    """The workplace branches the file names (by code or name, in any commune: a working member's
    workplace may be anywhere) and which card holders already keep an open residence link. Two
    queries, none when the file marks no linked working member."""
    if not names:
        return {}, set()
    keys = {name.casefold() for name in names}
    wanted = Q(code__in=names)
    for name in names:
        wanted |= Q(name__iexact=name) | Q(name__iexact=f"Chi bộ {name}")
    found: dict[str, Organization] = {}
    for org in Organization.unscoped.filter(wanted, kind=OrganizationKind.BRANCH).order_by("path")[:200]:
        for key in (org.code.casefold(), org.name.casefold(), org.name.casefold().removeprefix("chi bộ ")):
            if key in keys:
                found.setdefault(key, org)
    holders = [member.pk for member in by_card.values()]
    linked = set(ResidenceLink.unscoped.open().filter(member_id__in=holders).values_list("member_id", flat=True))
    return found, linked


def _link_plan(number, values, branch, workplaces, linked, by_card) -> RowPlan:
    """A row marked as a linked working member: their workplace's branch and their card number find them."""
    text = values["linked_workplace"]
    workplace = workplaces.get(text.casefold())
    errors = []
    member = None
    if workplace is None:
        errors.append(_error("linked_no_branch", number, value=text))
    elif workplace.pk == branch.pk:
        errors.append(_error("linked_own_branch", number, branch=workplace.name))
    else:
        holder = by_card.get(values.get("party_card_number") or "")
        if holder is None or holder.branch_id != workplace.pk or holder.left_on is not None:
            errors.append(_error("linked_no_member", number, branch=workplace.name))
        elif holder.pk in linked:
            errors.append(_error("linked_already", number, name=holder.full_name))
        else:
            member = holder
    if errors:
        return RowPlan(number, values, [row_error_message(error) for error in errors], Action.ERROR)
    return RowPlan(number, values, [], Action.LINK, member, note=workplace.name)


def _rule_errors(number: int, values: dict[str, Any], member: Member | None) -> list[dict]:
    """The member rules, asked about the record as this row would leave it.

    Empty cells keep what is recorded, so a row updating a member is judged with the member's
    other values; a new member starts from the model's defaults.
    """
    before = member or Member()
    admitted = values.get("admitted_on", before.admitted_on)
    full = values.get("full_member_on", before.full_member_on)
    try:
        member_validate(
            status=values.get("status", before.status),
            admitted_on=admitted,
            full_member_on=full,
            exempt_since=before.exempt_since,
            exempt_reason=before.exempt_reason,
        )
    except ValidationError as refused:
        return [
            _error(error.code, number, full=_date_text(full), admitted=_date_text(admitted))
            for errors in refused.error_dict.values()
            for error in errors
        ]
    return []


def _match(number, values, branch, by_card, by_person, errors, by, conflicts) -> Member | None:
    """The member this row describes: by card number (a member of another branch whom ``by`` may
    edit moves here), else a branch member by name and date of birth."""
    card = values.get("party_card_number")
    if card and (owner := by_card.get(card)):
        if owner.branch_id != branch.pk and not access.can_edit_member(by, owner):
            errors.append(_error("card_unavailable", number))
            conflicts.append(owner)
        elif owner.left_on is not None:
            errors.append(_error("card_left_member", number, value=card, name=owner.full_name))
        else:
            return owner
        return None
    same = by_person.get((search_key(values["full_name"]), values.get("date_of_birth")), [])
    if len(same) > 1:
        errors.append(_error("ambiguous_person", number))
        return None
    if same:
        member = same[0]
        if card and member.party_card_number and member.party_card_number != card:
            errors.append(_error("card_mismatch", number, name=member.full_name, card=member.party_card_number))
            return None
        return member
    return None


# --- Saving ------------------------------------------------------------------------


def create_batch(*, branch: Organization, by: AbstractBaseUser, filename: str, parsed: ParsedFile) -> ImportBatch:
    """Store the uploaded rows for the preview. Card numbers held by members the importer may not
    edit are recorded as conflicts for the commune staff, once per upload."""
    batch = ImportBatch.objects.create(branch=branch, created_by=by, filename=filename[:200], rows=parsed.rows)
    for holder in plan_import(batch=batch, by=by).conflicts:
        card_conflict_record(by=by, branch=branch, holder=holder, source=CardConflict.Source.IMPORT)
    return batch


def _new_member(branch: Organization, values: dict[str, Any]) -> Member:
    # Bulk creation skips Member.save(), so do what it does here. What the file does not say stays
    # empty: no model default (ethnicity "Kinh") is filled in for it. The status is the exception:
    # every member has one, and the template says an empty one means Chính thức.
    member = Member(branch=branch, **{"ethnicity": "", **values})
    member.full_name = clean_name(member.full_name)
    member.name_key = search_key(member.full_name)
    member.joined_branch_on = member.admitted_on
    return member


def _apply(member: Member, values: dict[str, Any], changed: Iterable[str]) -> set[str]:
    fields = set(changed)
    for name in changed:
        setattr(member, name, values[name])
    if "full_name" in fields:
        member.full_name = clean_name(member.full_name)
        member.name_key = search_key(member.full_name)
        fields.add("name_key")
    if member.joined_branch_on is None and member.admitted_on is not None:
        member.joined_branch_on = member.admitted_on
        fields.add("joined_branch_on")
    return fields


def import_confirm(*, batch: ImportBatch, by: AbstractBaseUser) -> ImportBatch:
    """Import the batch's valid rows once, in one transaction.

    The batch is claimed by moving it from pending to done in a single UPDATE;
    a second confirm (double submit, second tab) finds nothing to claim and
    imports nothing. Any failure rolls back the claim with the members.
    """
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PENDING).update(
            status=ImportBatch.Status.DONE
        )
        if claimed != 1:
            batch.refresh_from_db()
            return batch
        plan = plan_import(batch=batch, by=by)
        to_create = [_new_member(batch.branch, row.values) for row in plan.rows if row.action == Action.CREATE]
        to_update, fields = [], set()
        for row in plan.rows:
            if row.action == Action.UPDATE:
                fields |= _apply(row.member, row.values, row.changed)
                to_update.append(row.member)
        reason = (gettext("Imported from %(file)s") % {"file": batch.filename})[:100]
        moved = [row for row in plan.rows if row.action == Action.MOVE]
        for row in moved:
            # One by one through the member service: the move ends the ties to the old branch.
            member = row.member
            _apply(member, row.values, [name for name in row.changed if name != "branch"])
            member.branch = batch.branch
            member._change_reason = reason
            member_save(member=member, by=by)
        for row in plan.rows:
            if row.action == Action.LINK:
                # The residence side records the link, accepted (the workplace side is told).
                link_record(
                    member=row.member, residence_branch=batch.branch, since=timezone.localdate(), by=by, accepted=True
                )
        if to_create:
            bulk_create_with_history(to_create, Member, default_user=by, default_change_reason=reason)
        if to_update:
            bulk_update_with_history(
                to_update, Member, fields=sorted(fields), default_user=by, default_change_reason=reason
            )
        batch.status = ImportBatch.Status.DONE
        batch.created_count = len(to_create)
        batch.updated_count = len(to_update) + len(moved)
        batch.save(update_fields=["status", "created_count", "updated_count"])
    return batch


def purge_stale_batches(*, now: datetime.datetime, keep: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Delete uploaded lists older than ``keep``: they hold personal data only needed for the preview."""
    deleted, _ = ImportBatch.objects.filter(created_at__lt=now - keep).delete()
    return deleted
