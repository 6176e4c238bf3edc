"""Publishing the month's guidance."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.forms.widgets import ACCEPT, MONTH_FORMATS, MONTH_WIDGET
from meetings.services.uploads import check_upload
from members.dates import plausible_date
from members.text import LONG_TEXT_MAX, ControlCharactersStripped


class GuidanceForm(ControlCharactersStripped, forms.Form):
    organization = forms.ModelChoiceField(label=_("Published by"), queryset=None, empty_label=None)
    month = forms.DateField(
        label=_("Month"), input_formats=MONTH_FORMATS, widget=MONTH_WIDGET, validators=[plausible_date]
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Content"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(
        label=_("File (optional)"),
        required=False,
        help_text=_("PDF, Word (DOCX), Excel (XLSX), JPG or PNG, up to 10 MB. More files can be added later."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if organizations.count() == 1:
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].initial = organizations.first()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        return upload
