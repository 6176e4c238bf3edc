"""Adding an announced day."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.forms.widgets import DateInput

from .models import AnnouncedDay


class AnnouncedDayForm(forms.ModelForm):
    class Meta:
        model = AnnouncedDay
        fields = ["day", "kind", "note"]
        widgets = {"day": DateInput()}
        error_messages = {"day": {"unique": _("This day is already on the list.")}}
