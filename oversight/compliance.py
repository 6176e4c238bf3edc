"""The compliance rules that the flags (``oversight.selectors.flags``) and the monthly summaries
(``oversight.services.summaries``, the dashboard) both judge branches by, in one place: when a
month has its meeting, when a quarter has its thematic meeting, when a meeting is too short, and
how a held meeting's roll is counted from rows fetched once for many meetings.

The thresholds are the commune's ``MeetingRules``; the counting of people is ``meetings.counting``
(docs/domain.md). Both readers fetch rows in a fixed number of queries and call these per meeting.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q

from meetings import counting
from meetings.models import REGULAR_KINDS, THEMATIC_KINDS, Attendance, Meeting, MeetingKind, MeetingRules, MeetingStatus
from members.access import branches_q
from members.models import Member, Organization

# A meeting counts once it was held (held, or its minutes adopted), by the month it is for.
HELD_STATUSES = (MeetingStatus.HELD, MeetingStatus.ADOPTED)

# Kinds that are "the month's meeting" and so must be long enough, prepared and minuted in time.
# (Extraordinary meetings count for the roll only: they are called at short notice.)
ORDINARY_KINDS = (MeetingKind.REGULAR, MeetingKind.THEMATIC, MeetingKind.COMBINED)


def is_held(meeting: Meeting) -> bool:
    return meeting.status in HELD_STATUSES


def month_met(meetings: list[Meeting]) -> bool:
    """A month has its meeting when a regular one (regular, or regular and thematic in one
    session) of that month was held. ``meetings``: the branch's meetings for the month."""
    return any(m.kind in REGULAR_KINDS and is_held(m) for m in meetings)


def thematic_held(meetings: list[Meeting], start: datetime.date, end: datetime.date) -> list[Meeting]:
    """The held thematic meetings (thematic, or combined) for the months ``start`` (included) to
    ``end`` (excluded): a quarter has its thematic meeting when there is one."""
    return [m for m in meetings if m.kind in THEMATIC_KINDS and is_held(m) and start <= m.month < end]


def minimum_minutes(meeting: Meeting, rules: MeetingRules) -> int:
    """The shortest a meeting of this kind may be (longer for a combined session)."""
    return rules.min_minutes_combined if meeting.kind == MeetingKind.COMBINED else rules.min_minutes


def is_timed(meeting: Meeting) -> bool:
    """An ordinary meeting whose length is known: one the length rule can judge."""
    return meeting.kind in ORDINARY_KINDS and meeting.duration_minutes is not None


def too_short(meeting: Meeting, rules: MeetingRules) -> tuple[int, int] | None:
    """(length, minimum) when the meeting is an ordinary one shorter than the minimum; None when
    it is long enough, of unknown length, or extraordinary."""
    if not is_timed(meeting):
        return None
    length, minimum = meeting.duration_minutes, minimum_minutes(meeting, rules)
    return (length, minimum) if length < minimum else None


def roll_figures(
    meeting: Meeting,
    marks: dict[int, str],
    people: dict[int, counting.Countable],
    categories: dict[int, str] | None = None,
) -> counting.RollCounts:
    """``meetings.selectors.roll.count_roll`` of one meeting from rows already fetched: ``marks`` and the
    ``categories`` kept with them by member id, ``people`` the branch's members by id."""
    day = meeting.day
    categories = categories or {}
    entries = []
    for pk, person in people.items():
        standing = counting.standing_on(person, day, marks.get(pk), categories.get(pk), branch_id=meeting.branch_id)
        if standing is not None:
            entries.append(counting.RollEntry(member=person, standing=standing))
    return counting.count_entries(entries)


def roll_marks(meeting_ids: list[int]) -> tuple[dict[int, dict[int, str]], dict[int, dict[int, str]]]:
    """{meeting: {member: mark}} and {meeting: {member: category kept with the mark}}; one query."""
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    categories: dict[int, dict[int, str]] = defaultdict(dict)
    rows = Attendance.objects.filter(meeting_id__in=meeting_ids).values_list(
        "meeting_id", "member_id", "mark", "category"
    )
    for meeting_id, member_id, mark, category in rows:
        marks[meeting_id][member_id] = mark
        categories[meeting_id][member_id] = category
    return marks, categories


def branch_people(branches: list[Organization] | list[int]) -> dict[int, dict[int, counting.MemberFacts]]:
    """{branch: {member: what the counting rules read of them}}, members temporarily transferred
    to a branch listed under it too (``standing_on`` decides on which days they count), each
    branch's in name order; one query. ``branches``: organisations, or their ids (the monthly
    summaries)."""
    people: dict[int, dict[int, counting.MemberFacts]] = defaultdict(dict)
    if branches and isinstance(branches[0], Organization):
        own_q, visiting_q = branches_q(branches), branches_q(branches, "away_branch__")
        wanted = {branch.pk for branch in branches}
    else:
        own_q, visiting_q = Q(branch_id__in=branches), Q(away_branch_id__in=branches)
        wanted = set(branches)
    # Own members and visitors in two halves of a UNION: one filter ORing the two branch columns
    # made PostgreSQL hash the province's organisations twice for the scope (10 ms at 30,000).
    # UNION ALL: someone listed in both halves comes twice, next to each other, and is kept once.
    facts = (*counting.MemberFacts.FIELDS, "name_key")
    own = Member.objects.filter(own_q).values_list(*facts).order_by()
    visiting = Member.objects.filter(visiting_q).values_list(*facts).order_by()
    for row in own.union(visiting, all=True).order_by("name_key", "pk"):
        person = counting.MemberFacts(*row[:-1])  # (FIELDS are in the order of its fields)
        branch_id, away_branch_id = person.branch_id, person.away_branch_id
        if branch_id in wanted:
            people[branch_id][person.pk] = person
        if away_branch_id is not None and away_branch_id != branch_id and away_branch_id in wanted:
            people[away_branch_id][person.pk] = person
    return people
