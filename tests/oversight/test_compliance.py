"""The flags and the monthly summaries judge by the same rules (``oversight.compliance``): on the
demo's seeded commune, built through the services, they flag the same branches for the same months."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from meetings.months import add_months
from members.models import Organization, OrganizationKind
from oversight.models import BranchMonth
from oversight.selectors.flags import Period, State, branch_flags

from ..meetings.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.system_scope]

TODAY = datetime.date(2026, 11, 23)
# Whole months that are over, from January: the summaries' last twelve months cover them.
PERIOD = Period(first=datetime.date(2026, 1, 1), last=datetime.date(2026, 10, 1))


@time_machine.travel(at(TODAY, 9), tick=False)
def test_flags_and_monthly_summaries_flag_the_same_branches(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--force", verbosity=0)  # computes the summaries, as in production
    branches = list(Organization.objects.filter(kind=OrganizationKind.BRANCH).order_by("path"))
    flags = {row.branch.pk: row for row in branch_flags(branches=branches, period=PERIOD)}
    summaries = {(row.branch_id, row.month): row for row in BranchMonth.objects.filter(month__in=PERIOD.months)}
    assert len(summaries) == len(branches) * len(PERIOD.months)

    for name, by_flags, by_summaries in [
        (
            "no meeting",
            {(pk, cell.month) for pk, row in flags.items() for cell in row.months if cell.state == State.MISSING},
            {key for key, row in summaries.items() if not row.met},
        ),
        (
            "too short",
            {(pk, issue.meeting.month) for pk, row in flags.items() for issue in row.too_short},
            {key for key, row in summaries.items() if row.meetings_short},
        ),
        (
            "no thematic meeting in the quarter",
            {(pk, cell.start) for pk, row in flags.items() for cell in row.quarters if cell.state == State.MISSING},
            {
                (branch_id, add_months(month, -2))
                for (branch_id, month), row in summaries.items()
                if month.month % 3 == 0 and not row.thematic_in_quarter
            },
        ),
    ]:
        assert by_flags == by_summaries, name
        assert by_flags, f"the demo has no '{name}' to compare"
