"""`manage.py benchmark_reminders`: its last line, its count at the sink, and that it cleans up.

The numbers of a real run belong in docs/performance.md, not in a test: here the counts are small and
only correctness is checked (every row delivered once, nothing left behind). The run with a
worker process needs a test database that process can reach (PostgreSQL, as in CI), like
test_worker_e2e.py; the in-process run works everywhere.
"""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from chibo.celery import app
from notifications.channels import EmailChannel, PermanentError, SmsChannel
from notifications.management.commands import benchmark_reminders
from notifications.models import Notification

LAST_LINE = re.compile(r"^(\d+) sent, (\d+) duplicates, (\d+) lost, (\d+\.\d) seconds, (\d+) per second$")


def run(**options) -> list[str]:
    out = StringIO()
    call_command("benchmark_reminders", stdout=out, stderr=StringIO(), **options)
    return out.getvalue().splitlines()


def assert_nothing_left():
    assert not get_user_model().objects.filter(username__startswith="bench-").exists()
    assert not Notification.objects.filter(dedupe_key__startswith="bench-").exists()


@pytest.fixture
def eager():
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.mark.django_db
def test_in_process_run_counts_every_row_once_and_removes_what_it_made(
    settings, tmp_path, tmp_path_factory, eager, monkeypatch
):
    """--no-spawn with eager tasks: the dispatch, claim and email and SMS file sinks, without a broker."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    sms_dir = tmp_path_factory.mktemp("sms")
    settings.SMS_BACKEND = "notifications.channels.FileSmsBackend"
    settings.SMS_FILE_PATH = str(sms_dir)
    (sms_dir / "sms.log").write_text('{"to": "0912345678", "text": "x", "key": "someone-else:1:sms"}\n')
    other = tmp_path / "not-ours.log"
    other.write_text("X-Chibo-Notification: someone-else:1:email\n")

    # Whatever the hour the test runs at: SMS would otherwise wait out the quiet hours.
    monkeypatch.setattr(benchmark_reminders, "in_quiet_hours", lambda now: None)
    monkeypatch.setattr(SmsChannel, "hold_until", lambda self, notification, now: None)
    lines = run(count=20, no_spawn=True, mail_dir=str(tmp_path), progress_every=0.1)

    match = LAST_LINE.match(lines[-1])
    assert match, lines
    assert match.group(1, 2, 3) == ("20", "0", "0")
    assert "SMS: 4 sent, 0 duplicates, 0 lost" in lines  # every 5th row: a number alone
    assert any("(16 email, 4 SMS)" in line for line in lines)
    assert_nothing_left()
    assert [path.name for path in tmp_path.iterdir()] == ["not-ours.log"]  # its own mail files are gone
    assert (sms_dir / "sms.log").read_text().count("\n") == 1  # and its SMS lines


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the worker process needs a test database it can reach (PostgreSQL: DATABASE_URL, as in CI)",
)
def test_a_run_with_a_real_worker_sends_each_once_and_loses_none():
    lines = run(count=20, workers=1, concurrency=1, timeout=120)

    match = LAST_LINE.match(lines[-1])
    assert match, lines
    assert match.group(1, 2, 3) == ("20", "0", "0")
    assert any("worker(s) ready" in line for line in lines)
    assert_nothing_left()


@pytest.mark.django_db
def test_rows_the_run_could_not_send_are_kept_cancelled_not_deleted(settings, tmp_path, eager, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    other = get_user_model().objects.create(username="someone-else", email="x@example.org")
    theirs = Notification.objects.create(
        recipient=other, channel="email", kind="k", subject="s", body="b", due_at="2026-12-01T09:00Z", dedupe_key="x"
    )

    def refuse(self, notification):
        raise PermanentError("refused")

    monkeypatch.setattr(EmailChannel, "send", refuse)
    lines = run(count=3, no_spawn=True, mail_dir=str(tmp_path), progress_every=0.1)

    assert LAST_LINE.match(lines[-1]).group(1, 2, 3) == ("0", "0", "3")
    kept = Notification.objects.filter(dedupe_key__startswith="bench-")
    assert sorted(kept.values_list("status", flat=True)) == ["cancelled"] * 3
    assert get_user_model().objects.filter(username__startswith="bench-").count() == 3
    theirs.refresh_from_db()
    assert theirs.status == "pending"  # not the run's: neither sent nor touched
