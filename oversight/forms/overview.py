"""The dashboard's period: a month, its quarter or its year."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.forms.flags import MonthField
from oversight.selectors.overview import PeriodKind, Span


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices, required=False)
    month = MonthField(label=_("Month"), required=False)

    def __init__(self, *args, today: datetime.date, **kwargs):
        kwargs.setdefault("initial", {"period": PeriodKind.MONTH, "month": today.replace(day=1)})
        super().__init__(*args, **kwargs)
        self.today = today

    def span(self) -> Span:
        """The period chosen; the current month when nothing (or nothing valid) was chosen."""
        kind, month = PeriodKind.MONTH, self.today
        if self.is_bound and self.is_valid():
            kind = self.cleaned_data["period"] or PeriodKind.MONTH
            month = self.cleaned_data["month"] or self.today
        return Span.containing(kind, month)
