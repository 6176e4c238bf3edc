"""The roll of one meeting as pages and documents show it: entries, counts, flags and history.
Reads here run a fixed number of queries whatever the size of the branch.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.counting import (
    ListedMember,
    MemberFacts,
    RollCounts,
    RollEntry,
    absence_runs,
    count_entries,
    counts_for_runs,
    meeting_order,
    roll_people,
    runs_over_the_limit,
    standing_on,
)
from meetings.models import (
    Attendance,
    Category,
    KeyedWrite,
    Meeting,
    MeetingRules,
)
from members.models import Member, Organization


@dataclass(frozen=True)
class RollSummary:
    """What the minutes and the resolution say about the roll (from meetings.roll.count_roll)."""

    expected: int
    present: int
    present_full: int
    present_probationary: int
    present_attached: int
    absent: int
    absent_excused: int
    absent_unexcused: int
    rate: float | None
    absentees: list  # meetings.roll.Absentee: name, excused, reason
    # The vote: full members present who vote, and the voting base (counting.Standing.in_voting_base).
    voters: int = 0
    voting_base: int = 0


def roll_summary(meeting: Meeting) -> RollSummary:
    counts = count_roll(meeting)
    present_by = counts.present_by_category
    return RollSummary(
        expected=counts.expected,
        present=counts.present,
        present_full=present_by.get(Category.FULL, 0),
        present_probationary=present_by.get(Category.PROBATIONARY, 0),
        present_attached=present_by.get(Category.ATTACHED, 0),
        absent=counts.absent,
        absent_excused=counts.absent_excused,
        absent_unexcused=counts.absent_unexcused,
        rate=counts.rate,
        absentees=list(counts.absentees),
        voters=counts.voters,
        voting_base=counts.voting_base,
    )


@dataclasses.dataclass
class RollSheet:
    """The whole roll of a meeting: expected members, the others, and the counts."""

    meeting: Meeting
    entries: list[RollEntry]
    counts: RollCounts

    @property
    def expected(self) -> list[RollEntry]:
        return [e for e in self.entries if not e.excluded]

    @property
    def others(self) -> list[RollEntry]:
        """Exempt and transferred-out members: not expected, counted only if they attend."""
        return [e for e in self.entries if e.excluded]

    def position_of(self, member_id: int) -> tuple[RollEntry, int]:
        """A member's entry and its number in its list (expected, or the others)."""
        for group in (self.expected, self.others):
            for number, entry in enumerate(group, 1):
                if entry.member.pk == member_id:
                    return entry, number
        raise KeyError(member_id)


def _entries(meeting: Meeting, *, row=ListedMember) -> list[RollEntry]:
    """Two queries: the candidates and this meeting's marks (as rows with ``mark``, ``category``
    and ``reason``, not model instances: a roll has up to 300 of them). The members are rows of
    ``row``'s fields (``ListedMember``: labelled to tell namesakes apart; ``MemberFacts``: for
    counting alone), or ``Member`` instances when ``row`` is None."""
    day = meeting.day
    marks = {
        row.member_id: row
        for row in Attendance.objects.filter(meeting=meeting).values_list(
            "member_id", "mark", "category", "reason", named=True
        )
    }
    entries = []
    candidates = roll_people(meeting)
    if row is not None:
        candidates = (row(*values) for values in candidates.values_list(*row.FIELDS))
    for member in candidates:
        attendance = marks.get(member.pk)
        if attendance is None:
            standing = standing_on(member, day, None, branch_id=meeting.branch_id)
        else:
            standing = standing_on(member, day, attendance.mark, attendance.category, branch_id=meeting.branch_id)
        if standing is not None:  # None: not on this roll (left before the day, joined after it, …)
            entries.append(RollEntry(member=member, standing=standing, attendance=attendance))
    if row is MemberFacts:
        return entries
    # Two members with the same name are told apart by birth year and hamlet.
    labels = Member.labels(entry.member for entry in entries)
    for entry in entries:
        entry.label = labels[entry.member.pk]
    return entries


def roll_sheet(meeting: Meeting) -> RollSheet:
    entries = _entries(meeting)
    return RollSheet(meeting=meeting, entries=entries, counts=count_entries(entries))


def expected_members(meeting: Meeting) -> list[Member]:
    """Members counted as expected: on the roll that day, less exempt and transferred out who did not attend."""
    return [e.member for e in _entries(meeting, row=None) if e.expected]


