"""Editing an organisation: names and codes (commune staff), the branch's meeting practicalities."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Organization
from members.text import ControlCharactersStripped


class OrganizationForm(ControlCharactersStripped, forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "code",
            "address",
            "branch_type",
            "meeting_place",
            "meeting_day",
            "meeting_weekday",
            "meeting_week",
        ]

    def __init__(self, *args, can_rename: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_rename:
            del self.fields["name"], self.fields["code"]
        if not self.instance.is_branch:
            for name in ["branch_type", "meeting_place", "meeting_day", "meeting_weekday", "meeting_week"]:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        day, weekday, week = data.get("meeting_day"), data.get("meeting_weekday"), data.get("meeting_week")
        if day and weekday is not None:
            raise forms.ValidationError(_("Choose either a day of the month or a weekday, not both."))
        if (weekday is None) != (week is None):
            raise forms.ValidationError(_("A weekday needs its week of the month (e.g. the first Saturday)."))
        if day is not None and not 1 <= day <= 31:
            self.add_error("meeting_day", _("The day of the month is between 1 and 31."))
        return data
