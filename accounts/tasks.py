"""The emailed password reset, sent by a worker: the page that asks for it only queues the address,
so it answers in the same time whether or not an account has it (no lookup, no SMTP round trip
inside the request)."""

import logging

from celery import shared_task
from django.utils import translation

from accounts.forms import EmailPasswordResetForm

log = logging.getLogger("chibo.accounts")


@shared_task(name="accounts.send_password_reset", soft_time_limit=60, time_limit=90)
def send_password_reset(email: str, domain: str, use_https: bool, language: str) -> None:
    """Mail a reset link to each active account with this address (none: nothing happens)."""
    with translation.override(language):
        form = EmailPasswordResetForm({"email": email})
        if form.is_valid():
            form.save(
                domain_override=domain,
                use_https=use_https,
                subject_template_name="accounts/password_reset_subject.txt",
                email_template_name="accounts/password_reset_email.html",
            )


def password_reset_queue(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """After commit: hand the address to a worker. Never fails the request; with the broker down
    the mail is lost (logged without the address) and the person asks again or asks for a code."""
    try:
        send_password_reset.apply_async((email, domain, use_https, language), retry=False)
    except Exception:
        log.warning("Broker unavailable; a password reset mail was not queued", exc_info=True)
