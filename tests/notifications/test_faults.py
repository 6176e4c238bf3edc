"""The outbox under faults: greylisting, a database that goes away, crashed sends, a dead or hung
broker, a stopping worker. (Issue 28.)"""

import datetime
import socket
import time
import zoneinfo

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import OperationalError, connection, connections, transaction

from chibo.celery import app
from notifications import dispatch, services, tasks
from notifications.channels import EmailChannel, message_id
from notifications.models import Notification
from notifications.services import notification_enqueue, retry_failed
from tests.factories import UserFactory
from tests.notifications.smtp_server import FakeSmtp

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)


def clock(at):
    return lambda: at


def email_row(person, key="ping:1", now=MORNING) -> Notification:
    rows = notification_enqueue(
        recipient=person, kind="test.ping", dedupe_key=key, context={"name": "An", "note": ""}, now=now
    )
    return next(row for row in rows if row.channel == "email")


def stuck_later(now):
    return now + django_settings.NOTIFICATION_STUCK_AFTER + datetime.timedelta(seconds=1)


@pytest.fixture
def smtp(settings):
    def serve(replies=None) -> FakeSmtp:
        server = FakeSmtp(replies)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        return server

    return serve


# --- SMTP reply codes --------------------------------------------------------------------------


def test_greylisting_at_rcpt_is_retried_and_sent_when_the_server_accepts(person, mail_dir, smtp):
    row = email_row(person)
    with smtp({"RCPT": ["451 4.7.1 Greylisted, try again in 1 minute"]}) as server:
        assert dispatch.send_many([row.pk], clock=clock(MORNING)) == {"retry": 1}
        row.refresh_from_db()
        assert (row.status, row.attempts, "451" in row.last_error) == ("pending", 1, True)
        assert dispatch.send_many([row.pk], clock=clock(row.due_at)) == {"sent": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    (message,) = server.messages
    assert message["Message-ID"] == message_id("ping:1:email")
    assert message["X-Chibo-Notification"] == "ping:1:email"


@pytest.mark.parametrize(
    ("replies", "outcome"),
    [
        ({"CONNECT": ["421 too busy"]}, "retry"),
        ({"MAIL": ["421 closing"]}, "retry"),
        ({"MAIL": ["450 try later"]}, "retry"),
        ({"DATA": ["451 local error"]}, "retry"),
        ({"RCPT": ["550 no such user"]}, "failed"),
        ({"MAIL": ["553 sender refused"]}, "failed"),
        ({"DATA": ["554 spam"]}, "failed"),
    ],
)
def test_a_real_smtp_exchange_is_classified_by_its_reply_code(person, mail_dir, smtp, replies, outcome):
    row = email_row(person)
    with smtp(replies):
        assert dispatch.send_many([row.pk], clock=clock(MORNING)) == {outcome: 1}


def test_one_smtp_connection_per_batch_and_a_new_one_after_a_failure(person, mail_dir, smtp):
    others = [UserFactory(email=f"m{n}@example.org") for n in range(4)]
    ids = [email_row(person).pk] + [email_row(user, key=f"k{n}").pk for n, user in enumerate(others)]
    with smtp() as server:
        assert dispatch.send_many(ids, clock=clock(MORNING)) == {"sent": 5}
    assert (server.connections, len(server.messages)) == (1, 5)

    ids = [email_row(user, key=f"again{n}").pk for n, user in enumerate(others)]
    with smtp({"RCPT": ["451 greylisted"]}) as server:
        assert dispatch.send_many(ids, clock=clock(MORNING)) == {"retry": 1, "sent": 3}
    assert (server.connections, len(server.messages)) == (2, 3)  # reconnected after the failure


# --- At most one repeat per crashed send, visible, with the same Message-ID -------------------


def test_a_send_whose_mark_is_lost_is_repeated_once_visibly_with_the_same_message_id(rows_email, monkeypatch):
    """The database stays away after the send: the row stays "sending" with its attempt started;
    the dispatch puts it back as a crashed send and it goes again, once, as the same message."""
    row = rows_email
    real = dispatch.reconnecting

    def database_gone(operation, what):
        if what == "marking a row sent":
            raise OperationalError("server closed the connection unexpectedly")
        return real(operation, what)

    monkeypatch.setattr(dispatch, "reconnecting", database_gone)
    with pytest.raises(OperationalError):
        dispatch.send_many([row.pk], clock=clock(MORNING))
    monkeypatch.undo()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.attempted_at, row.crashes) == ("sending", 1, MORNING, 0)
    assert len(mail.outbox) == 1

    later = stuck_later(MORNING)
    assert dispatch.requeue_stuck(now=later) == 1
    row.refresh_from_db()
    assert (row.status, row.crashes) == ("pending", 1)
    assert "may have been sent" in row.last_error and "same Message-ID" in row.last_error
    assert dispatch.send_many([row.pk], clock=clock(later)) == {"sent": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts, row.crashes) == ("sent", 2, 1)
    first, repeat = mail.outbox
    assert first.extra_headers["Message-ID"] == repeat.extra_headers["Message-ID"] == message_id(row.dedupe_key)


