"""Normalising Vietnamese text and phone numbers for search and storage."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


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
    """Names are stored composed (NFC) with single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def normalize_phone(raw: str) -> str:
    """Return a Vietnamese number as 0xxxxxxxxx, or raise ValueError.

    Accepts spaces, dots, dashes and the +84 / 84 country prefix.
    """
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0\d{9,10}", digits):
        raise ValueError(raw)
    return digits
