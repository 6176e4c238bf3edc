"""How a message leaves: one small class per channel, `send(notification)`.

A channel raises TransientError (or lets an OSError / smtplib error through) for a failure
worth retrying, PermanentError for one that is not. Another gateway (Zalo OA, …) is one more
SmsBackend subclass named in settings.SMS_BACKEND.
"""

import datetime
import hashlib
import json
import logging
import urllib.error
import urllib.request
import zoneinfo
from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from .addresses import address_for, is_mobile
from .models import Notification, NotificationChannel

logger = logging.getLogger(__name__)

LOCAL_TIME = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# No SMS from 21:00 to 07:00 local time: phones of elderly members ring aloud.
QUIET_FROM = datetime.time(21, 0)
QUIET_UNTIL = datetime.time(7, 0)
DEDUPE_HEADER = "X-Chibo-Notification"


class TransientError(Exception):
    """Worth trying again later (gateway 5xx, timeout, connection refused)."""


class PermanentError(Exception):
    """Trying again will not help (no address, gateway refused the number)."""


class Channel:
    name: str

    def hold_until(self, notification: Notification, now: datetime.datetime) -> datetime.datetime | None:
        """A later time to send at instead of now (not a failure), or None to send now."""
        return None

    def send(self, notification: Notification) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release what a batch of sends shared (an SMTP connection)."""

    def address(self, notification: Notification) -> str:
        if notification.recipient_id is None:
            # A phone number alone (no user account): the row holds it from the start.
            address = notification.address if self.name == NotificationChannel.SMS else ""
            if address and not is_mobile(address):
                address = ""
        else:
            address = address_for(notification.recipient, self.name)
        if not address:
            raise PermanentError(f"The recipient has no valid address for {self.name}.")
        notification.address = address
        return address


class InboxChannel(Channel):
    """The row itself is the message: delivered as soon as it is due."""

    name = NotificationChannel.INBOX

    def send(self, notification: Notification) -> None:
        notification.address = ""


def message_id(dedupe_key: str) -> str:
    """The Message-ID of a row's email, the same on every attempt: a repeat after a crashed send
    is recognisably the same message (mail systems and readers can merge it)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]
    return f"<{digest}.chibo@{domain}>"


class EmailChannel(Channel):
    """Through Django's email backend (EMAIL_URL): text, and HTML when the kind has body.html.

    One connection for a batch: opened at the first message and closed by close() (otherwise
    Django's SMTP backend connects, greets, authenticates and quits for every message). After
    a failed exchange the connection is dropped and the next message opens a new one.
    """

    name = NotificationChannel.EMAIL

    def __init__(self):
        self._connection = None

    def send(self, notification: Notification) -> None:
        to = self.address(notification)
        if self._connection is None:
            connection = get_connection(fail_silently=False)
            connection.open()
            self._connection = connection
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            connection=self._connection,
            headers={DEDUPE_HEADER: notification.dedupe_key, "Message-ID": message_id(notification.dedupe_key)},
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        try:
            message.send()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:
                logger.warning("Closing the mail connection failed", exc_info=True)
            self._connection = None


# --- SMS -------------------------------------------------------------------------------------


class SmsBackend:
    def send(self, *, to: str, text: str, key: str) -> None:
        raise NotImplementedError


class FileSmsBackend(SmsBackend):
    """Development default: one JSON line per SMS in <SMS_FILE_PATH>/sms.log."""

    def __init__(self, path: str | Path | None = None):
        self.folder = Path(path or settings.SMS_FILE_PATH)

    def send(self, *, to: str, text: str, key: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": to, "text": text, "key": key, "at": timezone.now().isoformat()}, ensure_ascii=False)
        with (self.folder / "sms.log").open("a", encoding="utf-8") as file:
            file.write(line + "\n")


class ConsoleSmsBackend(SmsBackend):
    def send(self, *, to: str, text: str, key: str) -> None:
        logger.warning("SMS to %s: %s", to, text)


# Gateway answers worth trying again besides 5xx: request timeout, too early, too many requests.
TRANSIENT_STATUSES = frozenset({408, 425, 429})


class HttpSmsBackend(SmsBackend):
    """POST {"to", "text"} as JSON to SMS_GATEWAY_URL with a bearer token.

    5xx, 408 (timeout), 425, 429 (slow down) and network errors are transient; other 4xx are
    permanent. `opener` is
    urllib's urlopen; tests pass a local function instead.
    """

    timeout = 10

    def __init__(self, url: str | None = None, token: str | None = None, opener=None):
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.opener = opener or urllib.request.urlopen
        if not self.url:
            raise PermanentError("SMS_GATEWAY_URL is not set.")

    def send(self, *, to: str, text: str, key: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's gateway setting
            self.url,
            data=json.dumps({"to": to, "text": text}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": key,
            },
            method="POST",
        )
        try:
            with self.opener(request, timeout=self.timeout) as response:
                status = getattr(response, "status", 200)
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TransientError(f"SMS gateway unreachable: {error}") from error
        if status >= 500 or status in TRANSIENT_STATUSES:
            raise TransientError(f"SMS gateway answered {status}")
        if status >= 400:
            raise PermanentError(f"SMS gateway refused the message ({status})")


def in_quiet_hours(now: datetime.datetime) -> datetime.datetime | None:
    """The next 07:00 local time when now is between 21:00 and 07:00; else None."""
    local = now.astimezone(LOCAL_TIME)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, QUIET_UNTIL, tzinfo=LOCAL_TIME)


class SmsChannel(Channel):
    name = NotificationChannel.SMS

    def __init__(self, backend: SmsBackend | None = None):
        self.backend = backend or import_string(settings.SMS_BACKEND)()

    def hold_until(self, notification: Notification, now: datetime.datetime) -> datetime.datetime | None:
        return in_quiet_hours(now)

    def send(self, notification: Notification) -> None:
        to = self.address(notification)
        self.backend.send(to=to, text=notification.body, key=notification.dedupe_key)


CHANNELS = {
    NotificationChannel.EMAIL.value: EmailChannel,
    NotificationChannel.SMS.value: SmsChannel,
    NotificationChannel.INBOX.value: InboxChannel,
}


def channel_for(name: str) -> Channel:
    return CHANNELS[name]()
