"""A commune's meeting rules and its scoring rubric."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.forms.widgets import DATE_WIDGET
from meetings.models import HolidayShift, MeetingRules
from members.dates import plausible_date
from members.text import ControlCharactersStripped

# The residence comments' deadline came later still: kept when a form does not send it.
RESIDENCE_DEADLINE = ("residence_comment_day", "residence_comment_month")
ANNUAL_THRESHOLDS = ("good_months_for_good_year", "fair_months_for_fair_year", "poor_months_for_poor_year")


class MeetingRulesForm(forms.ModelForm):
    """The commune's local practice: lengths, thresholds and score levels."""

    class Meta:
        model = MeetingRules
        fields = [
            "min_minutes",
            "min_minutes_combined",
            "min_attendance_rate",
            "max_absences_in_row",
            "minutes_deadline_days",
            "materials_days_before",
            "level_good",
            "level_fair",
            "level_average",
            "good_months_for_good_year",
            "fair_months_for_fair_year",
            "poor_months_for_poor_year",
            "holiday_shift",
            "term_started_on",
            "number_by_year",
            "residence_comment_day",
            "residence_comment_month",
        ]
        widgets = {"term_started_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An older form (or a script) that does not send it keeps the usual practice: move earlier.
        self.fields["holiday_shift"].required = False
        # Year 0001 or 9999 was saved and then decided every resolution number of the term.
        self.fields["term_started_on"].validators.append(plausible_date)
        # The annual thresholds came later: a form that does not send them keeps the current ones.
        for name in (*ANNUAL_THRESHOLDS, *RESIDENCE_DEADLINE):
            self.fields[name].required = False

    def clean_holiday_shift(self):
        return self.cleaned_data.get("holiday_shift") or HolidayShift.BEFORE

    def clean(self):
        data = super().clean()
        for name in (*ANNUAL_THRESHOLDS, *RESIDENCE_DEADLINE):
            if name in data and data[name] is None:
                data[name] = getattr(self.instance, name)
        good, fair, average = data.get("level_good"), data.get("level_fair"), data.get("level_average")
        if None not in (good, fair, average) and not (100 >= good > fair > average >= 0):
            raise forms.ValidationError(
                _("The score levels must go down: Good above Fair above Average, all between 0 and 100.")
            )
        if (data.get("min_attendance_rate") or 0) > 100:
            self.add_error("min_attendance_rate", _("A rate is at most 100%."))
        return data


class CriterionForm(ControlCharactersStripped, forms.Form):
    label = forms.CharField(label=_("Criterion"), max_length=100, required=False)
    max = forms.IntegerField(label=_("Points"), min_value=1, max_value=100, required=False)
    full_for_good = forms.BooleanField(label=_("Needed at its maximum for Good"), required=False)
    key = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("label") and not data.get("max"):
            self.add_error("max", _("Give the criterion its points."))
        return data


class BaseRubricFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        total = sum(f.cleaned_data["max"] for f in self.forms if f.cleaned_data.get("label"))
        if total != 100:
            raise forms.ValidationError(
                _("The criteria must add up to 100 points; now they add up to %(total)d."), params={"total": total}
            )


RubricFormSet = forms.formset_factory(CriterionForm, formset=BaseRubricFormSet, extra=2)
