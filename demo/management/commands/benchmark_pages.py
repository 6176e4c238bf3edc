from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo import benchmark
from demo.benchmark import HEADER, dashboard_url, run, summary
from members.access import system_scope


class Command(BaseCommand):
    # argparse needs plain strings, so help is not translated (as in Django's own commands).
    help = (
        "Request the main pages of the generated province (seed_scale) as its leader, a commune's staff and the "
        "secretary of its largest branch, through Django's test client; print p50/p95 server time, queries, HTML "
        "size and the SQL time per page. The roll tap writes marks on the largest branch's latest meeting."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page (default 20).")
        parser.add_argument("--warmup", type=int, default=2, help="Untimed requests first (default 2).")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="Instead of timing: EXPLAIN ANALYZE each page's queries (PostgreSQL) and list sequential "
            "scans over members, meetings or roll marks.",
        )
        parser.add_argument(
            "--skip", action="append", default=[], help='Leave out pages whose "persona page" contains this text.'
        )

    def handle(self, *args, repeat, warmup, skip, explain, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to run in production mode (DEBUG is off): the roll taps write marks.")
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        if "127.0.0.1" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            raise CommandError("ALLOWED_HOSTS must allow 127.0.0.1: the test client uses it as the host.")

        def say(text: str) -> None:
            self.stdout.write(text)
            self.stdout.flush()

        if explain:
            if connection.vendor != "postgresql":
                raise CommandError("--explain needs PostgreSQL.")
            with system_scope():
                scans = benchmark.explain(skip=tuple(skip), say=say)
            self.stdout.write(f"{scans} plans with a sequential scan over members, meetings or roll marks.")
            return
        if dashboard_url() is None:
            say("No dashboard page (URL name oversight:overview) yet: its figure is n/a.")
        say(HEADER)
        try:
            with system_scope():
                results = run(repeat=repeat, warmup=warmup, skip=tuple(skip), say=say)
        except LookupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(summary(results))
