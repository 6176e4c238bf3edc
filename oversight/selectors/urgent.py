"""Commune staff's and leaders' most urgent flags, for the home page (``oversight.home``).

``urgent_flags`` runs 6 queries (counting the branches; then ``branch_flags``: the branches, their
rules, meetings, roll marks and members), or just the count when there are too many branches to
rank on a home page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from meetings import access
from oversight.selectors import flags as flag_selectors

URGENT_FLAGS = 3


@dataclass
class UrgentFlags:
    rows: list[flag_selectors.BranchFlags]
    flagged: int
    branches: int
    ranked: bool  # False: too many branches to rank here; the flags page does it page by page


# Above this many branches (a whole province) the home page does not rank them: the flags page does.
RANK_UP_TO = 400


def urgent_flags(user, *, now: datetime.datetime, today: datetime.date) -> UrgentFlags | None:
    """The few branches with the most serious flags over the flags page's default period, for
    commune staff and leaders."""
    if not access.can_see_flags(user):
        return None
    branches = access.overseen_branches(user)
    count = branches.count()
    if count == 0:
        return None
    if count > RANK_UP_TO:
        return UrgentFlags(rows=[], flagged=0, branches=count, ranked=False)
    period = flag_selectors.Period.ending(today)
    ranked = flag_selectors.rank_branches(flag_selectors.branch_flags(branches=branches, period=period, now=now))
    flagged = [row for row in ranked if row.flag_count]
    return UrgentFlags(rows=flagged[:URGENT_FLAGS], flagged=len(flagged), branches=count, ranked=True)
