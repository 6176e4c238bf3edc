"""A commune's reminder timings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import ReminderRules


class ReminderRulesForm(forms.ModelForm):
    class Meta:
        model = ReminderRules
        fields = [
            "first_reminder_days",
            "second_reminder_days",
            "reminder_hour",
            "agenda_empty_days",
            "commune_minutes_days",
            "petition_due_soon_days",
            "petition_leader_after_days",
            "petition_new_after_days",
        ]

    def clean(self):
        data = super().clean()
        first, second = data.get("first_reminder_days"), data.get("second_reminder_days")
        if first and second and first == second:
            self.add_error("second_reminder_days", _("The two reminders fall on the same day; set 0 to send one."))
        return data
