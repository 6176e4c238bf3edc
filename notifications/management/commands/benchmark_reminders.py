"""Measure the outbox → broker → worker → email path: N due notifications, sent, counted at the sink.

Throwaway, inactive users named "bench-<run>-<n>" each get one due email row (dedupe key
"bench-<run>:<n>:email"); every --sms-every'th row is instead an SMS to a phone number alone
("bench-<run>:<n>:sms", no user), as a member without a login is sent the meeting notice
(meetings/reminders.py), counted at the SMS file backend's log. SMS are held in the quiet hours
(21:00–07:00): a run then sends email only, and says so. The rows are dispatched exactly as the periodic dispatch does
(dispatch.dispatch_due, NOTIFICATION_BATCH_SIZE ids per message, again every
NOTIFICATION_REQUEUE_AFTER while it waits, as beat would) onto the configured broker, on a queue of
the run's own, to K worker processes started here with the email file backend writing to a
temporary folder: the sink. The sink is then counted by de-duplication key (the
X-Chibo-Notification header), and what the run created and sent is removed (rows it could not
send are kept, cancelled, to inspect).

With --no-spawn the rows go to the configured default queue, for workers already running;
--mail-dir names the folder their file backend writes to (default: EMAIL_FILE_PATH).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from notifications import dispatch, tasks
from notifications.channels import DEDUPE_HEADER, FileSmsBackend, in_quiet_hours
from notifications.models import Notification, NotificationChannel, NotificationStatus

PENDING, SENDING, SENT = NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.SENT

BASE_DIR = Path(__file__).resolve().parents[3]
KIND = "benchmark.ping"
BATCH = 5000
HEADER = re.compile(rf"^{DEDUPE_HEADER}: (\S+)$", re.M)


def database_url() -> str:
    """This process's database as a DATABASE_URL for the workers (the test database under pytest)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor != "postgresql":
        raise CommandError(f"Spawning workers is supported on SQLite and PostgreSQL, not {connection.vendor}.")
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def count_sink(mail_dir: Path, prefix: str, since: float = 0.0) -> tuple[Counter, list[Path]]:
    """How many times each of this run's keys reached the mail folder, and the files holding them."""
    counted: Counter = Counter()
    files = []
    for path in mail_dir.glob("*"):
        if not path.is_file() or path.stat().st_mtime < since:
            continue
        keys = [key for key in HEADER.findall(path.read_text(encoding="utf-8", errors="replace"))]
        ours = [key for key in keys if key.startswith(prefix)]
        counted.update(ours)
        if ours and len(ours) == len(keys):
            files.append(path)
    return counted, files


def count_sms(sms_dir: Path | None, prefix: str) -> Counter:
    """How many times each of this run's keys reached the SMS file backend's log."""
    counted: Counter = Counter()
    log = sms_dir / "sms.log" if sms_dir else None
    if log is None or not log.exists():
        return counted
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            key = json.loads(line).get("key", "")
        except (ValueError, AttributeError):
            continue
        if key.startswith(prefix):
            counted[key] += 1
    return counted


def drop_sms_lines(sms_dir: Path | None, prefix: str) -> None:
    """Remove this run's lines from a shared SMS log (--no-spawn), keeping everyone else's."""
    log = sms_dir / "sms.log" if sms_dir else None
    if log is None or not log.exists():
        return
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if f'"key": "{prefix}' not in line]
    temporary = log.with_suffix(".log.tmp")
    temporary.write_text("".join(kept), encoding="utf-8")
    temporary.replace(log)


