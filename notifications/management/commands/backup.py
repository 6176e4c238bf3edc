"""`manage.py backup --output FILE`: the database, the uploaded files and a manifest, in one archive."""

import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from notifications.backups import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, or SQLite's online backup) and the uploaded files into one tar "
        "archive with a manifest of row counts. Consistent while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="the archive to write, or - for standard output")

    def handle(self, *args, output, **options):
        with tempfile.TemporaryDirectory(prefix="chibo-backup-") as work:
            try:
                if output == "-":
                    manifest = write_backup(sys.stdout.buffer, work=Path(work))
                else:
                    partial = Path(f"{output}.partial")
                    with partial.open("wb") as file:
                        manifest = write_backup(file, work=Path(work))
                    partial.replace(output)  # a complete archive, or none
            except BackupError as error:
                raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        summary = (
            f"Backed up {len(manifest['tables'])} tables ({rows} rows), {manifest['media_files']} media files, "
            f"{manifest['outbox_waiting']} outbox rows waiting to be sent"
        )
        self.stderr.write(summary) if output == "-" else self.stdout.write(f"{summary} to {output}")
