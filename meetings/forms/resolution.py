"""The resolution's text, its tasks and last month's review."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetings.forms.minutes import VersionedForm, _textarea
from meetings.forms.widgets import DATE_WIDGET
from meetings.models import Meeting, Resolution, TaskOutcome
from members.dates import MAX_DOCUMENT_NUMBER, plausible_date
from members.text import LONG_TEXT_MAX, ControlCharactersStripped


class ResolutionForm(ControlCharactersStripped, VersionedForm):
    """The resolution's text; its number only once issued (a draft is numbered when the minutes
    are adopted with the vote passed: services.resolution.resolution_issue)."""

    record = "resolution"
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=MAX_DOCUMENT_NUMBER)
    title = forms.CharField(label=_("Title"), max_length=300)
    results = forms.CharField(
        label=_("I. Results of last month"), required=False, max_length=LONG_TEXT_MAX, widget=_textarea(6)
    )
    implementation = forms.CharField(
        label=_("III. Assignment and implementation"), required=False, max_length=LONG_TEXT_MAX, widget=_textarea(5)
    )
    assessment = forms.CharField(
        label=_("IV. Quality self-assessment"), required=False, max_length=LONG_TEXT_MAX, widget=_textarea(4)
    )
    recipients = forms.CharField(label=_("Recipients"), required=False, max_length=LONG_TEXT_MAX, widget=_textarea(3))

    def __init__(self, *args, resolution: Resolution, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolution = resolution
        # A draft has no number to type. A page opened on the draft and posted after it was
        # numbered sends none either: the save is then refused as stale, not for the number.
        if resolution.number is None or (self.is_bound and "number" not in self.data):
            del self.fields["number"]

    def clean_number(self):
        number = self.cleaned_data["number"]
        taken = (
            Resolution.objects.filter(
                branch_id=self.resolution.branch_id, series_start=self.resolution.series_start, number=number
            )
            .exclude(pk=self.resolution.pk)
            .exists()
        )
        if taken:
            raise forms.ValidationError(
                _("The branch already has resolution number %(number)s in this term (numbered from %(start)s)."),
                params={"number": number, "start": f"{self.resolution.series_start:%d/%m/%Y}"},
            )
        return number


class TaskForm(ControlCharactersStripped, forms.Form):
    description = forms.CharField(label=_("Task"), max_length=LONG_TEXT_MAX, widget=_textarea(2))
    lead = forms.CharField(label=_("Who leads"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_WIDGET, validators=[plausible_date])
    report_at = forms.ChoiceField(label=_("Reported back at"), required=False)

    # The choice for the next regular meeting when it is not planned yet: the service plans it.
    NEXT = "next"

    def __init__(self, *args, meetings, expected_next: datetime.date | None = None, **kwargs):
        """``meetings``: the later meetings one can report back at; ``expected_next``: the day the
        next regular meeting is expected when it does not exist yet (offered as a choice)."""
        initial = kwargs.get("initial") or {}
        if isinstance(initial.get("report_at"), Meeting):
            initial = {**initial, "report_at": str(initial["report_at"].pk)}
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.meetings = {str(m.pk): m for m in meetings}
        choices = [("", gettext("— not set —"))]
        if expected_next is not None:
            choices.append(
                (
                    self.NEXT,
                    gettext("Next regular meeting, expected %(day)s (planned when you save)")
                    % {"day": f"{expected_next:%d/%m/%Y}"},
                )
            )
        choices += [
            (
                pk,
                gettext("%(kind)s %(month)s, %(day)s")
                % {"kind": m.get_kind_display(), "month": f"{m.month:%m/%Y}", "day": f"{m.day:%d/%m/%Y}"},
            )
            for pk, m in self.meetings.items()
        ]
        self.fields["report_at"].choices = choices

    def clean(self):
        data = super().clean()
        choice = data.get("report_at") or ""
        data["report_at_next"] = choice == self.NEXT
        data["report_at"] = self.meetings.get(choice)
        return data


class TaskCarryForm(ControlCharactersStripped, forms.Form):
    """The new deadline of a task carried into this month (services.resolution.task_carry)."""

    deadline = forms.DateField(
        label=_("New deadline"),
        widget=DATE_WIDGET,
        validators=[plausible_date],
        error_messages={"required": _("Enter the new deadline.")},
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        today = self.today or timezone.localdate()
        if deadline < today:
            raise forms.ValidationError(
                _("The new deadline cannot be in the past (today is %(today)s)."),
                code="deadline_past",
                params={"today": f"{today:%d/%m/%Y}"},
            )
        return deadline


class TaskOutcomeForm(ControlCharactersStripped, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=TaskOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
