"""`manage.py restore FILE`: a backup into an empty database, checked against its manifest."""

import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from notifications import backups


class Command(BaseCommand):
    help = (
        "Restore a `manage.py backup` archive into this site's database (which must be empty unless --force) "
        "and MEDIA_ROOT, check every table's row count against the manifest, and hold the outbox rows that "
        "were waiting to be sent at backup time (failed, with the reason; staff retry what should still go)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive, or - for standard input")
        parser.add_argument("--force", action="store_true", help="replace a database that is not empty")
        parser.add_argument(
            "--keep-pending", action="store_true", help="send the rows that were waiting instead of holding them"
        )

    def handle(self, *args, archive, force, keep_pending, **options):
        if not force and not backups.database_is_empty():
            raise CommandError("The database is not empty: restore into a new database, or pass --force to replace it.")
        with tempfile.TemporaryDirectory(prefix="chibo-restore-") as work:
            try:
                if archive == "-":
                    manifest = backups.read_archive(sys.stdin.buffer, work=Path(work))
                else:
                    with Path(archive).open("rb") as file:
                        manifest = backups.read_archive(file, work=Path(work))
                backups.restore_database(manifest, Path(work), force=force)
            except (backups.BackupError, OSError) as error:
                raise CommandError(str(error)) from error
            media = backups.restore_media(Path(work))
        differences = backups.compare_counts(manifest)
        if differences:
            raise CommandError("Restored, but the counts differ from the manifest:\n" + "\n".join(differences))
        changed = backups.hold_waiting(manifest, keep=keep_pending)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored {len(manifest['tables'])} tables ({rows} rows, as in the manifest) and {media} media files "
            f"from the backup of {manifest['created_at']}"
        )
        if keep_pending:
            self.stdout.write(f"Outbox: the rows waiting at backup time will be sent ({changed} claims dropped)")
        else:
            self.stdout.write(f"Outbox: {changed} rows waiting at backup time held as failed; retry what should go")
