"""A choice that is not on the list is refused without repeating what was sent.

Django's ChoiceField says "Select a valid choice. %(value)s is not one of the available choices.",
so a crafted 10,000-character value came back in the page (and in English where Django's
Vietnamese catalog lacks a message). Every choice field of the site, the project's and the
libraries' (django-filter, the admin), says instead that the choice is not on the list.
"""

from __future__ import annotations

from django import forms
from django.db.models import fields as model_fields
from django.utils.translation import gettext_lazy as _

# What an empty picker says, rather than Django's "---------" (issue 25): a model field's blank
# choice (BLANK_CHOICE_DASH, the default of Field.get_choices) and a ModelChoiceField's empty_label.
# A field that names its own empty label ("All branches", "Choose…") keeps it.
EMPTY_CHOICE = _("— choose —")

NOT_ON_THE_LIST = _("Select a valid choice. That choice is not one of the available choices.")

# The classes that declare the messages; their subclasses (TypedChoiceField, django-filter's
# fields, members.forms.fields.MemberChoiceField…) inherit them.
_MESSAGES = {
    forms.ChoiceField: ("invalid_choice",),
    forms.MultipleChoiceField: ("invalid_choice",),
    forms.ModelChoiceField: ("invalid_choice",),
    forms.ModelMultipleChoiceField: ("invalid_choice", "invalid_pk_value"),
}


def choice_errors_without_value() -> None:
    """Install the message and the empty choice (once, when members/apps.py is imported, before
    any form exists)."""
    model_fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_CHOICE)]
    forms.ModelChoiceField.__init__.__kwdefaults__["empty_label"] = EMPTY_CHOICE
    for field_class, codes in _MESSAGES.items():
        field_class.default_error_messages = {
            **field_class.default_error_messages,
            **dict.fromkeys(codes, NOT_ON_THE_LIST),
        }
