"""Assigning cadres to branches and ending an assignment."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.forms.widgets import DATE_WIDGET
from meetings.models import CadreAssignment
from members.dates import plausible_date
from members.forms.fields import MemberChoiceField
from members.text import ControlCharactersStripped


class CadreAssignmentForm(ControlCharactersStripped, forms.ModelForm):
    class Meta:
        model = CadreAssignment
        fields = ["cadre", "title", "branch", "started_on", "ended_on"]
        field_classes = {"cadre": MemberChoiceField}
        widgets = {"started_on": DATE_WIDGET, "ended_on": DATE_WIDGET}

    def __init__(self, *args, cadres, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres
        self.fields["branch"].queryset = branches
        self.fields["title"].widget.attrs["placeholder"] = _("E.g. Phó Bí thư Đảng ủy, Chủ tịch UBND xã")
        self.fields["cadre"].error_messages["invalid_choice"] = _("Choose a member from the list.")
        self.fields["branch"].error_messages["invalid_choice"] = _("Choose a branch from the list.")

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Enter the cadre's title."))
        return title

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("The end date cannot be before the start date."))
        return data


class AssignmentEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE_WIDGET, validators=[plausible_date])

    def __init__(self, *args, assignment: CadreAssignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment

    def clean_ended_on(self):
        ended = self.cleaned_data["ended_on"]
        if ended < self.assignment.started_on:
            raise forms.ValidationError(
                _("The assignment started on %(date)s; it cannot end before that."),
                params={"date": self.assignment.started_on.strftime("%d/%m/%Y")},
            )
        if ended > timezone.localdate():
            raise forms.ValidationError(_("An assignment can only be ended on today's date or earlier."))
        return ended
