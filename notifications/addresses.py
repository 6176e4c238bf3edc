"""Which channels a user receives and at which address: the inbox always, email and SMS by choice."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import validate_email

from .models import VN_MOBILE, ChannelPreference, NotificationChannel


def preference_of(user) -> ChannelPreference:
    """The user's stored choice, or the defaults (unsaved) when they never chose."""
    try:
        return user.notification_preference
    except ObjectDoesNotExist:
        return ChannelPreference(user=user)


def address_for(user, channel: str, preference: ChannelPreference | None = None) -> str:
    """The email address or phone number for this channel; "" when there is none that is valid.

    ``preference``: the user's preference already loaded (or the defaults), to save its query."""
    if channel == NotificationChannel.INBOX:
        return ""
    if channel == NotificationChannel.EMAIL:
        candidate = (user.email or "").strip()
        validate = validate_email
    else:
        candidate = (preference or preference_of(user)).phone
        validate = VN_MOBILE
    if not candidate:
        return ""
    try:
        validate(candidate)
    except ValidationError:
        return ""
    return candidate


def is_mobile(number: str) -> bool:
    """``number`` (as stored, normalised) is a Vietnamese mobile number an SMS can go to."""
    try:
        VN_MOBILE(number or "")
    except ValidationError:
        return False
    return bool(number)


def receivable_channels(user, preference: ChannelPreference | None = None) -> list[str]:
    """The channels this user gets messages on: their choice, where they have a valid address."""
    preference = preference or preference_of(user)
    chosen = [NotificationChannel.INBOX.value]
    if preference.email_enabled and address_for(user, NotificationChannel.EMAIL, preference):
        chosen.append(NotificationChannel.EMAIL.value)
    if preference.sms_enabled and address_for(user, NotificationChannel.SMS, preference):
        chosen.append(NotificationChannel.SMS.value)
    return chosen
