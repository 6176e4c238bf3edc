"""A searchable branch picker for filters over a province: no ``<select>`` of thousands of branches.

The field stays a ``ModelChoiceField`` (the chosen id is validated against the user's branches as
before); only its widget changes: a hidden input with the id, and a text box that asks
``members:branch_pick`` for up to 20 branches whose name contains what was typed
(static/js/branch-picker.js). Views call ``use_branch_picker(field, user)``: users whose scope is a
commune or smaller keep the plain drop-down (a few dozen branches at most).
"""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string

from members import access
from members.ids import parse_id


class BranchPicker(forms.Widget):
    template_name = "members/widgets/branch_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = ""
        if (branch_id := parse_id(value if isinstance(value, int) else str(value or ""))) is not None:
            # One query, and only when a branch is chosen: its name in the text box.
            chosen = self.choices.queryset.filter(pk=branch_id).values_list("name", flat=True).first() or ""
        context["widget"]["chosen"] = chosen
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine (templates/), not the form renderer's (Django's own widgets).
        return render_to_string(self.template_name, self.get_context(name, value, attrs))


def use_branch_picker(field: forms.ModelChoiceField, user) -> None:
    """Swap the field's drop-down for the searchable picker when the user's scope is above a commune."""
    if access.reaches_beyond_commune(user):
        widget = BranchPicker()
        widget.choices = field.choices
        widget.is_required = field.required
        field.widget = widget
