"""Agenda items, their files, and the commune's agenda template."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meetings.forms.widgets import ACCEPT
from meetings.models import AgendaItem, AgendaItemKind
from meetings.services.uploads import check_upload
from members.text import ControlCharactersStripped


class AgendaItemForm(ControlCharactersStripped, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "presenter", "planned_minutes", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "planned_minutes": forms.NumberInput(attrs={"min": 0, "max": 600, "inputmode": "numeric"}),
        }

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Enter the title of the agenda item."))
        return title


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX), JPG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-control", "aria-label": _("File")}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class AgendaTemplateItemForm(ControlCharactersStripped, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItemKind.choices, initial=AgendaItemKind.OTHER)
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=0, max_value=600, required=False)


AgendaTemplateFormSet = forms.formset_factory(AgendaTemplateItemForm, extra=3, can_order=True, can_delete=True)
