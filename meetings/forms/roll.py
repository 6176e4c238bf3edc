"""A mark on the roll, and guests at a meeting."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Guest, Mark
from members.text import LONG_TEXT_MAX, ControlCharactersStripped


class MarkForm(ControlCharactersStripped, forms.Form):
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


class GuestForm(ControlCharactersStripped, forms.ModelForm):
    class Meta:
        model = Guest
        fields = ["name", "title"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the guest's name."))
        return name


ATTENDED_CHOICES = [("", _("Not recorded yet")), ("yes", _("Came")), ("no", _("Did not come"))]


class GuestRecordForm(ControlCharactersStripped, forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Attended"),
        choices=ATTENDED_CHOICES,
        required=False,
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
    )
    remarks = forms.CharField(
        label=_("Remarks (ý kiến chỉ đạo)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=LONG_TEXT_MAX,
    )
    promises = forms.CharField(
        label=_("Promised to take back"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT_MAX,
    )

    @classmethod
    def for_guest(cls, guest: Guest, data=None):
        initial = {
            "attended": "" if guest.attended is None else ("yes" if guest.attended else "no"),
            "remarks": guest.remarks,
            "promises": guest.promises,
        }
        return cls(data, initial=initial)
