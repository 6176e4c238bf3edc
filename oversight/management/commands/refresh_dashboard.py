from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import system_scope
from oversight.services.summaries import branch_months_refresh_recent


class Command(BaseCommand):
    # argparse needs plain strings, so help is not translated (as in Django's own commands).
    help = (
        "Recompute the dashboard's monthly summaries of every branch for the current month and the "
        "months before it (after an upgrade, an import or a bulk load). Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=12, help="How many months back, this one included.")

    def handle(self, *args, months=12, **options):
        if months < 1:
            raise CommandError(_("--months must be at least 1."))
        with system_scope():
            written = branch_months_refresh_recent(today=timezone.localdate(), count=months)
        self.stdout.write(_("%(rows)d monthly summaries written.") % {"rows": written})
