"""The cadre report's period."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.forms.widgets import DATE_WIDGET
from members.dates import plausible_date


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_WIDGET, validators=[plausible_date])
    end = forms.DateField(label=_("Until"), widget=DATE_WIDGET, validators=[plausible_date])

    @staticmethod
    def default_period(today: datetime.date) -> dict:
        return {"start": today.replace(month=1, day=1), "end": today}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return data
