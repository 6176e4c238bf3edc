from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Member, Organization
from .text import clean_name, normalize_phone

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "full_name",
            "date_of_birth",
            "sex",
            "ethnicity",
            "citizen_id",
            "party_card_number",
            "branch",
            "status",
            "admitted_on",
            "full_member_on",
            "joined_branch_on",
            "temporarily_attached",
            "exempt_since",
            "exempt_reason",
            "phone",
            "email",
            "residence",
            "workplace",
        ]
        widgets = {
            "date_of_birth": DATE_WIDGET,
            "admitted_on": DATE_WIDGET,
            "full_member_on": DATE_WIDGET,
            "joined_branch_on": DATE_WIDGET,
            "exempt_since": DATE_WIDGET,
            "citizen_id": forms.TextInput(attrs={"inputmode": "numeric"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["branch"].empty_label = None

    def clean_full_name(self):
        name = clean_name(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError(_("Please enter the member's full name."))
        return name

    def clean_phone(self):
        raw = self.cleaned_data["phone"]
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except ValueError:
            raise forms.ValidationError(
                _("%(value)s is not a Vietnamese phone number (e.g. 0912 345 678)."), params={"value": raw}
            ) from None

    def clean(self):
        data = super().clean()
        admitted, full = data.get("admitted_on"), data.get("full_member_on")
        if admitted and full and full < admitted:
            self.add_error("full_member_on", _("The date made full member cannot be before the date admitted."))
        if data.get("status") == "full" and admitted and not full:
            self.add_error("full_member_on", _("Enter the date this member was made a full member."))
        if data.get("exempt_reason") and not data.get("exempt_since"):
            self.add_error("exempt_since", _("Enter the date the exemption started."))
        return data


class LeaveForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["left_on", "leave_reason", "leave_note"]
        widgets = {"left_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].required = True
        self.fields["leave_reason"].required = True

    def clean_left_on(self):
        left_on = self.cleaned_data["left_on"]
        joined = self.instance.joined_branch_on or self.instance.admitted_on
        if joined and left_on < joined:
            raise forms.ValidationError(_("The member cannot leave before joining the branch."))
        return left_on


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "code",
            "address",
            "branch_type",
            "meeting_place",
            "meeting_day",
            "meeting_weekday",
            "meeting_week",
        ]

    def __init__(self, *args, can_rename: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_rename:
            del self.fields["name"], self.fields["code"]
        if not self.instance.is_branch:
            for name in ["branch_type", "meeting_place", "meeting_day", "meeting_weekday", "meeting_week"]:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        day, weekday, week = data.get("meeting_day"), data.get("meeting_weekday"), data.get("meeting_week")
        if day and weekday is not None:
            raise forms.ValidationError(_("Choose either a day of the month or a weekday, not both."))
        if (weekday is None) != (week is None):
            raise forms.ValidationError(_("A weekday needs its week of the month (e.g. the first Saturday)."))
        if day is not None and not 1 <= day <= 31:
            self.add_error("meeting_day", _("The day of the month is between 1 and 31."))
        return data
