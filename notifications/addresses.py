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


def address_for(user, channel: str) -> str:
    """The email address or phone number for this channel; "" when there is none that is valid."""
    if channel == NotificationChannel.INBOX:
        return ""
    if channel == NotificationChannel.EMAIL:
        candidate = (user.email or "").strip()
        validate = validate_email
    else:
        candidate = preference_of(user).phone
        validate = VN_MOBILE
    if not candidate:
        return ""
    try:
        validate(candidate)
    except ValidationError:
        return ""
    return candidate


def receivable_channels(user) -> list[str]:
    """The channels this user gets messages on: their choice, where they have a valid address."""
    preference = preference_of(user)
    chosen = [NotificationChannel.INBOX.value]
    if preference.email_enabled and address_for(user, NotificationChannel.EMAIL):
        chosen.append(NotificationChannel.EMAIL.value)
    if preference.sms_enabled and address_for(user, NotificationChannel.SMS):
        chosen.append(NotificationChannel.SMS.value)
    return chosen
