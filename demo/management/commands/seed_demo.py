from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from demo.meetings import records_refreeze, seed_meetings_demo
from demo.members import seed_demo
from demo.petitions import seed_petitions_demo
from demo.residence import seed_residence_demo
from members.access import system_scope
from members.models import RoleKind
from notifications.services import recording_history
from oversight.services.summaries import branch_months_refresh_recent


class Command(BaseCommand):
    # argparse needs plain strings, so help is not translated (as in Django's own commands).
    help = (
        "Load demo organisations, members and logins (invented people). Safe to run again: "
        "nothing that exists is changed. Refuses to run when DEBUG is off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even in production mode (DEBUG off). Demo logins share a published password.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "Refusing to load demo data in production mode (DEBUG is off): it adds invented "
                    "members and accounts with a published password. Use --force if you really mean it."
                )
            )
        # A command acts for nobody in particular: it sees and writes every branch. What it
        # enters happened in the past: members find it in their inbox, no email or SMS goes out.
        with system_scope(), recording_history():
            result = seed_demo(stdout=self.stdout if options["verbosity"] >= 1 else None)
            started = timezone.now()
            seed_meetings_demo(today=timezone.localdate())
            seed_petitions_demo(today=timezone.localdate())
            seed_residence_demo(today=timezone.localdate())
            records_refreeze(since=started)
            # The leaders' dashboard reads monthly summaries: the last twelve months, computed now.
            branch_months_refresh_recent(today=timezone.localdate(), count=12)
        created = result["created"]
        self.stdout.write(
            _(
                "Demo data ready. Created %(organizations)d organisations, %(members)d members, "
                "%(positions)d positions and %(users)d users (0 everywhere means it was all there already)."
            )
            % created
        )
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Demo logins (password for all: %(password)s)") % result))
        for login in result["logins"]:
            self.stdout.write(
                _("  %(username)s / %(password)s — %(role)s — %(organization)s — %(name)s, %(title)s")
                % {**login, "password": result["password"], "role": RoleKind(login["role"]).label}
            )
        if result["admin_created"]:
            self.stdout.write(_("  admin / %(password)s — superuser (created now: the site had no superuser)") % result)
        else:
            self.stdout.write(_("  No superuser was created: one already exists (or the name admin is taken)."))
