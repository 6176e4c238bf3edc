"""The outbox: every message to send is a row first, written in the transaction that causes it.

The broker only ever carries ids ("send rows N…", "dispatch what is due"), so losing the
broker loses nothing: the periodic dispatch finds the rows again.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# A Vietnamese mobile number as stored: 0 (or +84, written before numbers were normalised), a
# mobile prefix (3, 5, 7, 8, 9) and 8 digits 0-9 (``\d`` would also match "١" and "９", which the
# SMS gateway does not dial), and nothing after it (``$`` would let a final line break through).
# Forms read what is typed with notifications.phones.normalize_phone.
VN_MOBILE = RegexValidator(
    r"\A(?:0|\+84)[35789][0-9]{8}\Z",
    _("Enter a Vietnamese mobile number, e.g. 0912345678 or +84912345678."),
)


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    INBOX = "inbox", _("Inbox")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Notification(models.Model):
    Channel = NotificationChannel
    Status = NotificationStatus

    # None for an SMS to a phone number alone: a member on the register without a login
    # (meetings/reminders.py); then ``address`` holds the number from the start and
    # ``recipient_name`` who it is.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        null=True,
        blank=True,
    )
    recipient_name = models.CharField(_("recipient's name"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    kind = models.CharField(_("kind"), max_length=100)
    about_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    # The page the message is about, as a path on this site ("/petitions/15/"): the inbox opens
    # it; e-mail and SMS carry it on SITE_URL (notifications/links.py).
    link = models.CharField(_("link"), max_length=500, blank=True)
    # Where it went (email address or phone number), recorded when sent.
    address = models.CharField(_("address"), max_length=254, blank=True)
    due_at = models.DateTimeField(_("due at"))
    dedupe_key = models.CharField(_("de-duplication key"), max_length=255, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When the dispatch last handed the row to the broker: not handed again until this is old,
    # so a backlog is not queued twice, while a message the broker lost is queued again.
    queued_at = models.DateTimeField(null=True, blank=True)
    # The lease: when a worker claimed the row, renewed when it starts the row's attempt; a row
    # "sending" with an old lease has lost its worker (dispatch.requeue_stuck).
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The worker holding the claim (its Celery node name), so a stopping worker releases its rows.
    claimed_by = models.CharField(max_length=200, blank=True)
    # Recorded in a commit of its own just before each send: a send that crashed is visible.
    attempted_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    first_attempted_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    # Sends that never came back (the worker died, or the database went away before "sent"):
    # each may have reached the recipient, so a retry may be a repeat (with the same Message-ID).
    crashes = models.PositiveSmallIntegerField(_("crashed sends"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="notification_due"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
            models.Index(fields=["about_type", "about_id"], name="notification_about"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=NotificationChannel.values), name="notification_channel_valid"
            ),
            # Without a user, only an SMS to the number it holds.
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False)
                | models.Q(channel=NotificationChannel.SMS) & ~models.Q(address=""),
                name="notification_recipient_or_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id or self.recipient_name} ({self.channel}, {self.status})"


class ChannelPreference(models.Model):
    """How a user wants to be told. The inbox is always on; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email_enabled = models.BooleanField(_("by email"), default=True)
    sms_enabled = models.BooleanField(_("by SMS"), default=False)
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True, validators=[VN_MOBILE])

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user_id)
