"""Date, time and month inputs typed as dd/mm/yyyy, HH:MM and mm/yyyy whatever the phone's language.

A native <input type="date"> (or time, month) shows its picker in the browser's locale: mm/dd/yyyy,
"PM" and "June 2026" on a phone set to English. These are text inputs with a numeric keyboard
instead; static/js/inputs.js puts in the separators as digits are typed (a numeric keyboard may have
no "/" or ":"). The fields keep their input_formats, so ISO dates (2026-12-05) are still accepted.
"""

from __future__ import annotations

from django import forms
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

# What the browser lets through before the server parses it: the forms' input formats.
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}-\d{1,2}-\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2}"
TIME_PATTERN = r"\d{1,2}[:.h]\d{2}(:\d{2})?|\d{1,2}h"
MONTH_PATTERN = r"\d{1,2}/\d{4}|\d{4}-\d{1,2}"


def inputs_script() -> SafeString:
    """The script behind these inputs and the file picker, loaded only by pages that have them
    (the browser fetches it once however often it appears; it installs itself once)."""
    return format_html('<script src="{}" defer></script>', static("js/inputs.js"))


def _typed(kind: str, placeholder, pattern: str, size: int, title) -> dict:
    return {
        "type": "text",
        "inputmode": "numeric",
        "autocomplete": "off",
        "placeholder": placeholder,
        "pattern": pattern,
        "title": title,
        "maxlength": size,
        "data-typed": kind,
    }


class DateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy."""

    def __init__(self, attrs=None):
        typed = _typed("date", _("dd/mm/yyyy"), DATE_PATTERN, 10, _("A date as dd/mm/yyyy, e.g. 05/12/2026"))
        super().__init__(attrs={**typed, **(attrs or {})}, format="%d/%m/%Y")

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer) + inputs_script()


class TimeInput(forms.TimeInput):
    """A time typed as HH:MM, 24-hour."""

    def __init__(self, attrs=None):
        typed = _typed("time", _("HH:MM"), TIME_PATTERN, 8, _("A time as HH:MM (24-hour), e.g. 19:30"))
        super().__init__(attrs={**typed, **(attrs or {})}, format="%H:%M")

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer) + inputs_script()


class MonthInput(forms.DateInput):
    """A month typed as mm/yyyy."""

    def __init__(self, attrs=None):
        typed = _typed("month", _("mm/yyyy"), MONTH_PATTERN, 7, _("A month as mm/yyyy, e.g. 12/2026"))
        super().__init__(attrs={**typed, **(attrs or {})}, format="%m/%Y")

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer) + inputs_script()
