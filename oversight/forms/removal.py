"""The removal list's decision form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.text import NOTE_MAX, ControlCharactersStripped
from oversight.models import RemovalKind


class RemovalDecisionForm(ControlCharactersStripped, forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=RemovalKind.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
