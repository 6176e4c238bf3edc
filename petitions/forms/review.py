"""The review list's filters and its bulk forward/assign, and the figures' period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.dates import plausible_date
from members.forms.fields import IdChoiceField
from petitions.models import OPEN_STATUSES, PetitionStatus

from .fields import UserChoiceField, date_field

OPEN = "open"
STATUS_CHOICES = [("", _("All statuses")), (OPEN, _("Open (not yet answered)")), *PetitionStatus.choices]
SORT_CHOICES = [
    ("overdue", _("Most overdue first")),
    ("deadline", _("Nearest deadline first")),
    ("raised", _("Newest first")),
    ("branch", _("By branch")),
    ("status", _("By status")),
]


class PetitionFilterForm(forms.Form):
    """A GET form: every field optional; an invalid value is ignored with its message shown."""

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    category = IdChoiceField(label=pgettext_lazy("petition", "Category"), queryset=None, required=False)
    body = IdChoiceField(label=_("Responsible body"), queryset=None, required=False)
    officer = UserChoiceField(label=_("Officer in charge"), queryset=None, required=False)
    branch = IdChoiceField(label=_("Branch"), queryset=None, required=False)
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    due_this_week = forms.BooleanField(label=_("Due this week"), required=False)
    raised_from = date_field(_("Raised from"), validators=[plausible_date])
    raised_to = date_field(_("Raised to"), validators=[plausible_date])
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, categories, bodies, officers, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["category"].empty_label = _("All categories")
        self.fields["body"].queryset = bodies
        self.fields["body"].empty_label = _("All bodies")
        self.fields["officer"].queryset = officers
        self.fields["officer"].empty_label = _("All officers")
        self.fields["branch"].queryset = branches
        self.fields["branch"].empty_label = _("All branches")

    def clean(self):
        data = super().clean()
        start, end = data.get("raised_from"), data.get("raised_to")
        if start and end and start > end:
            self.add_error("raised_to", _("The end of the period must not be before its start."))
        return data

    def filters(self) -> dict:
        """Keyword arguments of ``petition_list`` for the valid fields (the others are left out)."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        kwargs: dict = {}
        status = data.get("status")
        if status:
            kwargs["status"] = list(OPEN_STATUSES) if status == OPEN else status
        for name in ("category", "body", "officer", "branch", "raised_from", "raised_to"):
            if data.get(name) and name not in self.errors:
                kwargs[name] = data[name]
        for name in ("overdue", "due_this_week"):
            if data.get(name):
                kwargs[name] = True
        if data.get("sort"):
            kwargs["sort"] = data["sort"]
        return kwargs


BULK_ACTIONS = [("forward", _("Forward")), ("assign", _("Reassign"))]


class BulkForm(forms.Form):
    """Forward (new ones) or reassign (forwarded ones) the ticked petitions at once."""

    petitions = forms.ModelMultipleChoiceField(
        label=_("Petitions"),
        queryset=None,
        error_messages={"required": _("Tick at least one petition.")},
    )
    action = forms.ChoiceField(label=_("Action"), choices=BULK_ACTIONS)
    body = IdChoiceField(
        label=_("Responsible body"), queryset=None, error_messages={"required": _("Choose the body that will answer.")}
    )
    officer = UserChoiceField(label=_("Officer in charge"), queryset=None, required=False)
    deadline = date_field(
        _("Deadline"), help_text=_("Forwarding only; empty: the category's default."), validators=[plausible_date]
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, petitions, bodies, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["petitions"].queryset = petitions
        self.fields["body"].queryset = bodies
        self.fields["body"].empty_label = _("Choose…")
        self.fields["officer"].queryset = officers
        self.fields["officer"].empty_label = _("Nobody yet (the body's queue)")


class PeriodForm(forms.Form):
    start = date_field(_("From"), validators=[plausible_date])
    end = date_field(_("To"), validators=[plausible_date])

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period must not be before its start."))
        return data
