from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import VN_MOBILE, ChannelPreference
from .phones import NotAsciiDigits, normalize_phone


class PreferenceForm(forms.ModelForm):
    # The user's email column holds 254 characters (RFC 5321's path limit): a longer address is
    # refused here, not by the database after the preference was written.
    email = forms.EmailField(label=_("Email address"), required=False, max_length=254)
    # Longer than the 16 stored: "+84 (912) 345-678" is typed, "0912345678" is kept.
    phone = forms.CharField(
        label=capfirst(ChannelPreference._meta.get_field("phone").verbose_name),
        required=False,
        max_length=32,
        help_text=_("A Vietnamese mobile number, e.g. 0912345678."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    class Meta:
        model = ChannelPreference
        fields = ["email_enabled", "sms_enabled", "phone"]

    def clean_phone(self):
        raw = self.cleaned_data.get("phone") or ""
        if not raw:
            return ""
        try:
            return normalize_phone(raw, mobile=True)
        except NotAsciiDigits:
            raise forms.ValidationError(_("Type the phone number with the digits 0 to 9."), code="digits") from None
        except ValueError:
            raise forms.ValidationError(VN_MOBILE.message, code="mobile") from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email_enabled") and not cleaned.get("email"):
            self.add_error("email", _("Enter an email address to receive messages by email."))
        if cleaned.get("sms_enabled") and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter a mobile number to receive messages by SMS."))
        return cleaned