def count_roll(meeting: Meeting) -> RollCounts:
    """The roll's counts; the absentees' runs of absences (for Good, ``counting.score_level``)
    are read only if asked for (``RollCounts.runs``: one more query then)."""
    counts = count_entries(_entries(meeting, row=MemberFacts))
    if counts.absentees:
        ids = [a.member_id for a in counts.absentees]
        counts.runs = functools.cache(lambda: absences_in_a_row(meeting.branch, meeting, member_ids=ids))
    return counts


def absences_in_a_row(
    branch: Organization, until_meeting: Meeting, member_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Per member id, how many meetings in a row they have been absent, counting back from
    ``until_meeting`` (``absence_runs``: a run goes on across 1 January). Cancelled and postponed
    meetings are skipped, except ``until_meeting`` itself. With ``member_ids`` (not empty), only those
    members' marks are read (each member's run depends on their own marks alone). One query: the
    marks of the branch's meetings up to that one, each with what ordering and counting read of
    its meeting (a meeting without any of these marks changes no run)."""
    last = meeting_order(until_meeting)
    start = until_meeting.actual_start or until_meeting.planned_start
    rows = Attendance.objects.filter(meeting__branch=branch).filter(
        Q(meeting__planned_start__lte=start) | Q(meeting__actual_start__lte=start)
    )
    member_ids = list(member_ids or ())
    if member_ids:
        rows = rows.filter(member_id__in=member_ids)
    meetings: dict[int, Meeting] = {until_meeting.pk: until_meeting}
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    fields = ("meeting_id", "member_id", "mark", "meeting__status", "meeting__planned_start", "meeting__actual_start")
    for meeting_id, member_id, mark, status, planned_start, actual_start in rows.values_list(*fields):
        if meeting_id not in meetings:
            meetings[meeting_id] = Meeting(
                pk=meeting_id, status=status, planned_start=planned_start, actual_start=actual_start
            )
        marks[meeting_id][member_id] = mark
    held = sorted(
        (m for m in meetings.values() if m.pk != until_meeting.pk and counts_for_runs(m) and meeting_order(m) <= last),
        key=meeting_order,
    )
    held.append(until_meeting)
    *_, runs = absence_runs((m.day, marks[m.pk]) for m in held)  # the runs after the last one
    return runs


def roll_flags(meeting: Meeting, counts: RollCounts) -> list[str]:
    """What the commune looks for. Nothing until the roll has been taken."""
    if not counts.marked:
        return []
    rules = MeetingRules.objects.for_branch(meeting.branch)
    flags = []
    unexcused = counts.unexcused_absentees
    if unexcused:
        flags.append(
            ngettext(
                "%(count)d absent without reason: %(names)s.",
                "%(count)d absent without reason: %(names)s.",
                len(unexcused),
            )
            % {"count": len(unexcused), "names": ", ".join(a.name for a in unexcused)}
        )
    limit = rules.max_absences_in_row
    runs = absences_in_a_row(meeting.branch, meeting, member_ids=[a.member_id for a in counts.absentees])
    for absentee, run in runs_over_the_limit(counts.absentees, runs, limit):
        flags.append(
            _("%(name)s has been absent %(count)d meetings in a row (more than %(limit)d).")
            % {"name": absentee.name, "count": run, "limit": limit}
        )
    if counts.rate_below(rules.min_attendance_rate):
        flags.append(
            _("Attendance %(rate)s%% is below %(minimum)d%%.")
            % {"rate": formats.number_format(counts.rate, 1), "minimum": rules.min_attendance_rate}
        )
    return flags


def roll_changes(meeting: Meeting, limit: int = 50) -> list:
    """The latest changes to a meeting's marks, who made them and when. One query."""
    return list(
        Attendance.history.filter(meeting_id=meeting.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def not_applied(meeting: Meeting, limit: int = 50) -> list:
    """The writes a phone sent for this meeting that were not applied, and why (meetings.offline):
    a mark tapped before the one saved, a change made before the minutes were adopted. One query."""
    return list(
        KeyedWrite.objects.filter(meeting_id=meeting.pk)
        .exclude(outcome=KeyedWrite.Outcome.APPLIED)
        .select_related("user")
        .order_by("-received_at", "-pk")[:limit]
    )
