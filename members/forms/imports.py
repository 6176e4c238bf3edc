"""Uploading a member list: the file must be a readable spreadsheet."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.services.imports import ImportFileError, ParsedFile, parse_upload


class ImportUploadForm(forms.Form):
    """Checks that the upload is a readable member list; ``parsed`` holds its rows."""

    file = forms.FileField(
        label=_("Member list file"),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("No file was sent. Choose the file again."),
            "missing": _("No file was sent. Choose the file again."),
        },
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parsed: ParsedFile | None = None
        self.fields["file"].help_text = gettext(
            "An Excel file (.xlsx) or a CSV file saved as UTF-8, at most %(size)s MB."
        ) % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.parsed = parse_upload(upload=upload)
        except ImportFileError as exc:
            raise ValidationError(exc.message, code=exc.code) from None
        return upload
