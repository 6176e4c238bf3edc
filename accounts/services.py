"""Accounts: lockouts and their unlock, one-time reset codes, and the audit of account events.

Nothing here logs or stores a password, a reset code or a one-time password: the log names
user ids, the audit table (AccountEvent) holds ids, and a reset code is kept only as a keyed hash.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
from typing import NamedTuple

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.models import AccountEvent, EnrolmentCode, RecoveryCodes, ResetCode, recovery_code_digest

log = logging.getLogger("chibo.accounts")

RESET_CODE_LIFETIME = datetime.timedelta(hours=24)
# 12 characters from 32 that cannot be misread (no I, O, 0, 1): 60 bits, so guessing a live
# code within its day is hopeless even without throttling.
RESET_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RESET_CODE_LENGTH = 12
RECOVERY_CODE_COUNT = 10


class OutOfReach(Http404):
    """The account is not the issuer's to unlock or reset (settings.CHIBO_ACCOUNT_MANAGER_RULE):
    answered as 404, like anything outside a user's part of the tree."""


def _check_reach(*, user, by) -> None:
    if not import_string(settings.CHIBO_ACCOUNT_MANAGER_RULE)(by, user):
        raise OutOfReach


def _new_code() -> str:
    return "".join(secrets.choice(RESET_CODE_ALPHABET) for _ in range(RESET_CODE_LENGTH))


