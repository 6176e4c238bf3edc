"""Forms of the residence pages: a link to a residence branch, the mark of a linked member at a
residence meeting, and the yearly comment (docs/domain.md#working-members)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.forms.widgets import DATE_WIDGET
from meetings.models import AdoptedBy, LinkedMark, ResidenceComment
from members.dates import plausible_date
from members.forms.fields import MemberChoiceField
from members.models import LinkCategory
from members.services.residence import residence_branch_by_code, residence_branches_for
from members.text import ControlCharactersStripped


class LinkForm(ControlCharactersStripped, forms.Form):
    """A link recorded on a branch's page. ``find_branch``: the workplace side names the residence
    branch (by the member's address, or by its code); the residence side records a link to itself."""

    member = MemberChoiceField(queryset=None, label=_("Member"))
    residence = forms.CharField(
        label=_("Residence address"),
        max_length=300,
        required=False,
        help_text=_(
            "Leave empty to use the address on the member's record. "
            "The branch is found by the hamlet or residential group and the commune."
        ),
    )
    residence_code = forms.SlugField(
        label=_("Residence branch code"),
        max_length=40,
        required=False,
        help_text=_("Only where the address does not tell the branch apart."),
    )
    since = forms.DateField(label=_("Linked since"), widget=DATE_WIDGET, validators=[plausible_date])
    category = forms.ChoiceField(
        label=_("Category (HD 33)"), choices=LinkCategory.choices, initial=LinkCategory.EXPECTED
    )
    exempt_reason = forms.CharField(label=_("Reason for the exemption"), max_length=200, required=False)
    letter_number = forms.CharField(label=_("Introduction letter number"), max_length=60, required=False)
    letter_date = forms.DateField(
        label=_("Introduction letter date"), widget=DATE_WIDGET, required=False, validators=[plausible_date]
    )
    letter_issuer = forms.CharField(label=_("Issuing committee"), max_length=200, required=False)

    def __init__(self, *args, members, find_branch: bool, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("since", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].error_messages["invalid_choice"] = _("Choose a member from the list.")
        self.find_branch = find_branch
        if not find_branch:
            del self.fields["residence"], self.fields["residence_code"]

    def clean(self):
        data = super().clean()
        if data.get("category") == LinkCategory.EXEMPT and not (data.get("exempt_reason") or "").strip():
            self.add_error("exempt_reason", _("Give the reason for the exemption (HD 33)."))
        member = data.get("member")
        if self.find_branch and member is not None:
            code = data.get("residence_code")
            if code:
                branch = residence_branch_by_code(code)
                if branch is None:
                    self.add_error("residence_code", _("No branch has this code."))
                data["residence_branch"] = branch
            else:
                found = residence_branches_for(data.get("residence") or member.residence)
                if not found:
                    self.add_error(
                        "residence",
                        _(
                            "No branch matches this address: give the hamlet or residential group "
                            "and the commune, or the branch code."
                        ),
                    )
                elif len(found) > 1:
                    names = "; ".join(f"{branch.name} ({branch.code})" for branch in found)
                    self.add_error(
                        "residence_code", _("Several branches match: %(names)s. Give the code.") % {"names": names}
                    )
                else:
                    data["residence_branch"] = found[0]
        return data


class LinkEndForm(forms.Form):
    until = forms.DateField(label=_("Last day"), widget=DATE_WIDGET, validators=[plausible_date])


class LinkedMarkForm(forms.Form):
    mark = forms.ChoiceField(
        choices=[(LinkedMark.CAME, LinkedMark.CAME.label), (LinkedMark.ABSENT, LinkedMark.ABSENT.label)]
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class CommentForm(ControlCharactersStripped, forms.ModelForm):
    class Meta:
        model = ResidenceComment
        fields = ["civic_duties", "conduct", "movements", "conclusion"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class CommentAdoptForm(forms.Form):
    adopted_by = forms.ChoiceField(label=_("Adopted"), choices=AdoptedBy.choices, initial=AdoptedBy.COMMITTEE)
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DATE_WIDGET, validators=[plausible_date])
