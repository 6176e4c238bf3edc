"""The resolution's text, its tasks and last month's review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetings.forms.minutes import VersionedForm, _textarea
from meetings.forms.widgets import DATE_WIDGET
from meetings.models import Resolution, TaskOutcome


class ResolutionForm(VersionedForm):
    number = forms.IntegerField(label=_("Number"), min_value=1)
    title = forms.CharField(label=_("Title"), max_length=300)
    results = forms.CharField(label=_("I. Results of last month"), required=False, widget=_textarea(6))
    implementation = forms.CharField(label=_("III. Assignment and implementation"), required=False, widget=_textarea(5))
    assessment = forms.CharField(label=_("IV. Quality self-assessment"), required=False, widget=_textarea(4))
    recipients = forms.CharField(label=_("Recipients"), required=False, widget=_textarea(3))

    def __init__(self, *args, resolution: Resolution, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolution = resolution

    def clean_number(self):
        number = self.cleaned_data["number"]
        taken = (
            Resolution.objects.filter(
                meeting__branch_id=self.resolution.meeting.branch_id, year=self.resolution.year, number=number
            )
            .exclude(pk=self.resolution.pk)
            .exists()
        )
        if taken:
            raise forms.ValidationError(
                _("The branch already has resolution number %(number)s in %(year)s."),
                params={"number": number, "year": self.resolution.year},
            )
        return number


class TaskForm(forms.Form):
    description = forms.CharField(label=_("Task"), widget=_textarea(2))
    lead = forms.CharField(label=_("Who leads"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_WIDGET)
    report_at = forms.ModelChoiceField(
        label=_("Reported back at"), queryset=None, required=False, empty_label=_("— not set —")
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_at"].queryset = meetings
        self.fields["report_at"].label_from_instance = lambda m: (
            gettext("%(kind)s %(month)s, %(day)s")
            % {
                "kind": m.get_kind_display(),
                "month": f"{m.month:%m/%Y}",
                "day": f"{m.day:%d/%m/%Y}",
            }
        )


class TaskOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=TaskOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
