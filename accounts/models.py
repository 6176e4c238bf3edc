"""Accounts: the one-time reset codes commune staff issue, and the audit of account events."""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice


class ResetCode(models.Model):
    """A one-time code to set a new password without email, issued by commune staff.

    Only a keyed hash of the code is kept: the code itself is shown once to the staff member who
    issued it. Valid for 24 hours and for one use; issuing a new one voids the user's older codes.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Made by members before this app existed (members 0007): the table keeps its name.
        db_table = "members_resetcode"
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")

    def __str__(self):
        return f"{self.user_id} {self.issued_at:%d/%m/%Y %H:%M}"


class EnrolmentCode(models.Model):
    """A one-time code that setting up an authenticator asks for, issued with a reset code to an
    account that must use two-factor and has none: whoever learns the password (or the reset code)
    cannot register their own authenticator without it. Kept as a keyed hash and shown once to
    the issuer, who gives it in person. While an account has an unused one (even expired),
    setting up needs a live one; a new reset voids the older."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("authenticator enrolment code")
        verbose_name_plural = _("authenticator enrolment codes")

    def __str__(self):
        return f"{self.user_id} {self.issued_at:%d/%m/%Y %H:%M}"


class AccountEvent(models.Model):
    """Who was locked out, unlocked, given a reset code, reset a password or changed two-factor.

    Ids only, never a password, code or address: the details of failed logins are in django-axes'
    own tables."""

    class Kind(models.TextChoices):
        LOCKED_OUT = "locked_out", _("Locked out after failed logins")
        UNLOCKED = "unlocked", _("Unlocked")
        RESET_CODE_ISSUED = "reset_code_issued", _("Reset code issued")
        RESET_CODE_USED = "reset_code_used", _("Password set with a reset code")
        RESET_EMAIL_SENT = "reset_email_sent", _("Reset link sent by email")
        RESET_BY_EMAIL = "reset_by_email", _("Password set with an emailed link")
        TWO_FACTOR_ON = "two_factor_on", _("Two-factor turned on")
        TWO_FACTOR_OFF = "two_factor_off", _("Two-factor turned off")
        RECOVERY_CODES = "recovery_codes", _("New recovery codes")
        ENROL_CODE_ISSUED = "enrol_code_issued", _("Authenticator enrolment code issued")
        ENROL_CODE_USED = "enrol_code_used", _("Authenticator set up with an enrolment code")

    kind = models.CharField(pgettext_lazy("account", "event"), max_length=20, choices=Kind.choices)
    # The account concerned (none for a lockout of a username that matches no account).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    # Who did it, when not the user themselves (the staff member who unlocked or issued a code).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "members_accountevent"
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.at:%d/%m/%Y %H:%M}"


def recovery_code_digest(code: str) -> str:
    """What is stored of a recovery code: a keyed hash (SECRET_KEY), cut to the 16 characters
    django-otp's StaticToken holds (64 bits). Case, spaces and dashes of what was typed do not
    matter. Migration accounts 0003 hashed the codes stored before with this same function."""
    typed = "".join(ch for ch in code.lower() if ch.isalnum())
    return hmac.new(settings.SECRET_KEY.encode(), ("recovery:" + typed).encode(), hashlib.sha256).hexdigest()[:16]


class RecoveryCodes(StaticDevice):
    """django-otp's static device whose tokens are kept hashed (``recovery_code_digest``): the
    codes are shown once when made, and nobody, in /admin/ or the database, reads them after.
    A code typed is hashed before it is looked up, so a stored hash is not itself a code."""

    class Meta:
        proxy = True
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def verify_token(self, token):
        return super().verify_token(recovery_code_digest(token))
