"""Forms of the schedule area: they validate and clean; the services in meetings.schedule act."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .models import AgendaItem, AgendaItemKind, Meeting, MeetingKind
from .schedule import ALLOWED_EXTENSIONS, check_upload, local_datetime

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONTH_FORMATS = ["%Y-%m", "%m/%Y"]
ACCEPT = ",".join(ALLOWED_EXTENSIONS)


class MeetingFilterForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None, required=False, empty_label=_("All branches"))
    month = forms.DateField(label=_("Month"), required=False, input_formats=MONTH_FORMATS, widget=MONTH_WIDGET)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class _TimesMixin:
    """A day with a start and an end time, cleaned into aware datetimes ``start`` and ``end``."""

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The end time must be after the start time."))
            else:
                data["start"] = local_datetime(day, start)
                data["end"] = local_datetime(day, end)
        return data


class MeetingCreateForm(_TimesMixin, forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices, initial=MeetingKind.REGULAR)
    day = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET, initial=datetime.time(19, 30))
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET, initial=datetime.time(21, 30))
    place = forms.CharField(
        label=_("Place"), max_length=300, required=False, help_text=_("Leave empty for the branch's meeting place.")
    )
    topic = forms.CharField(label=_("Topic (thematic meeting)"), max_length=300, required=False)
    held = forms.BooleanField(
        label=_("The branch has already held this meeting (log a reported meeting)"), required=False
    )

    def __init__(self, *args, branches, can_log: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        if not can_log:
            del self.fields["held"]

    def clean(self):
        data = super().clean()
        if data.get("kind") in (MeetingKind.THEMATIC, MeetingKind.COMBINED) and not data.get("topic"):
            self.add_error("topic", _("Enter the topic of the thematic meeting."))
        return data


class MeetingEditForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "place", "topic", "chair", "minute_taker"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        members = Member.objects.filter(branch_id=meeting.branch_id).active(meeting.day).only("full_name")
        self.fields["chair"].queryset = members
        self.fields["minute_taker"].queryset = members

    def clean(self):
        data = super().clean()
        if data.get("kind") in (MeetingKind.THEMATIC, MeetingKind.COMBINED) and not data.get("topic"):
            self.add_error("topic", _("Enter the topic of the thematic meeting."))
        return data


class MeetingMoveForm(_TimesMixin, forms.Form):
    day = forms.DateField(label=_("New date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for moving the meeting."))
        return reason


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Please give the reason."))
        return reason


class HeldForm(_TimesMixin, forms.Form):
    day = forms.DateField(label=_("Date held"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Actual start"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Actual end"), widget=TIME_WIDGET)

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict:
        start = timezone.localtime(meeting.actual_start or meeting.planned_start)
        end = timezone.localtime(meeting.actual_end or meeting.planned_end)
        return {"day": start.date(), "start_time": start.time(), "end_time": end.time()}


class AgendaItemForm(forms.ModelForm):
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


class GuidanceForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Published by"), queryset=None, empty_label=None)
    month = forms.DateField(label=_("Month"), input_formats=MONTH_FORMATS, widget=MONTH_WIDGET)
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}))
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


class AgendaTemplateItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItemKind.choices, initial=AgendaItemKind.OTHER)
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=0, max_value=600, required=False)


AgendaTemplateFormSet = forms.formset_factory(AgendaTemplateItemForm, extra=3, can_order=True, can_delete=True)
