"""Which branches' monthly summaries are older than the records they count, found by comparing
timestamps: no signal, no registry, nothing meetings must know about oversight.

Meetings stamps what changes: ``Meeting.records_changed_at`` on every save of a meeting or of its
roll, guests, agenda and minutes (and by the services that change those in bulk), and
``CadreAssignment.changed_at``. A summary (``BranchMonth``) keeps ``refreshed_at``, the moment
its refresh began. ``stale_branch_months`` compares the two in two queries, over what changed in
the last ``LOOKBACK`` (an index on the stamp), and ``oversight.tasks.refresh_changed_branch_months``
(every minute, chibo/celery.py) refreshes what it finds. So a change shows on the dashboard within
a minute or two, a worker that was down catches up when it comes back, and a roll of hundreds of
taps costs one refresh, whatever the number of processes.

A month is stale when one of its meetings changed after its summary's refresh began, less
``COMMIT_MARGIN``: a change is stamped when its statement runs, and a refresh that began before
the change committed may not have read it (it is refreshed once more on the next run). A stale
month brings the later months of its quarter that have begun (``thematic_in_quarter`` counts the
quarter so far); a changed assignment, the branch's last ``ASSIGNMENT_MONTHS`` months.

What no stamp sees (a member made exempt, guidance published, the month a meeting moved away
from) is caught by the nightly refresh of the last months (``refresh_recent_branch_months``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import OuterRef, Subquery

from meetings.models import CadreAssignment, Meeting
from meetings.months import add_months, first_of_month
from oversight.models import BranchMonth
from oversight.services.summaries import months_touched

# How far back a run looks for changes (a worker down longer than this waits for the night).
LOOKBACK = datetime.timedelta(days=2)
# A change stamped this long before a refresh began may not have been committed when it read.
COMMIT_MARGIN = datetime.timedelta(seconds=30)
# How far back a changed cadre assignment refreshes months (its dates may have moved either way).
ASSIGNMENT_MONTHS = 12


def stale_branch_months(*, now: datetime.datetime, today: datetime.date) -> dict[int, list[datetime.date]]:
    """{branch: months} whose summary is missing or older than a change to the branch's meetings
    or cadre assignments in the last ``LOOKBACK``; two queries."""
    since = now - LOOKBACK
    stale: dict[int, set[datetime.date]] = defaultdict(set)

    summary = BranchMonth.objects.filter(branch=OuterRef("branch_id"), month=OuterRef("month"))
    changed = (
        Meeting.objects.filter(records_changed_at__gte=since)
        .annotate(refreshed=Subquery(summary.values("refreshed_at")[:1]))
        .values_list("branch_id", "month", "records_changed_at", "refreshed")
        .order_by()
    )
    for branch_id, month, changed_at, refreshed in changed:
        if _older(refreshed, changed_at):
            stale[branch_id].update(months_touched(month, today=today))

    current = first_of_month(today)
    this_month = BranchMonth.objects.filter(branch=OuterRef("branch_id"), month=current)
    assignments = (
        CadreAssignment.objects.filter(changed_at__gte=since)
        .annotate(refreshed=Subquery(this_month.values("refreshed_at")[:1]))
        .values_list("branch_id", "changed_at", "refreshed")
        .order_by()
    )
    for branch_id, changed_at, refreshed in assignments:
        if _older(refreshed, changed_at):
            stale[branch_id].update(add_months(current, -back) for back in range(ASSIGNMENT_MONTHS))
    return {branch_id: sorted(months) for branch_id, months in stale.items() if months}


def _older(refreshed: datetime.datetime | None, changed_at: datetime.datetime) -> bool:
    return refreshed is None or refreshed <= changed_at + COMMIT_MARGIN
