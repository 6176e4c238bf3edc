"""Forms of the roll call, guests and cadre assignments. They only validate."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CadreAssignment, Guest, Mark

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MarkForm(forms.Form):
    """A tap on a roll row: ``mark=<mark>``, or the roll page's buttons, each named after its
    mark (``<mark>=``) to keep a page of 300 rows light."""

    mark = forms.ChoiceField(choices=Mark.choices, error_messages={"required": _("Choose a mark.")})
    reason = forms.CharField(max_length=300, required=False, strip=True)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "mark" not in data:
            tapped = [value for value in Mark.values if value in data]
            if len(tapped) == 1:
                data = data.copy()
                data["mark"] = tapped[0]
        super().__init__(data, *args, **kwargs)


class GuestForm(forms.ModelForm):
    class Meta:
        model = Guest
        fields = ["name", "title"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the guest's name."))
        return name


ATTENDED_CHOICES = [("", _("Not recorded yet")), ("yes", _("Came")), ("no", _("Did not come"))]


class GuestRecordForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Attended"),
        choices=ATTENDED_CHOICES,
        required=False,
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
    )
    remarks = forms.CharField(
        label=_("Remarks (ý kiến chỉ đạo)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    promises = forms.CharField(
        label=_("Promised to take back"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    @classmethod
    def for_guest(cls, guest: Guest, data=None):
        initial = {
            "attended": "" if guest.attended is None else ("yes" if guest.attended else "no"),
            "remarks": guest.remarks,
            "promises": guest.promises,
        }
        return cls(data, initial=initial)


class CadreAssignmentForm(forms.ModelForm):
    class Meta:
        model = CadreAssignment
        fields = ["cadre", "title", "branch", "started_on", "ended_on"]
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
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE_WIDGET)

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


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Until"), widget=DATE_WIDGET)

    @staticmethod
    def default_period(today: datetime.date) -> dict:
        return {"start": today.replace(month=1, day=1), "end": today}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return data
