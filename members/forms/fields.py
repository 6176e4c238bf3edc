"""Form fields for picking a member: look-alike names told apart, a list filtered as you type."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from members.ids import parse_id
from members.models import Member

# What the labels need, for querysets narrowed with .only().
LABEL_FIELDS = ("full_name", "name_key", "date_of_birth", "residence")


class _LabelledChoices(ModelChoiceIterator):
    """Each member once, labelled by Member.labels (birth year and hamlet where two share a name)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        members = list(self.queryset)
        labels = Member.labels(members)
        for member in members:
            yield (ModelChoiceIteratorValue(self.field.prepare_value(member), member), labels[member.pk])


class IdChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose id is digits 0-9 only (``members.ids.parse_id``): Django's own
    reads "١٢" and "１２" as 12 (``int()`` does), so a query string in other digits chose a record.
    Anything else is "not one of the choices", as an id that is not offered."""

    def to_python(self, value):
        if (
            self.to_field_name is None
            and isinstance(value, str)
            and value not in self.empty_values
            and parse_id(value.strip()) is None
        ):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class MemberChoiceField(IdChoiceField):
    """A member select: static/js/pick.js adds a box above it that filters the options as you type."""

    iterator = _LabelledChoices

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset, **kwargs)
        self.widget.attrs.setdefault("data-filter", _("Type a few letters of the name"))
