import datetime
import smtplib
import threading
import urllib.error
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from notifications import dispatch
from notifications.channels import EmailChannel, HttpSmsBackend, PermanentError, SmsChannel, TransientError
from notifications.models import Notification
from notifications.services import notification_enqueue, notification_retry

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)


def enqueue(person, key="ping:1", **kwargs):
    return {
        row.channel: row
        for row in notification_enqueue(
            recipient=person,
            kind="test.ping",
            dedupe_key=key,
            context={"name": "An", "note": ""},
            now=kwargs.pop("now", MORNING),
            **kwargs,
        )
    }


def clock(at):
    return lambda: at


@pytest.fixture
def rows(person, mail_dir):
    return enqueue(person)


def sms_lines(mail_dir) -> list[str]:
    log = mail_dir / "sms" / "sms.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_send_twice_sends_once(rows, mail_dir):
    ids = [rows["email"].pk, rows["sms"].pk]
    assert dispatch.send_many(ids, clock=clock(MORNING)) == {"sent": 2}
    assert dispatch.send_many(ids, clock=clock(MORNING)) == {}
    assert len(mail.outbox) == 1 and len(sms_lines(mail_dir)) == 1
    email = Notification.objects.get(pk=rows["email"].pk)
    assert (email.status, email.sent_at is not None, email.address, email.attempts) == (
        "sent",
        True,
        "a@example.org",
        1,
    )
    assert mail.outbox[0].extra_headers["X-Chibo-Notification"] == "ping:1:email"
    assert mail.outbox[0].alternatives  # the HTML part


def test_two_claims_of_the_same_row_send_once(rows):
    """Simulated race: the second worker loaded the row before the first claimed it."""
    stale = Notification.objects.get(pk=rows["email"].pk)
    channel = EmailChannel()
    assert dispatch.send_row(rows["email"], channel, now=MORNING) == "sent"
    assert dispatch.send_row(stale, channel, now=MORNING) == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_in_two_threads_deliver_once(person, mail_dir):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the sequential race above covers it")
    row = enqueue(person)["email"]
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            outcomes.append(dispatch.send_many([row.pk], clock=clock(MORNING)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mail.outbox) == 1
    assert sum(outcome.get("sent", 0) for outcome in outcomes) == 1


def test_not_due_and_cancelled_rows_are_not_sent(person, mail_dir):
    later = enqueue(person, key="later", due_at=MORNING + datetime.timedelta(days=1))
    assert dispatch.send_many([later["email"].pk], clock=clock(MORNING)) == {"skipped": 1}
    Notification.objects.filter(pk=later["email"].pk).update(status="cancelled")
    assert dispatch.send_many([later["email"].pk], clock=clock(MORNING + datetime.timedelta(days=2))) == {}
    assert mail.outbox == []


def test_transient_errors_back_off_then_fail_after_the_window_and_staff_can_retry(rows, monkeypatch, settings):
    settings.NOTIFICATION_RETRY_WINDOW = datetime.timedelta(minutes=15)

    def down(self, notification):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(EmailChannel, "send", down)
    pk, now, waits = rows["email"].pk, MORNING, []
    for attempt in range(1, 6):
        outcome = dispatch.send_many([pk], clock=clock(now))
        row = Notification.objects.get(pk=pk)
        assert (row.attempts, row.attempted_at, row.first_attempted_at) == (attempt, now, MORNING)
        if attempt < 5:
            assert outcome == {"retry": 1} and row.status == "pending"
            waits.append(row.due_at - now)
            # Not due again before the backoff has passed.
            assert dispatch.send_many([pk], clock=clock(now + waits[-1] / 2)) == {"skipped": 1}
            now = row.due_at
    # The fifth failure, 15 minutes after the first: a sixth attempt would fall outside the window.
    assert outcome == {"failed": 1}
    assert row.status == "failed" and "SMTPServerDisconnected: gone" in row.last_error
    assert waits == [datetime.timedelta(minutes=m) for m in (1, 2, 4, 8)]

    monkeypatch.undo()
    row = notification_retry(notification=row, now=now)
    assert (row.attempts, row.first_attempted_at) == (0, None)
    assert dispatch.send_many([pk], clock=clock(now)) == {"sent": 1}
    assert len(mail.outbox) == 1


def test_backoff_doubles_up_to_an_hour_and_retries_go_on_for_a_day(rows, monkeypatch):
    assert [dispatch.backoff(n) for n in (1, 2, 3, 6, 7, 30)] == [
        datetime.timedelta(minutes=m) for m in (1, 2, 4, 32, 60, 60)
    ]

    def greylisted(self, notification):
        raise smtplib.SMTPRecipientsRefused({"a@example.org": (451, b"4.7.1 greylisted, try later")})

    monkeypatch.setattr(EmailChannel, "send", greylisted)
    pk, now = rows["email"].pk, MORNING
    while (outcome := dispatch.send_many([pk], clock=clock(now))) == {"retry": 1}:
        now = Notification.objects.get(pk=pk).due_at
    row = Notification.objects.get(pk=pk)
    assert outcome == {"failed": 1} and "451" in row.last_error
    # 1 + 2 + … + 32 minutes, then hourly: the last attempt falls inside the 24 hours, the next would not.
    assert datetime.timedelta(hours=23) <= now - MORNING <= datetime.timedelta(hours=24)
    assert row.attempts == 29


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}),
        smtplib.SMTPSenderRefused(553, b"sender refused", "chibo@localhost"),
        smtplib.SMTPDataError(554, b"rejected as spam"),
        smtplib.SMTPConnectError(554, b"no service"),
        PermanentError("no"),
        KeyError(),
    ],
)
def test_permanent_errors_fail_at_once(rows, monkeypatch, error):
    def refuse(self, notification):
        raise error

    monkeypatch.setattr(EmailChannel, "send", refuse)
    assert dispatch.send_many([rows["email"].pk], clock=clock(MORNING)) == {"failed": 1}
    assert Notification.objects.get(pk=rows["email"].pk).attempts == 1


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPConnectError(421, b"too many connections"),  # connect
        smtplib.SMTPSenderRefused(421, b"service not available", "chibo@localhost"),  # MAIL FROM
        smtplib.SMTPSenderRefused(451, b"local error", "chibo@localhost"),
        smtplib.SMTPRecipientsRefused({"a@example.org": (451, b"4.7.1 greylisted")}),  # RCPT TO
        smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"mailbox busy")}),
        smtplib.SMTPDataError(451, b"try again later"),  # DATA
        smtplib.SMTPServerDisconnected("gone"),
        TimeoutError("timed out"),
        ConnectionRefusedError(),
        TransientError("gateway 503"),
    ],
)
def test_smtp_4xx_at_any_stage_and_timeouts_are_retried(rows, monkeypatch, error):
    def refuse(self, notification):
        raise error

    monkeypatch.setattr(EmailChannel, "send", refuse)
    assert dispatch.send_many([rows["email"].pk], clock=clock(MORNING)) == {"retry": 1}
    row = Notification.objects.get(pk=rows["email"].pk)
    assert (row.status, row.attempts, row.due_at) == ("pending", 1, MORNING + datetime.timedelta(minutes=1))


