"""Adding an announced day."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.dates import plausible_date
from members.forms.widgets import DateInput
from members.text import ControlCharactersStripped

from .models import AnnouncedDay


class AnnouncedDayForm(ControlCharactersStripped, forms.ModelForm):
    class Meta:
        model = AnnouncedDay
        fields = ["day", "kind", "note"]
        widgets = {"day": DateInput()}
        error_messages = {"day": {"unique": _("This day is already on the list.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # 01/01/0001 from a cleared date picker was saved and then broke the deadline counting.
        self.fields["day"].validators.append(plausible_date)
