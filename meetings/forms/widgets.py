"""Date, time and month inputs shared by the meetings forms (dd/mm/yyyy on the page)."""

from __future__ import annotations

from django import forms

from meetings.services.uploads import ALLOWED_EXTENSIONS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


MONTH_FORMATS = ["%Y-%m", "%m/%Y"]


ACCEPT = ",".join(ALLOWED_EXTENSIONS)
