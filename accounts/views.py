"""Logging in and recovering an account: the second step of a two-factor login, one's own
account page, and password reset by code or by email. Pages that show a secret once (recovery
codes) are not cached. The commune staff's page of their people's accounts is members' (it
needs the organisation tree): members/views/accounts.py."""

import textwrap
from base64 import b32encode
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import signin
from accounts.forms import (
    AuthenticatorCodeForm,
    BoundedSetPasswordForm,
    EmailPasswordResetForm,
    EnrolledAuthenticatorCodeForm,
    OneTimeCodeForm,
    ResetCodeForm,
)
from accounts.models import RecoveryCodes
from accounts.services import (
    PENDING_SECRET,
    enrolment_code_find,
    enrolment_code_needed,
    password_reset_by_email_record,
    recovery_codes_renew,
    reset_code_redeem,
    two_factor_confirm,
    two_factor_device_start,
    two_factor_turn_off,
)
from accounts.tasks import password_reset_queue


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


# --- The second step ------------------------------------------------------------------


@never_cache
@login_required
def two_factor(request):
    """Enter a code from the authenticator app, or a recovery code (each works once)."""
    if request.user.is_verified() or not signin.has_authenticator(request.user):
        # Done, or the authenticator was removed meanwhile: the middleware asks for what this
        # session owes now (maybe a setup) wherever it goes next.
        return redirect(_next_url(request))
    form = OneTimeCodeForm(request.POST or None)
    if form.is_valid():
        device = _matching_device(request.user, form.cleaned_data["code"], app=form.is_app_code)
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = StaticToken.objects.filter(device__user=request.user).count()
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)s are left. Make new ones on your account page.")
                    % {"left": left},
                )
            return redirect(_next_url(request))
        if form.is_app_code:
            form.add_error("code", _wrong_app_code())
        else:
            # A used recovery code is gone (django-otp deletes it): wrong or used read the same.
            form.add_error(
                "code",
                _(
                    "This recovery code is not right or has already been used: each code works once. "
                    "Try another of the codes you saved."
                ),
            )
    return render(request, "accounts/two_factor.html", {"form": form, "next": request.GET.get("next", "")})


def _wrong_app_code() -> str:
    return _(
        "This code is not right. Enter the 6 digits the app shows now (they change every 30 seconds); "
        "if it is still refused, check that the time on the phone is right."
    )


def _matching_device(user, code: str, *, app: bool):
    """The device that accepts the code: the authenticator for six digits, else the recovery
    codes; each device throttles wrong codes itself (django-otp: the wait doubles after each failure)."""
    for model in (TOTPDevice,) if app else (RecoveryCodes,):
        for device in model.objects.filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


@never_cache
@login_required
def two_factor_setup(request):
    """Scan a QR code with an authenticator app and enter its code; the recovery codes are shown once.

    A user who already has an authenticator replaces it only from a verified session."""
    user = request.user
    if signin.has_authenticator(user) and not user.is_verified():
        raise Http404
    device = two_factor_device_start(user=user, session=request.session)
    # After a reset issued for an account that must use two-factor: the enrolment code too.
    needs_enrolment = enrolment_code_needed(user=user)
    form = (EnrolledAuthenticatorCodeForm if needs_enrolment else AuthenticatorCodeForm)(request.POST or None)
    if form.is_valid():
        enrolment = (
            enrolment_code_find(user=user, code=form.cleaned_data["enrolment_code"]) if needs_enrolment else None
        )
        if needs_enrolment and enrolment is None:
            form.add_error(
                "enrolment_code",
                _("This enrolment code is not right, or was used or is older than 24 hours. Ask commune staff."),
            )
        else:
            codes = two_factor_confirm(device=device, token=form.cleaned_data["code"], enrolment=enrolment)
            if codes is not None:
                request.session.pop(PENDING_SECRET, None)
                otp_login(request, device)
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": True})
            form.add_error("code", _wrong_app_code())
    context = {
        "form": form,
        # On the phone that holds the app, the link opens it with the account filled in; the QR
        # code is for a second device, and the key (in groups of four) for typing.
        "otpauth_url": device.config_url,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": " ".join(textwrap.wrap(b32encode(device.bin_key).decode(), 4)),
        "required": signin.owed_step(request) == signin.SETUP,
        "needs_enrolment": needs_enrolment,
    }
    return render(request, "accounts/two_factor_setup.html", context)


# --- One's own account --------------------------------------------------------------


def _code_first(request):
    """A session that has not given a code (opened before two-factor was turned on) changes it
    only after giving one."""
    return redirect("accounts:two_factor")


@never_cache
@login_required
def account(request):
    user = request.user
    context = {
        "two_factor": signin.has_authenticator(user),
        "recovery_left": StaticToken.objects.filter(device__user=user).count(),
        "may_turn_off": not signin.two_factor_required(user),
    }
    return render(request, "accounts/account.html", context)


@never_cache
@login_required
@require_POST
def recovery_codes(request):
    if not signin.has_authenticator(request.user):
        return redirect("accounts:account")
    if not request.user.is_verified():
        return _code_first(request)
    codes = recovery_codes_renew(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": False})


@login_required
@require_POST
def two_factor_off(request):
    user = request.user
    if signin.has_authenticator(user) and not user.is_verified():
        return _code_first(request)
    if signin.two_factor_required(user):
        messages.error(request, _("Your role requires two-factor login: it cannot be turned off."))
    else:
        two_factor_turn_off(user=user)
        messages.success(request, _("Two-factor login is off."))
    return redirect("accounts:account")


# --- Setting a new password without the old one ---------------------------------------------


@never_cache
def password_reset_code(request):
    """Set a new password with the one-time code commune staff gave."""
    form = ResetCodeForm(request.POST or None)
    if form.is_valid():
        if reset_code_redeem(reset_code=form.reset_code, password=form.cleaned_data["new_password1"]):
            messages.success(request, _("Your new password is set. Log in with it."))
            return redirect("accounts:login")
        form.add_error(None, _("This username and code do not match a valid code. Codes work once, for 24 hours."))
    return render(request, "accounts/password_reset_code.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's page, except that the address is only queued for a worker (accounts.tasks): no
    account lookup and no mail inside the request, so the answer takes the same time and says the
    same thing whether or not the address is known."""

    form_class = EmailPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # The link goes to the site's address (SITE_URL), like every other message's, not to
        # whatever host the request named.
        site = urlsplit(settings.SITE_URL) if settings.SITE_URL else None
        job = {
            "email": form.cleaned_data["email"],
            "domain": site.netloc if site else self.request.get_host(),
            "use_https": site.scheme == "https" if site else self.request.is_secure(),
            "language": translation.get_language(),
        }
        transaction.on_commit(lambda: password_reset_queue(**job))
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page, except that a wrong, used or expired link answers 404 (with the page that
    says so), like any other URL whose credential is wrong."""

    form_class = BoundedSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            response.status_code = 404
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_by_email_record(user=form.user)
        return response


class LogoutView(auth_views.LogoutView):
    """Logging out also clears what this site stored on the phone: the meeting pages the service
    worker kept, the queue of writes, the worker itself (Clear-Site-Data; docs/decisions/0017-offline.md).
    Phones are often shared: the next person finds none of the branch's data there."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
