"""Entering a member in the register, and recording that a member left."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from members.models import Member
from members.services.register import member_validate
from members.text import clean_name, normalize_phone

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
            raise ValidationError(_("Please enter the member's full name."))
        return name

    def clean_phone(self):
        raw = self.cleaned_data["phone"]
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except ValueError:
            raise ValidationError(
                _("%(value)s is not a Vietnamese phone number (e.g. 0912 345 678)."), params={"value": raw}
            ) from None

    def clean(self):
        data = super().clean()
        try:
            member_validate(
                status=data.get("status"),
                admitted_on=data.get("admitted_on"),
                full_member_on=data.get("full_member_on"),
                exempt_since=data.get("exempt_since"),
                exempt_reason=data.get("exempt_reason", ""),
            )
        except ValidationError as error:
            self.add_error(None, error)
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
            raise ValidationError(_("The member cannot leave before joining the branch."))
        return left_on