def test_a_recipient_without_an_address_at_send_time_fails(rows, person):
    person.email = ""
    person.save()
    assert dispatch.send_many([rows["email"].pk], clock=clock(MORNING)) == {"failed": 1}
    assert "no valid address" in Notification.objects.get(pk=rows["email"].pk).last_error


@pytest.mark.parametrize(
    ("local", "held_until"),
    [
        (datetime.datetime(2026, 12, 1, 21, 0), datetime.datetime(2026, 12, 2, 7, 0)),
        (datetime.datetime(2026, 12, 1, 23, 59), datetime.datetime(2026, 12, 2, 7, 0)),
        (datetime.datetime(2026, 12, 2, 3, 0), datetime.datetime(2026, 12, 2, 7, 0)),
        (datetime.datetime(2026, 12, 2, 6, 59), datetime.datetime(2026, 12, 2, 7, 0)),
        (datetime.datetime(2026, 12, 2, 7, 0), None),
        (datetime.datetime(2026, 12, 2, 20, 59), None),
    ],
)
def test_no_sms_in_quiet_hours_it_waits_until_seven(person, mail_dir, local, held_until):
    at = local.replace(tzinfo=TZ)
    with time_machine.travel(at, tick=False):
        rows = enqueue(person, now=None)
        outcome = dispatch.send_many([rows["sms"].pk, rows["email"].pk])
    sms = Notification.objects.get(pk=rows["sms"].pk)
    assert outcome.get("sent") == (2 if held_until is None else 1)  # email is not held
    if held_until is None:
        assert sms.status == "sent" and len(sms_lines(mail_dir)) == 1
    else:
        assert (sms.status, sms.attempts, sms.due_at) == ("pending", 0, held_until.replace(tzinfo=TZ))
        assert sms_lines(mail_dir) == []
        with time_machine.travel(held_until.replace(tzinfo=TZ), tick=False):
            assert dispatch.send_many([sms.pk]) == {"sent": 1}


