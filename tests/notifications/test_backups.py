"""`manage.py backup` then `manage.py restore` into a new database: the same counts, the uploaded
files, and nothing old sent again. The restore runs in a process of its own, on the new database
(PostgreSQL: a database created here; SQLite: a new file)."""

import datetime
import json
import os
import subprocess
import sys
import tarfile
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from notifications.tasks import backup_nightly
from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def new_database(tmp_path):
    """A DATABASE_URL for an empty database, and a way to query it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}"
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    yield f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url, tmp_path, *args) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CHIBO_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )


def test_backup_then_restore_into_a_new_database_gives_the_same_counts_and_holds_the_outbox(
    settings, tmp_path, new_database
):
    if connection.vendor == "postgresql" and subprocess.run(["which", "pg_restore"], capture_output=True).returncode:
        pytest.skip("pg_dump/pg_restore are not installed")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "minutes").mkdir(parents=True)
    (tmp_path / "media" / "minutes" / "bien-ban.pdf").write_bytes(b"%PDF-1.7 bi\xc3\xaan b\xe1\xba\xa3n")
    user = UserFactory(email="a@example.org")
    now = timezone.now()
    for number, status in enumerate(["pending", "sending", "sent", "failed"]):
        Notification.objects.create(
            recipient=user, channel="email", kind="k", subject="s", body="b", due_at=now,
            dedupe_key=f"backup:{number}", status=status,
        )  # fmt: skip
    archive = tmp_path / "chibo.tar"

    out = StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "outbox rows waiting" in out.getvalue()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json" and "media/minutes/bien-ban.pdf" in names
    assert manifest["tables"]["notifications_notification"] == 4 and manifest["outbox_waiting"] == 2
    assert manifest["media_files"] == 1

    restored = manage(new_database, tmp_path, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "as in the manifest" in restored.stdout and "2 rows waiting at backup time held" in restored.stdout
    assert (tmp_path / "restored-media" / "minutes" / "bien-ban.pdf").read_bytes().startswith(b"%PDF")

    # The counts, once more from outside the restore; the waiting rows are held, the others as they were.
    check = manage(
        new_database, tmp_path, "shell", "-c",
        "from django.db import connection\n"
        "from notifications.backups import table_counts\n"
        "from notifications.models import Notification\n"
        "import json\n"
        "with connection.cursor() as cursor: counts = table_counts(cursor)\n"
        "rows = dict(Notification.objects.values_list('dedupe_key', 'status'))\n"
        "print(json.dumps({'counts': counts, 'rows': rows}))",
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    found = json.loads(check.stdout.strip().splitlines()[-1])
    assert found["counts"] == manifest["tables"]
    assert found["rows"] == {"backup:0": "failed", "backup:1": "failed", "backup:2": "sent", "backup:3": "failed"}

    # A database that is not empty is refused without --force.
    again = manage(new_database, tmp_path, "restore", str(archive))
    assert again.returncode != 0 and "not empty" in again.stderr


def test_the_nightly_task_writes_tonights_archive_and_keeps_the_last_days(settings, tmp_path):
    settings.BACKUP_DIR = str(tmp_path)
    settings.BACKUP_KEEP_DAYS = 3
    today = timezone.localdate()
    old = tmp_path / f"chibo-{(today - datetime.timedelta(days=3)).isoformat()}.tar"
    kept = tmp_path / f"chibo-{(today - datetime.timedelta(days=2)).isoformat()}.tar"
    other = tmp_path / "chibo-notes.tar"  # not one of the series: left alone
    for path in (old, kept, other):
        path.write_bytes(b"")

    written = Path(backup_nightly.apply().get())

    assert written == tmp_path / f"chibo-{today.isoformat()}.tar"
    with tarfile.open(written) as archive:
        assert json.load(archive.extractfile("manifest.json"))["tables"]
    assert kept.exists() and other.exists() and not old.exists()
    assert not list(tmp_path.glob("*.partial"))


def test_without_a_folder_the_nightly_task_does_nothing(settings):
    settings.BACKUP_DIR = ""
    assert backup_nightly.apply().get() == ""
