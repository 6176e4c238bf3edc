"""Form fields for picking a member: look-alike names told apart, a list filtered as you type."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

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


class MemberChoiceField(forms.ModelChoiceField):
    """A member select: static/js/pick.js adds a box above it that filters the options as you type."""

    iterator = _LabelledChoices

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset, **kwargs)
        self.widget.attrs.setdefault("data-filter", _("Type a few letters of the name"))
