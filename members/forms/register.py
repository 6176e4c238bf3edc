"""Entering a member in the register, and recording that a member left."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from members.forms.widgets import DateInput
from members.models import Member, Organization, OrganizationKind
from members.services import cards
from members.services.register import member_validate
from members.text import ControlCharactersStripped, clean_name
from notifications.phones import NotAsciiDigits, normalize_phone

DATE_WIDGET = DateInput()


class MemberForm(ControlCharactersStripped, forms.ModelForm):
    # Longer than the 15 stored: "+84 24 3312 3456" is typed, "02433123456" is kept (clean_phone).
    phone = forms.CharField(
        label=capfirst(Member._meta.get_field("phone").verbose_name),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

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
            "away_from",
            "away_until",
            "away_branch",
            "suspended_from",
            "suspended_until",
            "suspension_decision",
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
            "away_from": DATE_WIDGET,
            "away_until": DATE_WIDGET,
            "suspended_from": DATE_WIDGET,
            "suspended_until": DATE_WIDGET,
            "citizen_id": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    sms_opt_out = forms.BooleanField(
        label=_("Does not want SMS"),
        required=False,
        help_text=_(
            "Ticked: no meeting notice or reminder goes to this number by SMS. "
            "The secretary tells the member in person."
        ),
    )

    def __init__(self, *args, branches, readable_members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sms_opt_out"].initial = self.instance.sms_opted_out_at is not None
        # Right after the phone number it is about.
        order = [name for name in self.fields if name != "sms_opt_out"]
        order.insert(order.index("phone") + 1, "sms_opt_out")
        self.order_fields(order)
        self.fields["branch"].queryset = branches
        self.fields["branch"].empty_label = None
        # The receiving branch of a temporary transfer may lie outside the user's own branches.
        self.fields["away_branch"].queryset = Organization.objects.filter(kind=OrganizationKind.BRANCH).order_by("path")
        self.fields["away_branch"].help_text = _(
            "Not expected at this branch's meetings during the period; on the roll of the receiving branch "
            "as a temporarily attached member (attends, does not vote)."
        )
        # Members the user may see: a card number clash with one of them is named as such.
        self.readable_members = readable_members
        # The holder of a card number entered here whom the user may not see (see members.services.cards).
        self.card_conflict: Member | None = None

    def clean_party_card_number(self):
        card = self.cleaned_data["party_card_number"].strip()
        holder = cards.card_holder(card=card, exclude_pk=self.instance.pk)
        if holder is None:
            return card
        if self.readable_members is not None and self.readable_members.filter(pk=holder.pk).exists():
            raise ValidationError(_("Another member already has this party card number."), code="card_taken")
        # Worded the same for every number held outside the user's scope: existence is not testable.
        self.card_conflict = holder
        raise ValidationError(cards.CARD_UNAVAILABLE, code="card_unavailable")

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
        except NotAsciiDigits:
            raise ValidationError(_("Type the phone number with the digits 0 to 9."), code="digits") from None
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
                branch_id=data["branch"].pk if data.get("branch") else None,
                away_from=data.get("away_from"),
                away_until=data.get("away_until"),
                away_branch_id=data["away_branch"].pk if data.get("away_branch") else None,
                suspended_from=data.get("suspended_from"),
                suspended_until=data.get("suspended_until"),
                suspension_decision=data.get("suspension_decision", ""),
            )
        except ValidationError as error:
            self.add_error(None, error)
        return data


class LeaveForm(ControlCharactersStripped, forms.ModelForm):
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
