"""A real `celery worker` process sends the outbox: end to end, and across a kill -9.

The worker must read the test database, so these run where the test database is a server
(PostgreSQL, as in CI); pytest-django's SQLite test database lives in this process's memory,
where no other process can see it. The broker is the run's own: Redis in CI, else the
filesystem broker in a temporary folder (as in tests/test_worker.py).
"""

import datetime
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from notifications import dispatch, services
from notifications.models import Notification
from notifications.services import notification_enqueue
from tests.test_worker import filesystem_options

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEADLINE_SECONDS = 300
HEADER = re.compile(r"^X-Chibo-Notification: (\S+)$", re.M)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="the worker process needs a test database it can reach (PostgreSQL: DATABASE_URL, as in CI)",
    ),
]


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def site(tmp_path):
    """(producer, queue, environment, mail folder) for worker processes on this test's database."""
    queue = f"chibo-test-{uuid.uuid4().hex}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"filemail://{mail_dir}",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CONN_MAX_AGE": "0",
    }
    producer = Celery("chibo-test-producer", broker=settings.CELERY_BROKER_URL)
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        var_dir = tmp_path / "var"
        env["CHIBO_VAR_DIR"] = str(var_dir)
        producer.conf.broker_transport_options = filesystem_options(var_dir)
    yield producer, queue, env, mail_dir
    producer.close()


class Workers:
    def __init__(self, env, tmp_path):
        self.env, self.tmp_path, self.processes = env, tmp_path, []

    def start(self) -> subprocess.Popen:
        log = self.tmp_path / f"worker-{len(self.processes)}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "chibo", "worker", "--pool", "solo", "--concurrency", "1",
             "--hostname", f"{uuid.uuid4().hex}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--loglevel", "info"],
            cwd=BASE_DIR, env=self.env, stdin=subprocess.DEVNULL, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        process.log = log
        self.processes.append(process)
        return process

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture
def workers(site, tmp_path):
    workers = Workers(site[2], tmp_path)
    yield workers
    workers.stop()


def sink(mail_dir: Path) -> Counter:
    """How many times each notification reached the email file backend, by de-duplication key."""
    return Counter(key for path in mail_dir.glob("*") for key in HEADER.findall(path.read_text(encoding="utf-8")))


def wait_until(condition, process, what):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{process.log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {DEADLINE_SECONDS} s; worker log:\n{process.log.read_text()}")
        time.sleep(0.2)


def test_a_due_notification_reaches_the_mail_folder_through_a_real_worker(site, workers, monkeypatch):
    producer, queue, _, mail_dir = site

    def broker_down(ids):
        raise ConnectionError("broker down")

    # The broker is down when the message is written: the request still succeeds, the row waits.
    monkeypatch.setattr(services, "enqueue_send", broker_down)
    recipient = get_user_model().objects.create(username="e2e", email="e2e@example.org")
    rows = notification_enqueue(
        recipient=recipient, kind="test.ping", dedupe_key="e2e:1", context={"name": "An", "note": "e2e"}
    )
    assert {row.channel: row.status for row in rows} == {"email": "pending", "inbox": "sent"}

    process = workers.start()
    producer.send_task("notifications.dispatch_due", queue=queue)  # what beat sends every minute
    wait_until(lambda: sink(mail_dir) == Counter({"e2e:1:email": 1}), process, "no mail arrived")
    wait_until(
        lambda: Notification.objects.get(dedupe_key="e2e:1:email").status == "sent", process, "the row was not sent"
    )
    assert "Kính gửi đồng chí An," in "".join(path.read_text() for path in mail_dir.glob("*"))


@pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis"), reason="kill -9 is tested against Redis")
def test_a_worker_killed_mid_dispatch_loses_nothing_and_sends_nothing_twice(site, workers):
    producer, queue, _, mail_dir = site
    count = 10_000
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"kill-{n}", email=f"kill-{n}@example.org") for n in range(count)
    )
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user, channel="email", kind="test.ping", subject="S", body="B", due_at=now,
            dedupe_key=f"kill:{user.pk}:email",
        )
        for user in users
    )  # fmt: skip

    def enqueue(ids):
        producer.send_task("notifications.send_notifications", args=[ids], queue=queue)

    process = workers.start()
    assert dispatch.dispatch_due(now=now, enqueue=enqueue) == count
    wait_until(lambda: sum(sink(mail_dir).values()) >= 1500, process, "fewer than 1,500 sent")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert sum(sink(mail_dir).values()) < count, "the worker finished before it was killed: nothing was tested"

    # A new worker; the next dispatch runs "later" (time injected): rows the dead worker left
    # "sending", and rows it had been handed but never claimed, go out again.
    process = workers.start()
    later = now + settings.NOTIFICATION_STUCK_AFTER + datetime.timedelta(minutes=1)
    dispatch.dispatch_due(now=later, enqueue=enqueue)
    wait_until(
        lambda: not Notification.objects.exclude(status="sent").exists(), process, "not every notification was sent"
    )
    counted = sink(mail_dir)
    assert len(counted) == count, f"{count - len(counted)} lost"
    assert [key for key, times in counted.items() if times > 1] == []
