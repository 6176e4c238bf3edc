"""Vietnamese phone numbers, as typed and as stored: the one reader of a number for every form and
import that takes one (the SMS phone in notification preferences, the member's phone in the
register and in the member import).

A number is written with the digits 0 to 9 only. ``str.isdigit()`` and the regex ``\\d`` also take
Arabic-Indic ("٠١٢"), full-width ("０１２") and superscript ("²") digits, which an SMS gateway does
not dial: they are refused (``NotAsciiDigits``), and every pattern here is ``[0-9]``, ASCII."""

from __future__ import annotations

import re

# A mobile number: 0, one of the mobile prefixes 3, 5, 7, 8, 9, and eight more digits.
MOBILE = re.compile(r"0[35789][0-9]{8}", re.ASCII)
# Any number as stored: a mobile (10 digits) or a landline (02, area code and number: 11 digits
# since 2017, when 01x mobile numbers also moved to 03, 05, 07, 08).
NUMBER = re.compile(r"0(?:[35789][0-9]{8}|2[0-9]{9})", re.ASCII)
# What people type between the digits: spaces, dots, dashes, brackets.
_SEPARATORS = re.compile(r"[\s.\-()]")


class NotAsciiDigits(ValueError):
    """A number typed with digits other than 0-9 (Arabic-Indic "٠١٢", full-width "０１２")."""


class NotAPhoneNumber(ValueError):
    """Not a Vietnamese phone number (or, where a mobile is needed, not a mobile number)."""


def has_other_digits(text: str) -> bool:
    """``text`` holds a digit that is not one of 0-9 (``str.isdigit()`` also says yes to "²" and "١")."""
    return any(ch.isdigit() and not ch.isascii() for ch in text or "")


def normalize_phone(raw: str, *, mobile: bool = False) -> str:
    """The number as stored, 0 and nine digits (a landline's 0 and ten, unless ``mobile``):
    "+84 912 345 678", "84912345678", "0912.345.678", "(+84) 0912-345-678" -> "0912345678".

    Raises NotAsciiDigits for digits other than 0-9, NotAPhoneNumber for anything else that is
    not such a number (too short or long, letters, another country, a landline when ``mobile``)."""
    if has_other_digits(raw):
        raise NotAsciiDigits(raw)
    compact = _SEPARATORS.sub("", raw or "")
    for country in ("+84", "0084"):
        if compact.startswith(country):
            compact = "0" + compact[len(country) :].removeprefix("0")
            break
    else:
        if compact.startswith("84") and len(compact) in (11, 12):
            compact = "0" + compact[2:]
    if not (MOBILE if mobile else NUMBER).fullmatch(compact):
        raise NotAPhoneNumber(raw)
    return compact


def mobile_or_empty(raw: str) -> str:
    """The mobile number an SMS can go to, as stored ("0912345678"), or "" when ``raw`` is not one."""
    try:
        return normalize_phone(raw or "", mobile=True)
    except ValueError:
        return ""
