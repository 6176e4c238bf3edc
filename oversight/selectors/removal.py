"""The commune's removal list (docs/domain.md#removal-from-the-register): the members with grounds
to consider removing them from the register (xóa tên), the months and meetings behind each, and
what was decided, by whom and when. Three queries whatever the number of branches or members:

1. the absences without reason from meetings of the branches that took place (or may yet), in
   the twelve months before the period and the period itself;
2. what the counting rules read of the members absent (who was expected on each day);
3. the decisions recorded about them, with who recorded each.

The rule is ``counting.removal_grounds`` (calendar months within any twelve months, across year
ends), the same the flags page shows; only absences from meetings the member was expected at count
(``counting.standing_on``). Members who have left the register are not listed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from meetings import counting
from meetings.models import Attendance, Mark
from meetings.months import add_months
from members.models import Member, Organization
from members.names import person_name
from oversight.models import RemovalDecision
from oversight.selectors.flags import Period


@dataclass
class Absence:
    day: datetime.date
    meeting_id: int


@dataclass
class RemovalCase:
    """One member on the list: the absences behind the grounds, and the decisions so far."""

    member_id: int
    name: str
    branch_id: int
    branch_name: str
    branch_path: str
    absences: list[Absence]
    decisions: list[RemovalDecision] = field(default_factory=list)

    @property
    def months(self) -> list[datetime.date]:
        """The calendar months (their first days) with an absence without reason."""
        return sorted({a.day.replace(day=1) for a in self.absences})

    @property
    def count(self) -> int:
        return len(self.months)

    @property
    def latest(self) -> RemovalDecision | None:
        return self.decisions[-1] if self.decisions else None


def removal_list(*, branches: QuerySet[Organization], period: Period) -> list[RemovalCase]:
    """The members of ``branches`` absent without reason in three calendar months within twelve
    months, the window ending in a month of ``period``; by branch, then name. Three queries."""
    window_start = add_months(period.first, -(counting.REMOVAL_WINDOW_MONTHS - 1))
    rows = list(
        Attendance.objects.filter(
            mark=Mark.UNEXCUSED,
            meeting__branch__in=branches,
            meeting__month__gte=window_start,
            meeting__month__lte=period.last,
        )
        .exclude(meeting__status__in=counting.NOT_HELD)
        .values_list("member_id", "meeting_id", "meeting__branch_id", "meeting__actual_start", "meeting__planned_start")
        .order_by()
    )
    if not rows:
        return []
    facts = (*counting.MemberFacts.FIELDS, "branch__name", "branch__path")
    today = timezone.localdate()
    people = {
        row[0]: (counting.MemberFacts(*row[:-2]), row[-2], row[-1])
        for row in Member.objects.filter(pk__in={row[0] for row in rows}).values_list(*facts).order_by()
    }
    zone = timezone.get_current_timezone()
    absences_of: dict[int, list[Absence]] = defaultdict(list)
    for member_id, meeting_id, branch_id, actual, planned in rows:
        found = people.get(member_id)
        if found is None:
            continue
        person = found[0]
        if person.left_on is not None and person.left_on <= today:
            continue  # off the register already
        day = (actual or planned).astimezone(zone).date()
        standing = counting.standing_on(person, day, Mark.UNEXCUSED, branch_id=branch_id)
        if standing is None or not standing.expected:
            continue  # not expected that day (exempt, away, not on the roll): not an absence
        absences_of[member_id].append(Absence(day=day, meeting_id=meeting_id))
    cases = []
    for member_id, absences in absences_of.items():
        days = counting.removal_grounds([a.day for a in absences], period.first, period.last)
        if not days:
            continue
        wanted = set(days)
        person, branch_name, branch_path = people[member_id]
        cases.append(
            RemovalCase(
                member_id=member_id,
                name=person.full_name,
                branch_id=person.branch_id,
                branch_name=branch_name,
                branch_path=branch_path,
                absences=sorted((a for a in absences if a.day in wanted), key=lambda a: (a.day, a.meeting_id)),
            )
        )
    by_member = {case.member_id: case for case in cases}
    if by_member:
        decisions = RemovalDecision.objects.filter(member_id__in=by_member).select_related("by__member")
        for decision in decisions.order_by("at", "pk"):
            decision.by_name = person_name(decision.by)
            by_member[decision.member_id].decisions.append(decision)
    return sorted(cases, key=lambda case: (case.branch_name, case.name, case.member_id))
