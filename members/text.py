"""Normalising Vietnamese text and phone numbers for search and storage, and how long a text may be."""

import re
import unicodedata

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

# Phone numbers are read by notifications.phones, one reader for the register, the import and the SMS
# phone; the names stay importable from here.
from notifications.phones import NotAsciiDigits, has_other_digits, normalize_phone  # noqa: F401

_SPACES = re.compile(r"\s+")

# How long what people type may be, checked by the form (``max_length``) and by the database (a
# CharField's column, or ``length_checks`` on a TextField), so no layer below ever sees an
# unbounded string: a 1 MB opening used to hold a worker for 42 s rendering the minutes' PDF.
NAME_MAX = 200
TITLE_MAX = 300
# Minutes sections, speeches, conclusions, tasks, resolution sections, a cadre's remarks: a long
# meeting's minutes fit many times over (a typed A4 page is about 3,000 characters).
LONG_TEXT_MAX = 20_000
# A note beside a decision (the removal list's): a few sentences.
NOTE_MAX = 2_000


def length_checks(prefix: str, *fields: str, limit: int = LONG_TEXT_MAX) -> list[models.CheckConstraint]:
    """Check constraints "``prefix``_``field``_length": each field holds at most ``limit`` characters."""
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(field), limit),
            name=f"{prefix}_{field}_length",
            violation_error_message=_("This text is too long."),
        )
        for field in fields
    ]


def search_key(text: str) -> str:
    """Fold a name to lower case without accents: "Nguyễn Văn An" -> "nguyen van an".

    Works the same for composed (NFC) and decomposed (NFD) input, so it matches
    what phones send. Stored alongside names because SQLite has no unaccent().
    """
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()


def clean_name(text: str) -> str:
    """Names are stored composed (NFC) with single spaces, without control or invisible format
    characters (``strip_controls``): the letters stay, a right-to-left override does not."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", strip_controls(text or ""))).strip()


# Control characters (C0 and C1, DEL) other than tab and line breaks, and the code points XML
# forbids: a phone's keyboard or a pasted text can carry them, and a DOCX cannot hold them. Also
# the invisible format characters a paste carries: zero-width space and joiners, the left-to-right
# and right-to-left marks (U+200B-U+200F), the bidirectional embeddings and overrides
# (U+202A-U+202E), the word joiner (U+2060), the bidirectional isolates (U+2066-U+2069) and the
# byte-order mark (U+FEFF). An override shows a name backwards; a zero-width space makes two names
# that look the same differ (a duplicate the register cannot see). Vietnamese needs none of them.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ud800-\udfff\ufeff\ufffe\uffff]"
)


def strip_controls(text: str) -> str:
    """Text without control or invisible format characters; line breaks become "\\n" and tabs stay."""
    return _CONTROLS.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))


def clean_text(text: str) -> str:
    """What people type, as stored: without control or invisible format characters
    (``strip_controls``), composed (NFC: "Nguyễn" typed on a phone as "u" + hook + tilde is the same
    word as the one typed on a computer), without spaces around it."""
    return unicodedata.normalize("NFC", strip_controls(text or "")).strip()


def strip_controls_in(value):
    """``strip_controls`` on a string, composed (NFC), or on the strings of a dict or list (a form's
    cleaned data)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", strip_controls(value))
    if isinstance(value, dict):
        return {key: strip_controls_in(item) for key, item in value.items()}
    if isinstance(value, list):
        return [strip_controls_in(item) for item in value]
    return value


class ControlCharactersStripped:
    """A form mixin (put it first among the bases): every text the form cleans loses its
    control and invisible format characters and is composed (NFC), so what reaches a page or a
    document is printable and the same letters are the same text.
    A required text that was nothing else (a lone zero-width space) is refused as missing."""

    def clean(self):
        cleaned = super().clean()
        if cleaned is None:
            cleaned = self.cleaned_data
        for name, value in list(cleaned.items()):
            stripped = strip_controls_in(value)
            cleaned[name] = stripped
            field = self.fields.get(name)
            if isinstance(value, str) and value.strip() and not stripped.strip() and field and field.required:
                self.add_error(name, field.error_messages["required"])
        return cleaned
