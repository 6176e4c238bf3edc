"""How logging in works around the password: the client address django-axes throttles by, the
lockout record, and the second step of a two-factor login.

On every request (``TwoFactorMiddleware``, not a mark set at login) a signed-in session owes:
"verify" when the user has an authenticator and the session has not given a code from it
(django-otp's ``is_verified()``), "setup" when settings.CHIBO_2FA_REQUIRED obliges the user to
have one and they have none. Every other URL then answers with a redirect to that step, so going
straight to another page after the password does not skip it, and a session opened before the
user turned two-factor on, or before the requirement applied to them, is sent to the step on its
next request. Whether a user has an authenticator is cached per user (cleared whenever a device
is saved or deleted), so sessions without two-factor cost no query.

Who must have two-factor is a rule on members' roles, which sit above this app: the setting
CHIBO_2FA_REQUIRED_FOR names it (members.access.requires_two_factor), as AXES_HANDLER names
this module's handler to django-axes, so this app asks without importing members.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import lockout_record, two_factor_required

VERIFY = "verify"
SETUP = "setup"
# What a session that still owes its second step may open, besides the step itself.
ALWAYS_OPEN = {"accounts:logout", "healthz", "set_language", "service_worker", "manifest", "offline"}
STEP_VIEWS = {VERIFY: "accounts:two_factor", SETUP: "accounts:two_factor_setup"}


class LoginThrottle(AxesDatabaseHandler):
    """django-axes' database handler with two limits: AXES_FAILURE_LIMIT (5) failures lock a
    username from any address; an address is locked after AXES_ADDRESS_FAILURE_LIMIT failures
    whatever the usernames. A commune office or a carrier shares one address: one person's typos
    must not lock out everyone there, the staff who would unlock them first."""

    def get_failures(self, request, credentials=None) -> int:
        limit, address_limit = settings.AXES_FAILURE_LIMIT, settings.AXES_ADDRESS_FAILURE_LIMIT
        counts = [0]
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            # On axes' scale: reaching the address's own limit counts as reaching AXES_FAILURE_LIMIT.
            counts.append(failures * limit // address_limit if parameter == "ip_address" else failures)
        return max(counts)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A good password clears that username's failures only: axes would also clear every
        failure from the address, so logging into one's own account between guesses at another
        would lift the other's lock."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def client_address(request) -> str | None:
    """The client's address for login throttling (settings.AXES_CLIENT_IP_CALLABLE).

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies that each append the address they received
    from to X-Forwarded-For, the client is that many hops from the right; entries further left
    were written by the client and are not trusted."""
    remote = request.META.get("REMOTE_ADDR")
    hops = settings.TRUSTED_PROXY_COUNT
    if not hops:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    chain = [*forwarded, remote] if remote else forwarded
    if len(chain) > hops:
        return chain[-(hops + 1)]
    return chain[0] if chain else None


__all__ = ["two_factor_required"]  # re-exported: views and members ask it here

_HAS_AUTHENTICATOR = "chibo:two-factor:{}"


def has_authenticator(user, *, fresh: bool = False) -> bool:
    """Whether ``user`` has a confirmed authenticator. Cached without expiry: every save or
    delete of a device clears it (``forget_authenticator``), and each login reads it afresh."""
    key = _HAS_AUTHENTICATOR.format(user.pk)
    found = None if fresh else cache.get(key)
    if found is None:
        found = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        cache.set(key, found, None)
    return found


def on_login(sender, request, user, **kwargs):
    """user_logged_in: read afresh whether the user has an authenticator (so the pages after it
    need not)."""
    has_authenticator(user, fresh=True)


def forget_authenticator(sender, instance, **kwargs) -> None:
    """post_save/post_delete of a TOTPDevice (the site's pages, /admin/, a shell): the next request
    of each of the user's sessions asks the database again. Cleared again after commit, so a
    request reading between the change and its commit cannot keep the old answer."""
    key = _HAS_AUTHENTICATOR.format(instance.user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def owed_step(request) -> str | None:
    """What this session still owes before it may open other pages: VERIFY, SETUP or nothing.
    Asked on every request; worked out once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(request, "_chibo_owed_step"):
        step = None
        if not user.is_verified():
            if has_authenticator(user):
                step = VERIFY
            elif two_factor_required(user):
                step = SETUP
        request._chibo_owed_step = step
    return request._chibo_owed_step


def lockout_response(request, original_response=None, credentials=None):
    """The page for a login refused for too many failures (settings.AXES_LOCKOUT_CALLABLE): the
    same words and status whether or not the username exists, and the username is not echoed."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def on_locked_out(sender, request=None, username=None, **kwargs):
    """django-axes' user_locked_out: record the lockout (no password, code or address)."""
    lockout_record(username=username)


class TwoFactorMiddleware:
    """On every request, a session that owes a second step reaches only that step (and logout)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = owed_step(request)
        if step:
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = ""
            if view_name != STEP_VIEWS[step] and view_name not in ALWAYS_OPEN:
                target = redirect(STEP_VIEWS[step])
                if request.method == "GET" and view_name not in {"accounts:login", settings.LOGIN_REDIRECT_URL}:
                    target["Location"] += "?" + urlencode({"next": request.get_full_path()})
                return target
        return self.get_response(request)
