from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.scale import SCALE_PASSWORD, seed_scale
from members.access import system_scope
from members.models import RoleKind
from oversight.services.summaries import branch_months_refresh_recent


class Command(BaseCommand):
    # argparse needs plain strings, so help is not translated (as in Django's own commands).
    help = (
        "Generate a province for measuring the pages at scale: communes of 20-40 branches, branches of 9-300 "
        "members, months of meetings with roll marks and minutes, users at every level. Idempotent (a second run "
        "builds nothing; --rebuild replaces what it built). Refused when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100_000)
        parser.add_argument("--branches", type=int, default=3_000)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--rebuild", action="store_true", help="Delete the generated province and build it again.")

    def handle(self, *args, members, branches, months, rebuild, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to generate a province in production mode (DEBUG is off): it adds invented members "
                "and logins with a published password."
            )
        if members < 1 or branches < 1 or months < 1:
            raise CommandError("--members, --branches and --months must be positive.")
        verbose = options["verbosity"] >= 1

        def say(text: str) -> None:
            if verbose:
                self.stdout.write(text)
                self.stdout.flush()

        say(f"Building a province of {members} members in {branches} branches, {months} months of meetings…")
        try:
            with system_scope():
                built = seed_scale(
                    members=members,
                    branches=branches,
                    months=months,
                    today=timezone.localdate(),
                    rebuild=rebuild,
                    say=say,
                )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if not built.skipped:
            say(
                f"Built {built.organizations} organisations, {built.members} members, {built.users} users, "
                f"{built.meetings} meetings and {built.marks} roll marks."
            )
            # Computed now rather than by the every-minute refresh: the pages are read right after.
            say("Computing the dashboard's monthly summaries…")
            with system_scope():
                rows = branch_months_refresh_recent(today=timezone.localdate(), count=months)
            say(f"{rows} monthly summaries.")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Logins (password for all: {SCALE_PASSWORD})"))
        for login in built.logins:
            self.stdout.write(f"  {login.username} — {RoleKind(login.role).label} — {login.organization}")
        self.stdout.write("  scale-cNNN-staff / scale-cNNN-leader for commune NNN, scale-bNNNNN-sec for branch NNNNN")
