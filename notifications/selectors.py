"""Reads of the outbox and the inbox, one query each."""

from collections.abc import Iterable, Mapping

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from .addresses import receivable_channels
from .models import ChannelPreference, Notification, NotificationChannel, NotificationStatus


def inbox_for(user) -> QuerySet[Notification]:
    """The user's delivered inbox messages, newest first."""
    return Notification.objects.filter(
        recipient=user, channel=NotificationChannel.INBOX, status=NotificationStatus.SENT
    ).order_by("-due_at", "-pk")


def unread_count(user) -> int:
    """One COUNT query (the notification_inbox index)."""
    return inbox_for(user).filter(read_at__isnull=True).count()


def outbox_about(
    subjects: Mapping[type[Model], QuerySet] | None, *, status: str | None = None, kind: str | None = None
) -> QuerySet[Notification]:
    """The outbox rows about one of these objects (per model, a queryset of the objects in the
    reader's scope), newest first, one query. ``None`` means every row (an administrator).

    A row about nothing listed (another kind of object, or none) is not among them: what decides
    is what the message is about, not who received it. notifications cannot know scopes; the
    staff page passes, per model, what the domain's access rules let its reader see.
    """
    rows = Notification.objects.all()
    if subjects is not None:
        about = Q(pk__in=[])
        for model, objects in subjects.items():
            about |= Q(about_type=ContentType.objects.get_for_model(model), about_id__in=objects.values("pk"))
        rows = rows.filter(about)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("recipient").order_by("-due_at", "-pk")


def channels_for(users: Iterable) -> dict[int, set[str]]:
    """Per user id, the channels a message to them would go by now (as notification_enqueue
    decides). One query for the preferences, whatever the number of users."""
    users = list(users)
    preferences = {
        preference.user_id: preference
        for preference in ChannelPreference.objects.filter(user_id__in=[user.pk for user in users])
    }
    return {
        user.pk: set(receivable_channels(user, preferences.get(user.pk) or ChannelPreference(user=user)))
        for user in users
    }


def channel_counts(users: Iterable) -> dict[str, int]:
    """How many of these users a message reaches by each channel (email, SMS, inbox). One query."""
    counts = dict.fromkeys(NotificationChannel.values, 0)
    for channels in channels_for(users).values():
        for channel in channels:
            counts[channel] += 1
    return counts


def sent_about(about, *, kind: str) -> QuerySet[Notification]:
    """The outbox rows of this kind about this object, with their recipients, oldest first. One query."""
    return (
        Notification.objects.filter(about_type=ContentType.objects.get_for_model(about), about_id=about.pk, kind=kind)
        .select_related("recipient")
        .order_by("created_at", "pk")
    )
