"""An organisation's short code (``Organization.code``, in file names such as dang-vien-<code>.xlsx):
lowercase Latin letters without accents, digits and hyphens, said so in Vietnamese, with the code
made from what was typed offered ("Tam Hưng" -> "tam-hung", "TH/01" -> "th-01")."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from members.text import search_key

CODE_MAX = 40
_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
_OTHERS = re.compile(r"[^a-z0-9]+", re.ASCII)


def code_from(text: str, limit: int = CODE_MAX) -> str:
    """A code made from ``text``: accents dropped (đ -> d), lower case, every run of anything else
    (spaces, "/", "_", ".") one hyphen. "" when nothing usable is left."""
    return _OTHERS.sub("-", search_key(text))[:limit].strip("-")


def is_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text or ""))


def validate_code(value: str) -> None:
    if is_code(value):
        return
    message = _("A code has only lowercase Latin letters without accents, digits and hyphens (-).")
    if suggestion := code_from(value):
        raise ValidationError(
            "%(message)s %(offer)s",
            code="invalid",
            params={"message": message, "offer": _("You could use “%(code)s”.") % {"code": suggestion}},
        )
    raise ValidationError(message, code="invalid")


class CodeField(forms.CharField):
    """The code in a form. ``unchanged``: the code the organisation already has, accepted as it is
    even when an older rule let it in (upper case, "_"), so editing the meeting place never fails
    on it."""

    def __init__(self, *, allow_unicode: bool = False, **kwargs):  # what a SlugField's formfield() passes
        kwargs.setdefault("max_length", CODE_MAX)
        kwargs.setdefault("help_text", _("Lowercase Latin letters without accents, digits and hyphens, e.g. tam-hung."))
        super().__init__(**kwargs)
        self.unchanged: str | None = None

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values and value != self.unchanged:
            validate_code(value)
