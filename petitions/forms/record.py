"""Recording a petition: one short form, usable on a phone during the meeting."""

from __future__ import annotations

import uuid

from django import forms
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.dates import plausible_date
from members.forms.fields import IdChoiceField, MemberChoiceField  # namesakes: birth year and hamlet
from members.text import LONG_TEXT_MAX
from petitions import access
from petitions.models import DEFAULT_CATEGORIES, Priority
from workdays.calendar import add_working_days, is_working_day, nearest_working_day

from .actions import MAX_WORKING_DAYS, BodyChoiceField
from .fields import UserChoiceField, date_field

# A default category of a commune that has no catalogue yet: "default:<index>" in DEFAULT_CATEGORIES.
DEFAULT_CHOICE = "default:"


class CategoryChoiceField(IdChoiceField):
    """A commune's categories. Before the commune has any, the form offers its defaults (opening
    the form writes nothing); the record view creates them on POST, and a default chosen then is
    the category of that name."""

    def offer_defaults(self) -> None:
        self.choices = [
            ("", self.empty_label),
            *((f"{DEFAULT_CHOICE}{index}", name) for index, (name, _days) in enumerate(DEFAULT_CATEGORIES)),
        ]

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(DEFAULT_CHOICE):
            index = value.removeprefix(DEFAULT_CHOICE)
            if index.isascii() and index.isdigit() and int(index) < len(DEFAULT_CATEGORIES):
                found = self.queryset.filter(name=DEFAULT_CATEGORIES[int(index)][0]).first()
                if found is not None:
                    return found
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BranchChoiceForm(forms.Form):
    """First step for someone who records for several branches: which branch."""

    branch = IdChoiceField(label=_("Branch"), queryset=None, empty_label=_("Choose…"))

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class RecordForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the petition a short title.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    content = forms.CharField(
        label=_("Content"), required=False, max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = CategoryChoiceField(
        label=pgettext_lazy("petition", "Category"), queryset=None, error_messages={"required": _("Choose a category.")}
    )
    raised_by_member = MemberChoiceField(
        label=_("Raised by a member"), queryset=None, required=False, empty_label=_("— a resident —")
    )
    resident_name = forms.CharField(label=_("Resident's name"), max_length=120, required=False)
    resident_phone = forms.RegexField(
        label=_("Resident's phone"),
        regex=r"^\+?[0-9 .]{8,15}$",
        max_length=20,
        required=False,
        error_messages={"invalid": _("Enter the phone number in digits, e.g. 0912 345 678.")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    raised_on = date_field(_("Raised on"), help_text=_("Empty: today."), validators=[plausible_date])
    submit_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, categories, members, with_meeting: bool, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submit_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["category"].empty_label = _("Choose…")
        if not self.is_bound and not categories.exists():
            self.fields["category"].offer_defaults()  # the commune's catalogue is created on saving
        self.fields["raised_by_member"].queryset = members
        if with_meeting:
            # Raised at the meeting: on its day.
            del self.fields["raised_on"]

    def clean_raised_on(self):
        raised_on = self.cleaned_data.get("raised_on")
        if raised_on is not None and raised_on > timezone.localdate():
            raise forms.ValidationError(_("The day raised cannot be in the future."), code="raised_on")
        return raised_on

    def clean(self):
        data = super().clean()
        if not data.get("raised_by_member") and not (data.get("resident_name") or "").strip():
            self.add_error("resident_name", _("Choose the member who raised it, or write the resident's name."))
        return data


class PromiseForm(forms.Form):
    """What the attending cadre promised to take back ("tiếp thu, báo cáo cấp trên"), followed up
    like a petition: who holds it and by when."""

    title = forms.CharField(
        label=_("What was promised"),
        max_length=200,
        error_messages={"required": _("Write what the cadre promised to take back.")},
        help_text=_("e.g. Báo cáo UBND xã xem xét sửa chữa đoạn đường thôn"),
    )
    content = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    category = CategoryChoiceField(
        label=pgettext_lazy("petition", "Category"), queryset=None, error_messages={"required": _("Choose a category.")}
    )
    body = BodyChoiceField(
        label=_("Responsible body"), queryset=None, error_messages={"required": _("Choose the body that will answer.")}
    )
    officer = UserChoiceField(label=_("Officer in charge"), queryset=None, required=False)
    working_days = forms.IntegerField(
        label=_("Deadline in working days"),
        required=False,
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        help_text=_("N working days from today (weekends and holidays are not counted), or a date below."),
    )
    deadline = date_field(_("Deadline"), validators=[plausible_date])
    submit_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, commune, branch, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submit_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["category"].queryset = access.categories(commune)
        self.fields["category"].empty_label = _("Choose…")
        self.fields["body"].queryset = access.bodies(commune).annotate(
            active_officers=Count("officers", filter=Q(officers__is_active=True))
        )
        self.fields["body"].empty_label = _("Choose…")
        self.fields["officer"].queryset = access.officers(commune)
        self.fields["officer"].empty_label = _("Nobody yet (the body's queue)")

    def clean(self):
        data = super().clean()
        days, deadline = data.get("working_days"), data.get("deadline")
        if days and deadline:
            self.add_error("working_days", _("Give the deadline in working days or as a date, not both."))
        elif days:
            data["deadline"] = add_working_days(timezone.localdate(), days, organization=self.branch)
        elif deadline and not is_working_day(deadline, organization=self.branch):
            after = nearest_working_day(deadline, earlier=False, organization=self.branch)
            self.add_error(
                "deadline",
                _("%(day)s is not a working day; the next working day, %(next)s, is filled in.")
                % {"day": deadline.strftime("%d/%m/%Y"), "next": after.strftime("%d/%m/%Y")},
            )
        elif not deadline and "deadline" not in self.errors:
            self.add_error("deadline", _("Choose the deadline."))
        return data
