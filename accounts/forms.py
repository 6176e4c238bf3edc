"""Forms of logging in and recovering an account: the second-factor code, setting up an
authenticator, a password set with a reset code, and the emailed reset."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import AccountEvent
from accounts.services import account_event_record, reset_code_find


class BoundedUsername:
    """Django's login form sets the username's ``max_length`` after the field is built, which
    only changes the widget: the server took any length and handed it to django-axes, whose
    failure record holds 255 characters (a longer name was a database error). Checked here, a
    username longer than the user model's is refused before ``authenticate()`` runs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        limit = self.username_field.max_length or 150
        field.validators.append(
            MaxLengthValidator(limit, message=_("A username has at most %(limit_value)s characters."))
        )


# The longest password a form takes: a pass phrase fits; a megabyte does not reach the hasher
# and the password validators (issue 22).
PASSWORD_MAX = 128


class BoundedPasswords:
    """Every password field of the form holds at most ``PASSWORD_MAX`` characters (Django's own
    password forms take any length)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.PasswordInput):
                field.max_length = PASSWORD_MAX
                field.validators.append(MaxLengthValidator(PASSWORD_MAX))
                field.widget.attrs["maxlength"] = str(PASSWORD_MAX)


class BoundedPasswordChangeForm(BoundedPasswords, PasswordChangeForm):
    """Changing one's password (accounts/urls.py)."""


class BoundedSetPasswordForm(BoundedPasswords, SetPasswordForm):
    """A new password from an emailed reset link (accounts.views.PasswordResetConfirmView)."""


class LoginForm(BoundedUsername, AuthenticationForm):
    """The login page's form (accounts/urls.py)."""


class AdminLoginForm(BoundedUsername, AdminAuthenticationForm):
    """The admin site's login form (accounts/admin.py)."""


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("one-time code", "Code"),
        max_length=24,
        help_text=_("The 6 digits shown by the authenticator app on your phone, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none"}),
    )

    def clean_code(self):
        """Letters and digits only, in lower case: a recovery code is taken in any case, with or
        without spaces or dashes ("ABCD-EFGH", "abcd efgh"), and "123 456" is the app's code."""
        return "".join(ch for ch in self.cleaned_data["code"].lower() if ch.isalnum())

    @property
    def is_app_code(self) -> bool:
        """Six digits: the authenticator's code; anything else is taken as a recovery code."""
        code = self.cleaned_data.get("code", "")
        return len(code) == 6 and code.isdigit()


class AuthenticatorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        """Six digits, spaces and dashes aside ("123 456" as some apps show it)."""
        code = "".join(ch for ch in self.cleaned_data["code"] if ch.isalnum())
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits the app shows."), code="digits")
        return code


class EnrolledAuthenticatorCodeForm(AuthenticatorCodeForm):
    """Setting up an authenticator after a reset: the enrolment code commune staff gave with the
    reset code as well (accounts.models.EnrolmentCode)."""

    enrolment_code = forms.CharField(
        label=_("Enrolment code"),
        max_length=20,
        help_text=_("12 letters and digits, given by commune staff with your reset code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ResetCodeForm(BoundedPasswords, forms.Form):
    """A username, the code commune staff gave, and the new password twice."""

    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocapitalize": "none", "autofocus": True})
    )
    code = forms.CharField(
        label=_("Reset code"),
        max_length=20,
        help_text=_("12 letters and digits, as commune staff gave it (dashes and spaces do not matter)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    reset_code = None

    def clean(self):
        cleaned = super().clean()
        username, code = cleaned.get("username"), cleaned.get("code")
        if username and code:
            self.reset_code = reset_code_find(username=username.strip(), code=code)
            if self.reset_code is None:
                # One message whether the username, the code, its use or its age was wrong.
                raise forms.ValidationError(
                    _("This username and code do not match a valid code. Codes work once, for 24 hours."),
                    code="invalid_code",
                )
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords differ."))
        elif first and self.reset_code is not None:
            try:
                password_validation.validate_password(first, self.reset_code.user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned


class EmailPasswordResetForm(PasswordResetForm):
    """Django's emailed reset, recording each link sent (Django answers alike for unknown addresses)."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        super().send_mail(subject_template_name, email_template_name, context, from_email, to_email, **kwargs)
        account_event_record(kind=AccountEvent.Kind.RESET_EMAIL_SENT, user=context["user"])
