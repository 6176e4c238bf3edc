"""Finding, creating and changing meetings."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.forms.widgets import DATE_WIDGET, MONTH_FORMATS, MONTH_WIDGET, TIME_WIDGET
from meetings.models import Meeting, MeetingKind
from meetings.months import local_datetime
from members.dates import plausible_date
from members.forms.fields import LABEL_FIELDS, IdChoiceField, MemberChoiceField
from members.models import Member
from members.text import ControlCharactersStripped


class MeetingFilterForm(forms.Form):
    branch = IdChoiceField(label=_("Branch"), queryset=None, required=False, empty_label=_("All branches"))
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=MONTH_FORMATS,
        widget=MONTH_WIDGET,
        validators=[plausible_date],
    )

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


class MeetingCreateForm(ControlCharactersStripped, _TimesMixin, forms.Form):
    branch = IdChoiceField(label=_("Branch"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices, initial=MeetingKind.REGULAR)
    day = forms.DateField(label=_("Date"), widget=DATE_WIDGET, validators=[plausible_date])
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


class MeetingEditForm(ControlCharactersStripped, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "place", "topic", "chair", "minute_taker"]
        field_classes = {"chair": MemberChoiceField, "minute_taker": MemberChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        members = Member.objects.filter(branch_id=meeting.branch_id).active(meeting.day).only(*LABEL_FIELDS)
        self.fields["chair"].queryset = members
        self.fields["minute_taker"].queryset = members

    def clean(self):
        data = super().clean()
        if data.get("kind") in (MeetingKind.THEMATIC, MeetingKind.COMBINED) and not data.get("topic"):
            self.add_error("topic", _("Enter the topic of the thematic meeting."))
        return data


class MeetingMoveForm(_TimesMixin, forms.Form):
    day = forms.DateField(label=_("New date"), widget=DATE_WIDGET, validators=[plausible_date])
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for moving the meeting."))
        return reason


class ReasonForm(ControlCharactersStripped, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Please give the reason."))
        return reason


class HeldForm(_TimesMixin, forms.Form):
    day = forms.DateField(label=_("Date held"), widget=DATE_WIDGET, validators=[plausible_date])
    start_time = forms.TimeField(label=_("Actual start"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Actual end"), widget=TIME_WIDGET)

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict:
        start = timezone.localtime(meeting.actual_start or meeting.planned_start)
        end = timezone.localtime(meeting.actual_end or meeting.planned_end)
        return {"day": start.date(), "start_time": start.time(), "end_time": end.time()}
