"""Reads about accounts: who is locked out now, who has two-factor on. One query each."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice


def locked_until(usernames: list[str] | None = None) -> dict[str, datetime.datetime]:
    """Usernames that django-axes locks out now (of ``usernames``, or all), with when the lock
    lifts if nobody tries again. One query."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since)
    if usernames is not None:
        attempts = attempts.filter(username__in=usernames)
    rows = (
        attempts.values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"]: row["last"] + settings.AXES_COOLOFF_TIME for row in rows}


def two_factor_user_ids(user_ids: list[int]) -> set[int]:
    """Which of these users have a confirmed authenticator. One query."""
    return set(TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list("user_id", flat=True))
