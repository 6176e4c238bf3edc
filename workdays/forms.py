"""Adding an announced day: national (province staff) or a node's own day off (its staff)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.dates import plausible_date
from members.forms.widgets import DateInput
from members.models import Organization
from members.text import ControlCharactersStripped

from . import access
from .models import AnnouncedDay, AnnouncedDayKind


class AnnouncedDayForm(ControlCharactersStripped, forms.ModelForm):
    class Meta:
        model = AnnouncedDay
        fields = ["day", "kind", "organization", "note"]
        widgets = {"day": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # 01/01/0001 from a cleared date picker was saved and then broke the deadline counting.
        self.fields["day"].validators.append(plausible_date)
        places = self.fields["organization"]
        places.queryset = Organization.objects.filter(pk__in=[node.pk for node in access.local_places(user)]).order_by(
            "path"
        )
        # Only who keeps the national list may leave it empty (the whole country).
        national = access.can_keep_national_days(user)
        places.required = not national
        places.empty_label = _("The whole country") if national else None
        if not national:
            self.fields["kind"].choices = [(AnnouncedDayKind.DAY_OFF, AnnouncedDayKind.DAY_OFF.label)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organization") and cleaned.get("kind") == AnnouncedDayKind.WORKDAY:
            self.add_error("kind", _("An organisation adds only its own days off: make-up working days are national."))
        return cleaned
