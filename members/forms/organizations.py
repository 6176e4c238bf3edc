"""Editing an organisation: names and codes (commune staff), the branch's meeting practicalities."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.codes import CodeField
from members.dates import plausible_date
from members.forms.fields import LABEL_FIELDS, MemberChoiceField
from members.forms.widgets import DateInput
from members.models import Member, Organization, PositionKind
from members.text import ControlCharactersStripped


class OrganizationForm(ControlCharactersStripped, forms.ModelForm):
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
        field_classes = {"code": CodeField}

    def __init__(self, *args, can_rename: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_rename:
            del self.fields["name"], self.fields["code"]
        elif self.instance.pk:
            self.fields["code"].unchanged = self.instance.code
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


class PositionForm(ControlCharactersStripped, forms.Form):
    """An election or appointment in a branch, recorded by commune staff (members.services.positions)."""

    kind = forms.ChoiceField(label=_("Position"), choices=PositionKind.choices)
    member = MemberChoiceField(label=_("Member"), queryset=Member.objects.none())
    started_on = forms.DateField(label=_("From"), widget=DateInput(), validators=[plausible_date])
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)

    def __init__(self, *args, branch: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        # The branch's own current members; the service says why one of them cannot hold office.
        self.fields["member"].queryset = (
            Member.objects.filter(branch=branch, temporarily_attached=False).active().only(*LABEL_FIELDS)
        )


class PositionEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Last day in office"), widget=DateInput(), validators=[plausible_date])
