"""The flags page's filter: which months and which branches."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.dates import plausible_date
from members.forms.fields import IdChoiceField
from members.forms.widgets import MonthInput
from members.models import Organization
from oversight import selectors


class MonthField(forms.Field):
    """A month typed as 11/2026 (or 2026-11, as links and older pages send it), in digits 0-9
    (``\\d`` alone takes "١١/٢٠٢٦"), from 2000 and plausible (``members.dates.plausible_date``)."""

    widget = MonthInput
    default_validators = [plausible_date]
    default_error_messages = {"invalid": gettext_lazy("Enter a month as mm/yyyy.")}

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if match := re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", value):
            year, month = int(match[1]), int(match[2])
        elif match := re.fullmatch(r"([0-9]{1,2})/([0-9]{4})", value):
            month, year = int(match[1]), int(match[2])
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not 1 <= month <= 12 or not 2000 <= year <= 2100:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.date(year, month, 1)

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value:%m/%Y}"
        return value


class FlagsFilterForm(forms.Form):
    start = MonthField(label=gettext_lazy("From month"), required=False)
    end = MonthField(label=gettext_lazy("To month"), required=False)
    branch = IdChoiceField(label=gettext_lazy("Branch"), queryset=Organization.objects.none(), required=False)

    def __init__(self, *args, branches, default: selectors.flags.Period, **kwargs):
        kwargs.setdefault("initial", {"start": default.first, "end": default.last})
        super().__init__(*args, **kwargs)
        self.default = default
        self.fields["branch"].queryset = branches
        self.fields["branch"].empty_label = _("All branches")

    def clean(self):
        data = super().clean()
        start = data.get("start") or self.default.first
        end = data.get("end") or self.default.last
        if start > end:
            raise forms.ValidationError(_("The first month must not be after the last month."), code="order")
        if len(selectors.flags.Period(first=start, last=end).months) > selectors.flags.MAX_MONTHS:
            raise forms.ValidationError(
                _("Choose at most %(count)d months at a time.") % {"count": selectors.flags.MAX_MONTHS}, code="too_long"
            )
        data["period"] = selectors.flags.Period(first=start, last=end)
        return data
