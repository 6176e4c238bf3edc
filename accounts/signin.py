"""How logging in works around the password: the client address django-axes throttles by, the
lockout record, and the second step of a two-factor login.

At login (``on_login``) the session is marked with what it still owes: "verify" for a user with an
authenticator (enter a code), "setup" for a user whom settings.CHIBO_2FA_REQUIRED obliges to have
one and who has none (set it up). ``TwoFactorMiddleware`` then answers every other URL with a
redirect to that step until it is done, so going straight to another page after the password
does not skip it. Sessions that owe nothing carry no mark, and the middleware costs them no query.

Who must have two-factor is a rule on members' roles, which sit above this app: the setting
CHIBO_2FA_REQUIRED_FOR names it (members.access.requires_two_factor), as AXES_HANDLER names
this module's handler to django-axes, so this app asks without importing members.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django_otp import user_has_device

from accounts.services import lockout_record

SESSION_KEY = "chibo_two_factor"
VERIFY = "verify"
SETUP = "setup"
# What a session that still owes its second step may open, besides the step itself.
ALWAYS_OPEN = {"accounts:logout", "healthz", "set_language"}
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


def two_factor_required(user) -> bool:
    """Whether ``user`` must log in with a second factor (and may not turn it off)."""
    return settings.CHIBO_2FA_REQUIRED and bool(import_string(settings.CHIBO_2FA_REQUIRED_FOR)(user))


def second_step_for(user) -> str | None:
    """What a fresh login of ``user`` still owes: VERIFY, SETUP or nothing."""
    if user_has_device(user, confirmed=True):
        return VERIFY
    if two_factor_required(user):
        return SETUP
    return None


def on_login(sender, request, user, **kwargs):
    """user_logged_in: mark the session with the second step it owes (see the module docstring)."""
    if request is None or not hasattr(request, "session"):
        return
    mark(request, user)


def mark(request, user) -> None:
    """Mark the session with the step ``user`` owes now (or clear the mark)."""
    step = second_step_for(user)
    if step:
        request.session[SESSION_KEY] = step
    else:
        request.session.pop(SESSION_KEY, None)


def second_step_done(request) -> None:
    """The code was entered or the authenticator set up: the session owes nothing more."""
    request.session.pop(SESSION_KEY, None)


def owed_step(request) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return request.session.get(SESSION_KEY)


def lockout_response(request, original_response=None, credentials=None):
    """The page for a login refused for too many failures (settings.AXES_LOCKOUT_CALLABLE): the
    same words and status whether or not the username exists, and the username is not echoed."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def on_locked_out(sender, request=None, username=None, **kwargs):
    """django-axes' user_locked_out: record the lockout (no password, code or address)."""
    lockout_record(username=username)


class TwoFactorMiddleware:
    """After the password, a session that owes a second step reaches only that step (and logout)."""

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