def test_a_row_that_crashes_its_sender_three_times_fails(rows_email, monkeypatch):
    row, now = rows_email, MORNING

    def crash(self, notification):
        raise SystemExit("killed")  # what a dying worker looks like to this code: nothing recorded

    monkeypatch.setattr(EmailChannel, "send", crash)
    for crashes in (1, 2, 3):
        with pytest.raises(SystemExit):
            dispatch.send_many([row.pk], clock=clock(now))
        now = stuck_later(now)
        dispatch.requeue_stuck(now=now)
        row.refresh_from_db()
        assert (row.attempts, row.crashes) == (crashes, crashes)
    assert row.status == "failed" and row.last_error.startswith("Crashed the sender 3 times")


@pytest.mark.django_db(transaction=True)
def test_a_terminated_database_connection_between_send_and_mark_repeats_nothing(person, mail_dir):
    """pg_terminate_backend from another connection right after the send: the mark reconnects."""
    if connection.vendor != "postgresql":
        pytest.skip("terminates a PostgreSQL backend")
    row = email_row(person)
    real_send = EmailChannel.send
    terminated = []

    def send_then_terminate(self, notification):
        real_send(self, notification)
        pid = connection.connection.get_backend_pid()
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()
        terminated.append(pid)

    EmailChannel.send = send_then_terminate
    try:
        outcome = dispatch.send_many([row.pk], clock=clock(MORNING))
    finally:
        EmailChannel.send = real_send
    assert terminated and outcome == {"sent": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts, row.crashes) == ("sent", 1, 0)
    assert len(mail.outbox) == 1
    assert connection.connection.get_backend_pid() != terminated[0]  # a new connection


@pytest.fixture
def rows_email(person, mail_dir):
    return email_row(person)


# --- Recovery: leases, stopping workers, small batches -----------------------------------------


def test_a_stopping_worker_puts_its_rows_back_at_once(person, mail_dir, monkeypatch):
    ids = [email_row(person, key=f"k{n}").pk for n in range(3)]
    assert dispatch.claim(ids, now=MORNING, owner="celery@a") == set(ids)
    first = Notification.objects.get(pk=ids[0])
    assert dispatch._start_attempt(first, lease=MORNING, now=MORNING)
    # Another worker's rows are not touched.
    other = email_row(person, key="other").pk
    dispatch.claim([other], now=MORNING, owner="celery@b")

    assert tasks._release_claims(sender=type("Worker", (), {"hostname": "celery@a"})()) is None
    statuses = dict(Notification.objects.filter(pk__in=[*ids, other]).values_list("pk", "status"))
    # The row whose attempt had started may have been sent: it waits for the crash path.
    assert statuses == {ids[0]: "sending", ids[1]: "pending", ids[2]: "pending", other: "sending"}


def test_a_batch_stops_before_its_next_row_when_the_worker_stops(person, mail_dir, monkeypatch):
    ids = [email_row(person, key=f"k{n}").pk for n in range(3)]
    real_send = EmailChannel.send

    def send_then_stop(self, notification):
        real_send(self, notification)
        dispatch.request_stop()

    monkeypatch.setattr(EmailChannel, "send", send_then_stop)
    monkeypatch.setattr(dispatch, "_stopping", type(dispatch._stopping)())
    assert dispatch.send_many(ids, clock=clock(MORNING)) == {"sent": 1}
    assert sorted(Notification.objects.filter(pk__in=ids).values_list("status", flat=True)) == [
        "pending",
        "pending",
        "sent",
    ]


def test_a_batch_starts_no_row_after_half_its_lease(person, mail_dir, settings):
    ids = [email_row(person, key=f"k{n}").pk for n in range(3)]
    times = iter([MORNING, MORNING, MORNING + settings.NOTIFICATION_STUCK_AFTER / 2 + datetime.timedelta(seconds=1)])
    assert dispatch.send_many(ids, clock=lambda: next(times)) == {"sent": 1}
    assert Notification.objects.filter(pk__in=ids, status="pending", claimed_by="").count() == 2


