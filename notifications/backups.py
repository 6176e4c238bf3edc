"""Backup and restore of the whole site: the database, the uploaded files, a manifest of counts.

Generic over the database (every table, by introspection): nothing here knows a domain app.
The outbox is the one thing a restore must treat specially: rows that were waiting to be sent
when the backup was taken are held (failed, with a reason) so that nothing old is sent again
without a decision.

The archive is a tar file:

    manifest.json     format, when, database vendor, row count of every table, media files
    database.dump     pg_dump -Fc (PostgreSQL), or
    database.sqlite3  a copy through SQLite's online backup API
    media/…           the uploaded files (MEDIA_ROOT)
"""

import contextlib
import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import Notification, NotificationStatus

FORMAT = 1
MANIFEST = "manifest.json"
HELD = "Held after restoring the backup of {at}: it was waiting to be sent then. Retry to send it."


class BackupError(Exception):
    pass


def table_counts(cursor) -> dict[str, int]:
    """Rows in every table of the database (not just the models': migrations, beat, sessions…)."""
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env_args() -> tuple[dict, list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["-U", db["USER"]]
    return env, args


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


WAITING_SQL = f"SELECT COUNT(*) FROM {Notification._meta.db_table} WHERE status IN ('pending', 'sending')"  # noqa: S608


def dump_database(work: Path) -> tuple[Path, dict[str, int], int]:
    """The database into work/, the row counts of the very same state, and its outbox rows
    waiting to be sent."""
    if connection.vendor == "postgresql":
        target = work / "database.dump"
        env, args = _pg_env_args()
        # One snapshot for the counts and pg_dump: the manifest describes exactly the dump.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts(cursor)
            cursor.execute(WAITING_SQL)
            waiting = cursor.fetchone()[0]
            name = connection.settings_dict["NAME"]
            _run(["pg_dump", "-Fc", f"--snapshot={snapshot}", *args, "-d", name, "-f", str(target)], env)
        return target, counts, waiting
    if connection.vendor == "sqlite":
        target = work / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # consistent while the site writes
            counts = {}
            tables = copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            ).fetchall()
            for (table,) in tables:
                counts[table] = copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            waiting = copy.execute(WAITING_SQL).fetchone()[0]
        finally:
            copy.close()
        return target, counts, waiting
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")


def write_backup(output, *, work: Path) -> dict:
    """Write the archive to output (a binary file object); returns the manifest."""
    database, counts, waiting = dump_database(work)
    media_root = Path(settings.MEDIA_ROOT)
    media = sorted(path for path in media_root.rglob("*") if path.is_file()) if media_root.is_dir() else []
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database": database.name,
        "tables": counts,
        "media_files": len(media),
        "outbox_waiting": waiting,
    }
    with tarfile.open(fileobj=output, mode="w|") as archive:
        _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
        archive.add(database, arcname=database.name)
        for path in media:
            archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
    return manifest


def read_archive(source, *, work: Path) -> dict:
    """Unpack the archive from source (a binary file object) into work/; returns the manifest."""
    with tarfile.open(fileobj=source, mode="r|") as archive:
        archive.extractall(work, filter="data")
    manifest_path = work / MANIFEST
    if not manifest_path.is_file():
        raise BackupError("Not a Chi bộ backup: no manifest.json.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore_database(manifest: dict, work: Path, *, force: bool) -> None:
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"The backup is of a {manifest['vendor']} database; this site uses {connection.vendor}.")
    database = work / manifest["database"]
    if connection.vendor == "postgresql":
        env, args = _pg_env_args()
        name = connection.settings_dict["NAME"]
        connection.close()
        clean = ["--clean", "--if-exists"] if force else []
        command = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
        _run([*command, *clean, *args, "-d", name, str(database)], env)
        return
    # SQLite: copy the backup over this database page by page, through the same online API.
    connection.ensure_connection()
    source = sqlite3.connect(database)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def restore_media(work: Path) -> int:
    media = work / "media"
    if not media.is_dir():
        return 0
    target = Path(settings.MEDIA_ROOT)
    files = [path for path in media.rglob("*") if path.is_file()]
    for path in files:
        destination = target / path.relative_to(media)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return len(files)


def compare_counts(manifest: dict) -> list[str]:
    """Tables whose rows differ from the manifest, as "table: expected N, found M"."""
    with connection.cursor() as cursor:
        found = table_counts(cursor)
    expected = manifest["tables"]
    return [
        f"{table}: expected {expected.get(table)}, found {found.get(table)}"
        for table in sorted(set(expected) | set(found))
        if expected.get(table) != found.get(table)
    ]


def hold_waiting(manifest: dict, *, keep: bool) -> int:
    """Outbox rows waiting at backup time: held (failed, with the reason) unless keep, when only
    claims of workers that no longer exist are dropped. Returns how many rows were changed."""
    waiting = Notification.objects.filter(status__in=(NotificationStatus.PENDING, NotificationStatus.SENDING))
    if keep:
        return waiting.filter(status=NotificationStatus.SENDING).update(
            status=NotificationStatus.PENDING, claimed_at=None, claimed_by="", queued_at=None
        )
    at = manifest["created_at"]
    with contextlib.suppress(ValueError):
        at = datetime.datetime.fromisoformat(at).strftime("%d/%m/%Y %H:%M UTC")
    return waiting.update(
        status=NotificationStatus.FAILED, last_error=HELD.format(at=at), claimed_at=None, claimed_by="", queued_at=None
    )


NIGHTLY_PREFIX = "chibo-"


def backup_nightly(*, directory: Path, keep_days: int, today: datetime.date) -> Path:
    """Write today's archive into ``directory`` (complete or not at all) and delete the archives
    of this series older than ``keep_days`` days. Returns the archive written."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{NIGHTLY_PREFIX}{today.isoformat()}.tar"
    partial = target.with_suffix(".tar.partial")
    with tempfile.TemporaryDirectory(prefix="chibo-backup-") as work, partial.open("wb") as file:
        write_backup(file, work=Path(work))
    partial.replace(target)
    oldest_kept = today - datetime.timedelta(days=keep_days - 1)
    for archive in directory.glob(f"{NIGHTLY_PREFIX}*.tar"):
        try:
            day = datetime.date.fromisoformat(archive.stem.removeprefix(NIGHTLY_PREFIX))
        except ValueError:
            continue  # not one of ours
        if day < oldest_kept:
            archive.unlink()
    return target
