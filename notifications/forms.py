from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ChannelPreference, normalize_phone


class PreferenceForm(forms.ModelForm):
    # The user's email column holds 254 characters (RFC 5321's path limit): a longer address is
    # refused here, not by the database after the preference was written.
    email = forms.EmailField(label=_("Email address"), required=False, max_length=254)

    class Meta:
        model = ChannelPreference
        fields = ["email_enabled", "sms_enabled", "phone"]
        help_texts = {"phone": _("A Vietnamese mobile number, e.g. 0912345678.")}

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone") or "")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email_enabled") and not cleaned.get("email"):
            self.add_error("email", _("Enter an email address to receive messages by email."))
        if cleaned.get("sms_enabled") and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter a mobile number to receive messages by SMS."))
        return cleaned