def _grouped(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _normalize(raw: str) -> str:
    """What the user typed, as stored: upper case, without spaces and dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def account_event_record(*, kind: str, user=None, actor=None, at: datetime.datetime | None = None) -> AccountEvent:
    event = AccountEvent.objects.create(kind=kind, user=user, actor=actor, at=at or timezone.now())
    log.warning(
        "Account event %s: user id %s, by user id %s", kind, getattr(user, "pk", None), getattr(actor, "pk", None)
    )
    return event


def lockout_record(*, username: str | None) -> AccountEvent | None:
    """A login was refused for too many failures (django-axes' user_locked_out signal).

    Recorded once per lockout period and account: axes signals again on each try while locked.
    A username that matches no account is recorded without a user (and without the name typed,
    which is sometimes a password typed in the wrong box)."""
    user = get_user_model().objects.filter(username=username).first() if username else None
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    if AccountEvent.objects.filter(kind=AccountEvent.Kind.LOCKED_OUT, user=user, at__gte=since).exists():
        return None
    return account_event_record(kind=AccountEvent.Kind.LOCKED_OUT, user=user)


def account_unlock(*, user, by) -> int:
    """Lift the lockout of ``user``: forget the failed logins for their username (the failures
    they made from an address go with them). Returns how many records were removed. Only for an
    account within ``by``'s reach (else OutOfReach, a 404)."""
    _check_reach(user=user, by=by)
    removed = axes_reset(username=user.get_username())
    account_event_record(kind=AccountEvent.Kind.UNLOCKED, user=user, actor=by)
    return removed


class IssuedReset(NamedTuple):
    """What the issuer is shown once: the reset code, and the enrolment code when one was issued."""

    code: str
    row: ResetCode
    enrolment_code: str | None


def reset_code_issue(*, user, by) -> IssuedReset:
    """A new one-time reset code for ``user`` (to be shown once); the user's older codes stop
    working. Only for an account within ``by``'s reach (else OutOfReach, a 404): no takeover from
    within a commune. An account that must use two-factor and has no authenticator gets an
    enrolment code too (EnrolmentCode): setting one up after the reset asks for it."""
    _check_reach(user=user, by=by)
    now = timezone.now()
    code = _new_code()
    enrolment = None
    with transaction.atomic():
        ResetCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        row = ResetCode.objects.create(
            user=user, digest=_digest(code), issued_by=by, issued_at=now, expires_at=now + RESET_CODE_LIFETIME
        )
        account_event_record(kind=AccountEvent.Kind.RESET_CODE_ISSUED, user=user, actor=by, at=now)
        if two_factor_required(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            enrolment = _new_code()
            EnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
            EnrolmentCode.objects.create(
                user=user,
                digest=_digest("enrol:" + enrolment),
                issued_by=by,
                issued_at=now,
                expires_at=now + RESET_CODE_LIFETIME,
            )
            account_event_record(kind=AccountEvent.Kind.ENROL_CODE_ISSUED, user=user, actor=by, at=now)
    return IssuedReset(_grouped(code), row, _grouped(enrolment) if enrolment else None)


def reset_code_find(*, username: str, code: str) -> ResetCode | None:
    """The live code matching this username and code, or None (wrong, used or expired alike)."""
    return (
        ResetCode.objects.select_related("user")
        .filter(
            digest=_digest(_normalize(code)),
            user__username=username,
            user__is_active=True,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def reset_code_redeem(*, reset_code: ResetCode, password: str) -> bool:
    """Set the new password and use the code up; False when it was used or expired meanwhile.

    The claim is one conditional UPDATE, so two submissions of the same code set one password.
    The account's lockout is lifted too: the code came from commune staff who know the person."""
    now = timezone.now()
    with transaction.atomic():
        claimed = ResetCode.objects.filter(pk=reset_code.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
        if not claimed:
            return False
        user = reset_code.user
        user.set_password(password)
        user.save(update_fields=["password"])
        account_event_record(kind=AccountEvent.Kind.RESET_CODE_USED, user=user, at=now)
    axes_reset(username=user.get_username())
    return True


def password_reset_by_email_record(*, user) -> None:
    """The user set a new password through the emailed link: record it and lift the lockout."""
    account_event_record(kind=AccountEvent.Kind.RESET_BY_EMAIL, user=user)
    axes_reset(username=user.get_username())


# --- Two-factor ----------------------------------------------------------------------


def two_factor_required(user) -> bool:
    """Whether ``user`` must log in with a second factor (and may not turn it off). Who that is
    is a rule on members' roles, named by settings.CHIBO_2FA_REQUIRED_FOR (this app sits below
    members and does not import it)."""
    return settings.CHIBO_2FA_REQUIRED and bool(import_string(settings.CHIBO_2FA_REQUIRED_FOR)(user))


# The session key under which the secret of the authenticator being set up waits.
PENDING_SECRET = "chibo_2fa_pending_secret"  # noqa: S105 - a session key, not a secret


def two_factor_device_start(*, user, session) -> TOTPDevice:
    """The authenticator for ``user`` to scan, not saved: its secret waits in the session, so
    opening the page writes nothing, and reloading it keeps the QR code. (An unconfirmed device
    left by an earlier version of this page lends its secret.) Saved by ``two_factor_confirm``."""
    secret = session.get(PENDING_SECRET)
    if secret is None:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        secret = pending.key if pending is not None else random_hex(20)
        session[PENDING_SECRET] = secret
    return TOTPDevice(user=user, name="authenticator", confirmed=False, key=secret)


def enrolment_code_needed(*, user) -> bool:
    """Whether setting up an authenticator asks ``user`` for an enrolment code: they hold an
    unused one (live or expired: an expired one is not a way round)."""
    return EnrolmentCode.objects.filter(user=user, used_at__isnull=True).exists()


def enrolment_code_find(*, user, code: str) -> EnrolmentCode | None:
    """The user's live enrolment code matching ``code``, or None (wrong, used or expired alike)."""
    return EnrolmentCode.objects.filter(
        user=user, digest=_digest("enrol:" + _normalize(code)), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def two_factor_confirm(*, device: TOTPDevice, token: str, enrolment: EnrolmentCode | None = None) -> list[str] | None:
    """Confirm the pending authenticator with a code from it: it replaces any earlier one, and a new
    set of recovery codes is made. Returns the recovery codes (to show once), or None for a wrong
    code. When the user needs an enrolment code (``enrolment_code_needed``), ``enrolment`` must be
    their live one: it is used up in the same transaction (None if it was used meanwhile)."""
    user = device.user
    if enrolment_code_needed(user=user) and (enrolment is None or enrolment.user_id != user.pk):
        return None
    if device.pk is None:  # from the session: saved now, so its throttling and last code count
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device.save()
    if not device.verify_token(token.strip()):
        return None
    with transaction.atomic():
        if enrolment is not None:
            now = timezone.now()
            claimed = EnrolmentCode.objects.filter(pk=enrolment.pk, used_at__isnull=True, expires_at__gt=now).update(
                used_at=now
            )
            if not claimed:
                return None
            # Older unused ones (voided by this one's issue) stop asking too.
            EnrolmentCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
            account_event_record(kind=AccountEvent.Kind.ENROL_CODE_USED, user=user, at=now)
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user=user)
        account_event_record(kind=AccountEvent.Kind.TWO_FACTOR_ON, user=user)
    return codes


def recovery_codes_renew(*, user) -> list[str]:
    """A new set of recovery codes (the old ones stop working); shown once."""
    with transaction.atomic():
        codes = _recovery_codes_replace(user=user)
        account_event_record(kind=AccountEvent.Kind.RECOVERY_CODES, user=user)
    return codes


def _recovery_codes_replace(*, user) -> list[str]:
    """New recovery codes for ``user``, returned to be shown once; only their hashes are kept."""
    StaticDevice.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=recovery_code_digest(code)) for code in codes])
    return codes


def two_factor_turn_off(*, user) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        account_event_record(kind=AccountEvent.Kind.TWO_FACTOR_OFF, user=user)