class Command(BaseCommand):
    help = (
        "Send N due notifications (email, and every 5th an SMS to a number alone) through the broker "
        "and workers; count the sinks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="notifications to send (default 1000)")
        parser.add_argument("--workers", type=int, default=1, help="worker processes to start (default 1)")
        parser.add_argument(
            "--concurrency", type=int, default=None, help="pool processes per worker (default: Celery's, the cores)"
        )
        parser.add_argument("--no-spawn", action="store_true", help="use the workers already running")
        parser.add_argument("--mail-dir", help="with --no-spawn: the running workers' mail folder")
        parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the sends (default 600)")
        parser.add_argument("--progress-every", type=float, default=5, help="seconds between progress lines")
        parser.add_argument("--keep", action="store_true", help="keep the users, rows and mail (to inspect them)")
        parser.add_argument(
            "--sms-every",
            type=int,
            default=5,
            help="every N-th row is an SMS to a number alone, as to a member without a login (default 5; 0: none)",
        )

    def handle(self, *args, count, workers, concurrency, no_spawn, mail_dir, timeout, progress_every, keep, **options):
        sms_every = options["sms_every"]
        if count < 1 or workers < 1 or sms_every < 0:
            raise CommandError("--count and --workers must be at least 1, --sms-every 0 or more.")
        if sms_every and in_quiet_hours(timezone.now()):
            self.say("Quiet hours (21:00-07:00): SMS would wait until 07:00, so this run sends email only")
            sms_every = 0
        self.sms_every = sms_every
        self.sms_dir: Path | None = None
        self.run_id = uuid.uuid4().hex[:8]
        self.prefix = f"bench-{self.run_id}:"
        self.processes: list[subprocess.Popen] = []
        self.temp_dir: Path | None = None
        self.user_ids: list[int] = []
        self.row_ids: list[int] = []
        if no_spawn:
            if mail_dir is None and settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
                raise CommandError("--no-spawn needs --mail-dir (or EMAIL_URL=filemail://…) to count the sink.")
            self.mail_dir = Path(mail_dir or settings.EMAIL_FILE_PATH)
            self.mail_dir.mkdir(parents=True, exist_ok=True)
            self.queue = settings.CELERY_TASK_DEFAULT_QUEUE
            if sms_every:
                if import_string(settings.SMS_BACKEND) is not FileSmsBackend:
                    raise CommandError("--no-spawn with SMS rows needs SMS_BACKEND=file (or --sms-every 0).")
                self.sms_dir = Path(settings.SMS_FILE_PATH)
        else:
            self.temp_dir = Path(tempfile.mkdtemp(prefix=f"chibo-bench-{self.run_id}-"))
            self.mail_dir = self.temp_dir / "mail"
            self.mail_dir.mkdir()
            self.sms_dir = self.temp_dir / "sms"
            self.queue = f"chibo-bench-{self.run_id}"
        started_wall = time.time() - 1  # mail files older than the run are not ours
        try:
            sms = self.sms_count(count)
            kinds = f"{count - sms} email, {sms} SMS"
            self.say(f"Run {self.run_id}: {count} notifications ({kinds}), broker {self.broker_name()}")
            if not no_spawn:
                self.spawn(workers, concurrency)
            self.create(count)
            last = self.send_and_wait(count, timeout, progress_every)
            counted, files = count_sink(self.mail_dir, self.prefix, since=0.0 if self.temp_dir else started_wall)
            self.files = files
            texts = count_sms(self.sms_dir, self.prefix)
            self.say(f"SMS: {len(texts)} sent, {sum(texts.values()) - len(texts)} duplicates, {sms - len(texts)} lost")
            counted.update(texts)
            sent = len(counted)
            duplicates = sum(counted.values()) - sent
            lost = count - sent
            seconds = last
            line = f"{sent} sent, {duplicates} duplicates, {lost} lost, {seconds:.1f} seconds, "
            line += f"{sent / seconds if seconds else 0:.0f} per second"
        finally:
            self.stop_workers()
            if keep:
                self.say(f"Kept: users bench-{self.run_id}-*, rows {self.prefix}*, mail in {self.mail_dir}")
            else:
                removed = time.monotonic()
                self.clean_up()
                self.say(f"Removed the run's users, rows and mail in {time.monotonic() - removed:.1f} s")
        self.say(line)

    def say(self, line: str) -> None:
        """A line on stdout at once, also when stdout is a file or a pipe."""
        self.stdout.write(line)
        self.stdout.flush()

    def broker_name(self) -> str:
        return settings.CELERY_BROKER_URL.split("://", 1)[0]

    # --- Workers ---------------------------------------------------------------------------

    def spawn(self, workers: int, concurrency: int | None) -> None:
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": database_url(),
            "EMAIL_URL": f"filemail://{self.mail_dir}",
            "SMS_BACKEND": "file",
            "SMS_FILE_PATH": str(self.sms_dir),
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "LOG_LEVEL": "WARNING",
        }
        for number in range(workers):
            log = self.temp_dir / f"worker-{number}.log"
            command = [
                sys.executable, "-m", "celery", "-A", "chibo", "worker",
                "--hostname", f"bench-{self.run_id}-{number}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "info",
            ]  # fmt: skip
            if concurrency:
                command += ["--concurrency", str(concurrency)]
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command, cwd=BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=log.open("w"), stderr=subprocess.STDOUT
            )
            process.log = log
            self.processes.append(process)
        deadline = time.monotonic() + 60
        for process in self.processes:
            while " ready." not in process.log.read_text(errors="replace"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise CommandError(f"A worker did not start:\n{process.log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.1)
        self.say(f"{workers} worker(s) ready on queue {self.queue}")

    def stop_workers(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    # --- Rows ------------------------------------------------------------------------------

    def is_sms(self, n: int) -> bool:
        return bool(self.sms_every) and n % self.sms_every == self.sms_every - 1

    def sms_count(self, count: int) -> int:
        return sum(1 for n in range(count) if self.is_sms(n))

    def create(self, count: int) -> None:
        user_model = get_user_model()
        created = time.monotonic()
        unusable = make_password(None)  # nobody can log in as a throwaway user
        emails = [n for n in range(count) if not self.is_sms(n)]
        for start in range(0, len(emails), BATCH):
            users = user_model.objects.bulk_create(
                user_model(
                    username=f"bench-{self.run_id}-{n}",
                    email=f"bench-{self.run_id}-{n}@bench.invalid",
                    first_name="Benchmark",
                    password=unusable,
                    is_active=False,
                )
                for n in emails[start : start + BATCH]
            )
            self.user_ids += [user.pk for user in users]
        user_of = dict(zip(emails, self.user_ids, strict=True))
        now = timezone.now()

        def row(n: int) -> Notification:
            if n in user_of:
                return Notification(
                    recipient_id=user_of[n],
                    channel=NotificationChannel.EMAIL,
                    kind=KIND,
                    subject="Benchmark",
                    body=f"Benchmark {self.run_id}: nhắc họp chi bộ.",
                    due_at=now,
                    dedupe_key=f"{self.prefix}{n}:email",
                )
            # A member without a login: the number alone (a valid mobile number, never dialled).
            return Notification(
                recipient=None,
                recipient_name=f"Benchmark {n}",
                address=f"09{n % 100_000_000:08d}",
                channel=NotificationChannel.SMS,
                kind=KIND,
                subject="Benchmark",
                body=f"Benchmark {self.run_id}: nhắc họp chi bộ.",
                due_at=now,
                dedupe_key=f"{self.prefix}{n}:sms",
            )

        for start in range(0, count, BATCH):
            batch = Notification.objects.bulk_create(row(n) for n in range(start, min(start + BATCH, count)))
            self.row_ids += [created_row.pk for created_row in batch]
        self.say(f"Created {len(self.user_ids)} users and {count} rows in {time.monotonic() - created:.1f} s")

    def rows(self):
        """This run's rows: its key prefix, within the id range it created (an index range scan).
        Nothing else: the run never touches, sends or deletes another row."""
        if not self.row_ids:
            return Notification.objects.none()
        return Notification.objects.filter(
            pk__gte=min(self.row_ids), pk__lte=max(self.row_ids), dedupe_key__startswith=self.prefix
        )

    def send_and_wait(self, count: int, timeout: float, progress_every: float) -> float:
        rows = self.rows()
        queue = self.queue

        def enqueue(ids):
            tasks.send_notifications.apply_async((ids,), queue=queue, retry=False)

        started = time.monotonic()
        handed = dispatch.dispatch_due(now=timezone.now(), enqueue=enqueue, rows=rows)
        self.say(f"Dispatched {handed} in {time.monotonic() - started:.1f} s")
        deadline = started + timeout
        next_progress = started + progress_every
        # As beat would while the run waits: a worker killed mid-run strands rows "sending", and
        # only the dispatch puts them back (after NOTIFICATION_STUCK_AFTER) and hands them out.
        every = settings.NOTIFICATION_REQUEUE_AFTER.total_seconds()
        next_dispatch = started + every
        while True:
            sent = rows.filter(status=SENT).count()
            now = time.monotonic()
            finished = sent >= count or not rows.filter(status__in=(PENDING, SENDING)).exists()
            if finished or now > deadline:
                if not finished:
                    self.stderr.write(f"Gave up after {timeout:.0f} s with {count - sent} not sent")
                return now - started
            if now >= next_progress:
                self.say(f"  {sent} / {count} sent, {now - started:.1f} s")
                next_progress = now + progress_every
            if now >= next_dispatch:
                again = dispatch.dispatch_due(now=timezone.now(), enqueue=enqueue, rows=rows)
                if again:
                    self.say(f"  Dispatched {again} again (stranded or lost), {now - started:.1f} s")
                next_dispatch = now + every
            for process in self.processes:
                if process.poll() is not None:
                    raise CommandError(f"A worker exited:\n{process.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.25)

    def clean_up(self) -> None:
        """Remove what the run created and sent. Rows it created but did not send are kept, as
        cancelled (nothing sends them later) with their users, and said so: evidence, not lost."""
        unsent = list(self.rows().exclude(status=SENT).values_list("pk", "recipient_id"))
        if unsent:
            self.rows().filter(pk__in=[pk for pk, _ in unsent]).update(status=NotificationStatus.CANCELLED)
            self.stderr.write(
                f"Kept {len(unsent)} unsent rows ({self.prefix}*, now cancelled) and their users, to inspect"
            )
        self.rows().filter(status=SENT).delete()
        kept_users = {user_id for _, user_id in unsent if user_id is not None}
        # The throwaway users own nothing else now: plain DELETEs instead of the ORM's cascade
        # collector, which looks into every table that refers to users. Should anything refer to
        # them after all, the database refuses (foreign keys) and the ORM's delete does it.
        user_model = get_user_model()
        table, column = user_model._meta.db_table, user_model._meta.pk.column
        user_ids = [pk for pk in self.user_ids if pk not in kept_users]
        for start in range(0, len(user_ids), BATCH):
            batch = user_ids[start : start + BATCH]
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    marks = ", ".join(["%s"] * len(batch))
                    cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", batch)  # noqa: S608
            except IntegrityError:
                user_model.objects.filter(pk__in=batch).delete()
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
        else:
            for path in getattr(self, "files", []):
                path.unlink(missing_ok=True)
            drop_sms_lines(self.sms_dir, self.prefix)
