"""Create the coming months' regular branch meetings. Safe to run any number of times."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings.access import system_scope
from meetings.services.schedule import schedule_regular_meetings


class Command(BaseCommand):
    help = "Create each branch's regular meetings for this month and the next N months (default 2)."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=2, help="How many months ahead to schedule (default 2).")

    def handle(self, *args, months, **options):
        if months < 0:
            raise CommandError("--months cannot be negative.")
        with system_scope():  # every branch, for nobody in particular
            created = schedule_regular_meetings(months_ahead=months, today=timezone.localdate())
        self.stdout.write(f"Created {created} meeting(s).")
