"""Reads of the outbox and the inbox, one query each."""

from django.db.models import QuerySet

from .models import Notification, NotificationChannel, NotificationStatus


def inbox_for(user) -> QuerySet[Notification]:
    """The user's delivered inbox messages, newest first."""
    return Notification.objects.filter(
        recipient=user, channel=NotificationChannel.INBOX, status=NotificationStatus.SENT
    ).order_by("-due_at", "-pk")


def unread_count(user) -> int:
    """One COUNT query (the notification_inbox index)."""
    return inbox_for(user).filter(read_at__isnull=True).count()


def outbox_for(recipients, *, status: str | None = None, kind: str | None = None) -> QuerySet[Notification]:
    """The outbox rows of these recipients (a user queryset or ids), newest first, one query.

    notifications cannot know scopes: the staff page passes the users of its subtree, as decided
    by the domain's access rules.
    """
    rows = Notification.objects.filter(recipient__in=recipients).select_related("recipient")
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-due_at", "-pk")