def test_retry_failed_puts_back_every_failed_row_of_a_filter_with_one_nudge(
    person, mail_dir, monkeypatch, django_capture_on_commit_callbacks
):
    nudged = []
    monkeypatch.setattr(services, "enqueue_send", nudged.append)
    with django_capture_on_commit_callbacks(execute=True):
        ids = [email_row(person, key=f"k{n}").pk for n in range(3)]
    Notification.objects.filter(pk__in=ids[:2]).update(status="failed", attempts=29, crashes=1, last_error="x")
    nudged.clear()
    later = MORNING + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_failed(rows=Notification.objects.filter(dedupe_key__startswith="k"), now=later) == 2
    assert [sorted(batch) for batch in nudged] == [sorted(ids[:2])]
    retried = Notification.objects.filter(pk__in=ids[:2])
    assert {(row.status, row.attempts, row.crashes, row.due_at) for row in retried} == {("pending", 0, 0, later)}
    assert Notification.objects.get(pk=ids[2]).attempts == 0  # the pending one was left alone


def test_dispatch_due_runs_on_a_queue_of_its_own_that_workers_consume(settings):
    route = app.amqp.router.route({}, "notifications.dispatch_due")
    assert route["queue"].name == settings.NOTIFICATION_DISPATCH_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE
    assert app.amqp.router.route({}, "notifications.send_notifications")["queue"].name == (settings.NOTIFICATION_QUEUE)
    assert app.amqp.router.route({}, "oversight.tasks.weekly_digest")["queue"].name == settings.SUMMARY_QUEUE
    assert app.amqp.router.route({}, "meetings.tasks.chase_meetings")["queue"].name == (
        settings.CELERY_TASK_DEFAULT_QUEUE
    )
    # A worker started without -Q (make run, tests) consumes every queue.
    queues = {settings.CELERY_TASK_DEFAULT_QUEUE, settings.NOTIFICATION_DISPATCH_QUEUE}
    assert queues | {settings.NOTIFICATION_QUEUE, settings.SUMMARY_QUEUE} <= set(app.amqp.queues)
    entry = app.conf.beat_schedule["dispatch-notifications"]
    assert entry["options"] == {"expire_seconds": 55}  # what django-celery-beat reads
    # The send task's hard limit ends a batch before its rows count as stuck.
    assert settings.NOTIFICATION_STUCK_AFTER.total_seconds() > tasks.SEND_TIME_LIMIT
    assert settings.NOTIFICATION_BATCH_SIZE == 50


# --- Never hold a request for the broker -------------------------------------------------------


def test_one_nudge_per_transaction_not_per_recipient(db, monkeypatch, django_capture_on_commit_callbacks):
    nudged = []
    monkeypatch.setattr(services, "enqueue_send", nudged.append)
    people = [UserFactory(email=f"p{n}@example.org") for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ids = [email_row(user, key=f"notice:1:{user.pk}", now=None).pk for user in people]
    assert [sorted(batch) for batch in nudged] == [sorted(ids)]


@pytest.fixture
def broker_at(monkeypatch):
    def point(url):
        monkeypatch.setattr(app.conf, "broker_url", url)
        # Celery's broker_url reads CELERY_BROKER_URL from the environment first (set in CI).
        monkeypatch.setenv("CELERY_BROKER_URL", url)

    return point


@pytest.fixture
def hung_broker():
    """A port that accepts connections and never answers (a stopped or hung Redis)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()


def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{probe.getsockname()[1]}/0"


@pytest.mark.parametrize("broker", ["refusing", "hung"])
def test_a_dead_or_hung_broker_costs_a_notice_about_a_second(
    person, broker, broker_at, hung_broker, settings, django_capture_on_commit_callbacks
):
    settings.BROKER_TIMEOUT = 1.0
    broker_at(closed_port() if broker == "refusing" else hung_broker)
    people = [person] + [UserFactory(email=f"p{n}@example.org") for n in range(4)]
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for user in people:
            email_row(user, key=f"notice:1:{user.pk}", now=None)
    elapsed = time.monotonic() - started
    assert elapsed < 3, f"{elapsed:.1f} s"  # 5 recipients, one nudge, given up after ~1 s
    # The rows wait for the periodic dispatch.
    assert Notification.objects.filter(status="pending").count() == 6  # five emails, one SMS
    assert not Notification.objects.filter(status="pending", queued_at__isnull=False).exists()


def test_healthz_reports_a_hung_broker_within_its_timeout(client, db, settings, hung_broker):
    settings.BROKER_TIMEOUT = 1.0
    settings.CELERY_BROKER_URL = hung_broker
    started = time.monotonic()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["down"] == ["broker"]
    assert time.monotonic() - started < 3