class FakeResponse:
    def __init__(self, status):
        self.status = status

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def gateway(answer):
    """A local stand-in for urlopen: records the request and answers as told."""
    calls = []

    def opener(request, timeout):
        calls.append(request)
        if isinstance(answer, Exception):
            raise answer
        if answer >= 400:
            raise urllib.error.HTTPError(request.full_url, answer, "x", {}, None)
        return FakeResponse(answer)

    return opener, calls


def test_http_gateway_posts_json_with_the_token():
    opener, calls = gateway(200)
    HttpSmsBackend(url="https://sms.example/send", token="secret", opener=opener).send(
        to="0912345678", text="Họp chi bộ 19:00", key="k:sms"
    )
    (request,) = calls
    assert request.get_method() == "POST" and request.full_url == "https://sms.example/send"
    assert request.get_header("Authorization") == "Bearer secret"
    assert request.data.decode() == '{"to": "0912345678", "text": "H\\u1ecdp chi b\\u1ed9 19:00"}'


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (500, TransientError),
        (503, TransientError),
        (429, TransientError),
        (408, TransientError),
        (TimeoutError("timed out"), TransientError),
        (urllib.error.URLError("refused"), TransientError),
        (400, PermanentError),
        (401, PermanentError),
    ],
)
def test_http_gateway_errors_are_transient_or_permanent(answer, error):
    opener, _ = gateway(answer)
    with pytest.raises(error):
        HttpSmsBackend(url="https://sms.example/send", token="t", opener=opener).send(
            to="0912345678", text="x", key="k"
        )


def test_a_gateway_5xx_is_retried_and_a_4xx_fails(rows, monkeypatch):
    for answer, outcome in ((503, "retry"), (400, "failed")):
        opener, _ = gateway(answer)
        channel = SmsChannel(backend=HttpSmsBackend(url="https://sms.example/send", token="t", opener=opener))
        row = Notification.objects.get(pk=rows["sms"].pk)
        Notification.objects.filter(pk=row.pk).update(due_at=MORNING)
        assert dispatch.send_row(row, channel, now=MORNING) == outcome


def test_dispatch_hands_due_rows_out_in_chunks_once(person, mail_dir, settings):
    settings.NOTIFICATION_BATCH_SIZE = 2
    for number in range(3):  # 6 rows due (email, sms), inbox delivered already
        enqueue(person, key=f"k{number}")
    enqueue(person, key="later", due_at=MORNING + datetime.timedelta(hours=1))
    Notification.objects.update(queued_at=None)
    handed = []
    assert dispatch.dispatch_due(now=MORNING, enqueue=handed.append) == 6
    assert [len(chunk) for chunk in handed] == [2, 2, 2]
    # Handed rows are not handed again until the broker had time to lose them.
    assert dispatch.dispatch_due(now=MORNING + datetime.timedelta(minutes=1), enqueue=handed.append) == 0
    assert dispatch.dispatch_due(now=MORNING + settings.NOTIFICATION_REQUEUE_AFTER * 2, enqueue=handed.append) == 6
    # The later message (email, sms and its inbox row) when due, with the six, still unsent, again.
    assert dispatch.dispatch_due(now=MORNING + datetime.timedelta(hours=1), enqueue=handed.append) == 9


def test_dispatch_with_the_broker_down_keeps_the_rows(rows):
    def down(ids):
        raise ConnectionError("no broker")

    Notification.objects.update(queued_at=None)
    assert dispatch.dispatch_due(now=MORNING, enqueue=down) == 0
    assert Notification.objects.filter(status="pending", queued_at__isnull=True).count() == 2


def test_rows_a_dead_worker_left_sending_go_back_to_pending(rows, settings):
    Notification.objects.filter(pk=rows["email"].pk).update(status="sending", claimed_at=MORNING)
    handed = []
    dispatch.dispatch_due(now=MORNING + datetime.timedelta(minutes=1), enqueue=handed.append)
    assert Notification.objects.get(pk=rows["email"].pk).status == "sending"  # may still be sending
    stuck = MORNING + settings.NOTIFICATION_STUCK_AFTER + datetime.timedelta(seconds=1)
    dispatch.dispatch_due(now=stuck, enqueue=handed.append)
    row = Notification.objects.get(pk=rows["email"].pk)
    # Claimed but never attempted: back without a mark, nothing can have been sent.
    assert (row.status, row.crashes, row.last_error) == ("pending", 0, "")
    assert rows["email"].pk in handed[-1]
