"""Fields shared by the petitions forms: dates typed dd/mm/yyyy (or picked), people by their name."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.forms.widgets import DATE_WIDGET
from members.forms.fields import IdChoiceField
from members.names import person_name

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y"]
DATE_ERRORS = {"invalid": _("Enter a date as dd/mm/yyyy.")}


def date_field(
    label, *, required: bool = False, help_text: str = "", validators=(), required_message=None
) -> forms.DateField:
    """``validators``: e.g. ``members.dates.plausible_date`` for a date that is stored."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DATE_WIDGET,
        error_messages={**DATE_ERRORS, **({"required": required_message} if required_message else {})},
        help_text=help_text,
        validators=list(validators),
    )


def person(user) -> str:
    return person_name(user)


class UserChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return person(obj)


class MeetingChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return f"{timezone.localtime(obj.planned_start):%d/%m/%Y} · {obj.get_kind_display()}"
