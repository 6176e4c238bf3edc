"""A commune's petition categories and answering bodies, as its staff edit them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from petitions.models import BodyKind

from .fields import person


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("catalogue", "Name"), max_length=120, error_messages={"required": _("Give it a name.")}
    )
    default_days = forms.IntegerField(
        label=_("Default deadline (working days)"),
        min_value=1,
        max_value=365,
        initial=15,
        error_messages={
            "required": _("Enter the number of working days."),
            "invalid": _("Enter a whole number of working days."),
            "min_value": _("The default deadline is between 1 and 365 working days."),
            "max_value": _("The default deadline is between 1 and 365 working days."),
        },
    )
    position = forms.IntegerField(label=_("Position in the list"), min_value=0, max_value=999, required=False)


class BodyForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("catalogue", "Name"), max_length=200, error_messages={"required": _("Give it a name.")}
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *BodyKind.choices], required=False)
    position = forms.IntegerField(label=_("Position in the list"), min_value=0, max_value=999, required=False)


class OfficerMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return person(obj)


class BodyOfficersForm(forms.Form):
    officers = OfficerMultipleChoiceField(
        label=_("Officers who work on this body's petitions"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Users with the officer role at this commune."),
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officers
