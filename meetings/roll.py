"""Roll call, guests and the higher-level cadres who follow branches.

Counting rules (DOMAIN.md, "Attendance"):

- A meeting's roll is the branch's members *on the meeting day*: joined the branch on or
  before the day (or no date known) and not left by then. Today's list does not matter.
- Members exempt from meetings on that day, and members transferred out on or before it,
  are left out of the number expected, unless they attended: then they count as expected
  and present.
- Present, late and left early all count as present. Each mark keeps the member's category
  on the day (full, probationary, temporarily attached), so later changes don't rewrite it.
- Attendance rate = present / expected × 100, one decimal, rounded half up.
- A member absent (with or without reason) more than N meetings in a row within a calendar
  year is flagged; present breaks the run, no mark neither breaks nor extends it.

These rules live in the pure functions ``standing_on`` and ``absence_runs``: the roll and
meeting pages (``count_roll``, ``roll_flags``) and the flags page (``meetings.oversight``) both
count with them. Reads here run a fixed number of queries whatever the size of the branch.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from members import scope
from members.models import LeaveReason, Member, MemberStatus, Organization, Role, RoleKind

from .models import (
    PRESENT_MARKS,
    Attendance,
    CadreAssignment,
    Category,
    Guest,
    Mark,
    Meeting,
    MeetingRules,
    MeetingStatus,
)

# Members transferred out this long before a meeting are still listed on its roll page (in case
# they come back for it); older transfers appear only if they were marked present.
TRANSFER_WINDOW = datetime.timedelta(days=366)

# Meetings that did not take place: they neither count for cadres nor break absence runs.
NOT_HELD = (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED)


class RollRefused(PermissionDenied):
    """The user may not change this record (outside scope, or locked after the minutes were adopted)."""


# --- The counting rules: pure functions, the one home of DOMAIN.md "Attendance" ------------
#
# ``standing_on`` says how one member counts at one meeting and ``absence_runs`` how long each
# member has been absent in a row. Both read only values already loaded, so the roll page
# (``count_roll``, two queries per meeting) and the flags page (``meetings.oversight``, rows
# fetched once for many branches) count with the same code.

# Why a member is left out of the number expected unless they attend.
EXEMPT = "exempt"
TRANSFERRED = "transferred"


@dataclasses.dataclass(frozen=True)
class MemberFacts:
    """What the counting rules read of a member. A ``Member`` has the same attributes; this is
    for rows fetched with ``values_list(*MemberFacts.FIELDS)``."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "pk",
        "full_name",
        "joined_branch_on",
        "left_on",
        "leave_reason",
        "exempt_since",
        "status",
        "full_member_on",
        "temporarily_attached",
    )

    pk: int
    full_name: str
    joined_branch_on: datetime.date | None = None
    left_on: datetime.date | None = None
    leave_reason: str = ""
    exempt_since: datetime.date | None = None
    status: str = MemberStatus.FULL
    full_member_on: datetime.date | None = None
    temporarily_attached: bool = False


# A Member, or its facts fetched for many branches at once.
Countable = Member | MemberFacts


@dataclasses.dataclass(frozen=True)
class Standing:
    """How one member counts at one meeting (the answer of ``standing_on``)."""

    category: str
    mark: str | None = None
    excluded: str = ""  # EXEMPT, TRANSFERRED or "": left out of the count unless they attend

    @property
    def present(self) -> bool:
        """Present, late and left early all count as present."""
        return self.mark in PRESENT_MARKS

    @property
    def expected(self) -> bool:
        return not self.excluded or self.present


def category_on(member: Countable, day: datetime.date) -> str:
    """The member's category on a day: attached, else full or probationary by the dates known."""
    if member.temporarily_attached:
        return Category.ATTACHED
    if member.status == MemberStatus.FULL and not (member.full_member_on and member.full_member_on > day):
        return Category.FULL
    return Category.PROBATIONARY


def standing_on(
    member: Countable, day: datetime.date, mark: str | None, category: str | None = None
) -> Standing | None:
    """How ``member`` counts at a meeting held on ``day`` where they got ``mark`` (None: not marked).

    None when the member is not on that meeting's roll at all: joined the branch after the day,
    left it by then other than by transfer, or transferred out more than TRANSFER_WINDOW before
    it without attending. Exempt members, and members transferred out by the day, are listed but
    left out of the number expected unless they attended. ``category`` is the one kept with the
    mark; without it, the member's category on the day.
    """
    if member.joined_branch_on is not None and member.joined_branch_on > day:
        return None
    present = mark in PRESENT_MARKS
    excluded = ""
    if member.left_on is not None and member.left_on <= day:
        if member.leave_reason != LeaveReason.TRANSFER:
            return None
        if not present and member.left_on <= day - TRANSFER_WINDOW:
            return None
        excluded = TRANSFERRED
    elif member.exempt_since is not None and member.exempt_since <= day:
        excluded = EXEMPT
    return Standing(category=category or category_on(member, day), mark=mark, excluded=excluded)


def counts_for_runs(meeting: Meeting) -> bool:
    """Whether a meeting's marks make or break runs of absences: it took place (or may yet)."""
    return meeting.status not in NOT_HELD


def meeting_order(meeting: Meeting) -> tuple:
    """Meetings in the order they were held (or are planned)."""
    return (meeting.actual_start or meeting.planned_start, meeting.pk)


def absence_runs(held: Iterable[tuple[datetime.date, Mapping[int, str]]]) -> Iterator[dict[int, int]]:
    """After each meeting, per member id, how many meetings in a row they have been absent.

    ``held``: the branch's meetings that count for runs (``counts_for_runs``), in
    ``meeting_order``, each as its day and its marks {member id: mark}. Absent with or without
    reason extends a run, present breaks it, no mark (not on the roll, or roll not taken)
    neither breaks nor extends it, and each calendar year starts afresh. Yields, after each
    meeting, the members with a run of at least one.
    """
    runs: dict[int, int] = {}
    year = None
    for day, marks in held:
        if day.year != year:
            runs, year = {}, day.year
        for member_id, mark in marks.items():
            runs[member_id] = 0 if mark in PRESENT_MARKS else runs.get(member_id, 0) + 1
        yield {member_id: run for member_id, run in runs.items() if run}


def roll_candidates(meeting: Meeting) -> QuerySet[Member]:
    """Members who may be marked at this meeting: those ``standing_on`` puts on its roll, as one
    query (the same rules in SQL; tests/meetings/test_counting.py checks they agree)."""
    day = meeting.day
    attended = Attendance.objects.filter(meeting=meeting, member=OuterRef("pk"), mark__in=PRESENT_MARKS)
    joined = Q(joined_branch_on__isnull=True) | Q(joined_branch_on__lte=day)
    on_roll = Q(left_on__isnull=True) | Q(left_on__gt=day)
    transferred = Q(leave_reason=LeaveReason.TRANSFER, left_on__lte=day) & (
        Q(left_on__gt=day - TRANSFER_WINDOW) | Exists(attended)
    )
    return Member.objects.filter(joined & (on_roll | transferred), branch_id=meeting.branch_id).order_by(
        "name_key", "pk"
    )


# --- Counting a roll ----------------------------------------------------------------------


@dataclasses.dataclass
class RollEntry:
    """One member's line on a meeting's roll."""

    member: Countable
    standing: Standing
    attendance: Attendance | None = None

    @property
    def mark(self) -> str | None:
        return self.standing.mark

    @property
    def category(self) -> str:
        return self.standing.category

    @property
    def excluded(self) -> str:
        """EXEMPT or TRANSFERRED: listed apart, counted only if they attend; else ""."""
        return self.standing.excluded

    @property
    def attended(self) -> bool:
        return self.standing.present

    @property
    def expected(self) -> bool:
        return self.standing.expected

    @property
    def reason(self) -> str:
        return self.attendance.reason if self.attendance else ""

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def mark_label(self) -> str:
        return Mark(self.mark).label if self.mark else ""


@dataclasses.dataclass
class Absentee:
    member_id: int
    name: str
    category: str
    excused: bool
    reason: str


def _empty_by_category() -> dict[str, int]:
    return dict.fromkeys(Category.values, 0)


@dataclasses.dataclass
class RollCounts:
    """The numbers the minutes and the commune need. ``present`` includes late and left early."""

    expected: int = 0
    present: int = 0
    late: int = 0
    left_early: int = 0
    absent_excused: int = 0
    absent_unexcused: int = 0
    unmarked: int = 0
    # Exempt or transferred-out members who did not attend (not counted anywhere else).
    not_expected: int = 0
    # Exempt or transferred-out members who attended (counted as expected and present).
    attended_not_required: int = 0
    expected_by_category: dict[str, int] = dataclasses.field(default_factory=_empty_by_category)
    present_by_category: dict[str, int] = dataclasses.field(default_factory=_empty_by_category)
    absent_by_category: dict[str, int] = dataclasses.field(default_factory=_empty_by_category)
    absentees: list[Absentee] = dataclasses.field(default_factory=list)
    rate: float | None = None

    @property
    def absent(self) -> int:
        return self.absent_excused + self.absent_unexcused

    @property
    def marked(self) -> int:
        return self.present + self.absent

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.unmarked == 0

    def rate_below(self, minimum: int) -> bool:
        """Whether attendance is below the commune's minimum (no rate, nobody expected: no)."""
        return self.rate is not None and self.rate < minimum

    @property
    def categories(self) -> list[dict]:
        """Rows for a table: category label with expected, present and absent."""
        return [
            {
                "key": key,
                "label": label,
                "expected": self.expected_by_category[key],
                "present": self.present_by_category[key],
                "absent": self.absent_by_category[key],
            }
            for key, label in Category.choices
        ]

    @property
    def excused_absentees(self) -> list[Absentee]:
        return [a for a in self.absentees if a.excused]

    @property
    def unexcused_absentees(self) -> list[Absentee]:
        return [a for a in self.absentees if not a.excused]


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


def rate_of(present: int, expected: int) -> float | None:
    """Percent with one decimal, rounded half up (6.25 → 6.3); None when nobody is expected."""
    if not expected:
        return None
    value = (Decimal(present) * 100 / Decimal(expected)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def count_entries(entries: Iterable[RollEntry]) -> RollCounts:
    """Add up the lines of a roll, whoever loaded them."""
    counts = RollCounts()
    for entry in entries:
        standing = entry.standing
        if not standing.expected:
            counts.not_expected += 1
            continue
        category = standing.category
        counts.expected += 1
        counts.expected_by_category[category] += 1
        mark = standing.mark
        if mark is None:
            counts.unmarked += 1
        elif standing.present:
            counts.present += 1
            counts.present_by_category[category] += 1
            counts.late += mark == Mark.LATE
            counts.left_early += mark == Mark.LEFT_EARLY
            counts.attended_not_required += bool(standing.excluded)
        else:
            excused = mark == Mark.EXCUSED
            counts.absent_excused += excused
            counts.absent_unexcused += not excused
            counts.absent_by_category[category] += 1
            counts.absentees.append(
                Absentee(
                    member_id=entry.member.pk,
                    name=entry.member.full_name,
                    category=category,
                    excused=excused,
                    reason=entry.reason,
                )
            )
    counts.rate = rate_of(counts.present, counts.expected)
    return counts


def _entries(meeting: Meeting) -> list[RollEntry]:
    """Two queries: the candidates and this meeting's marks."""
    day = meeting.day
    marks = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    entries = []
    for member in roll_candidates(meeting):
        attendance = marks.get(member.pk)
        if attendance is None:
            standing = standing_on(member, day, None)
        else:
            standing = standing_on(member, day, attendance.mark, attendance.category)
        if standing is not None:  # always, for a candidate
            entries.append(RollEntry(member=member, standing=standing, attendance=attendance))
    return entries


def roll_sheet(meeting: Meeting) -> RollSheet:
    entries = _entries(meeting)
    return RollSheet(meeting=meeting, entries=entries, counts=count_entries(entries))


def expected_members(meeting: Meeting) -> list[Member]:
    """Members counted as expected: on the roll that day, less exempt and transferred out who did not attend."""
    return [e.member for e in _entries(meeting) if e.expected]


def count_roll(meeting: Meeting) -> RollCounts:
    return count_entries(_entries(meeting))


# --- Flags ---------------------------------------------------------------------------------


def rules_for_branch(branch: Organization) -> MeetingRules:
    """The commune's rules (meetings.schedule.rules_for), else the DOMAIN.md defaults."""
    try:
        from meetings.schedule import rules_for
    except ModuleNotFoundError as error:
        if error.name != "meetings.schedule":
            raise
        return MeetingRules()
    return rules_for(branch)


def absences_in_a_row(branch: Organization, until_meeting: Meeting) -> dict[int, int]:
    """Per member id, how many meetings in a row they have been absent, counting back from
    ``until_meeting`` within its calendar year (``absence_runs``). Cancelled and postponed
    meetings are skipped, except ``until_meeting`` itself. Two queries."""
    year = until_meeting.day.year
    candidates = (
        Meeting.objects.filter(branch=branch)
        .filter(Q(planned_start__year=year) | Q(actual_start__year=year))
        .exclude(pk=until_meeting.pk)
    )
    last = meeting_order(until_meeting)
    meetings = sorted(
        (m for m in candidates if counts_for_runs(m) and m.day.year == year and meeting_order(m) <= last),
        key=meeting_order,
    )
    meetings.append(until_meeting)
    marks: dict[int, dict[int, str]] = {m.pk: {} for m in meetings}
    for meeting_id, member_id, mark in Attendance.objects.filter(meeting_id__in=marks).values_list(
        "meeting_id", "member_id", "mark"
    ):
        marks[meeting_id][member_id] = mark
    *_, runs = absence_runs((m.day, marks[m.pk]) for m in meetings)  # the runs after the last one
    return runs


def runs_over_the_limit(
    absentees: Iterable[Absentee], runs: Mapping[int, int], limit: int
) -> list[tuple[Absentee, int]]:
    """The meeting's absentees whose run of absences is longer than the commune allows."""
    return [(a, runs[a.member_id]) for a in absentees if runs.get(a.member_id, 0) > limit]


def roll_flags(meeting: Meeting, counts: RollCounts) -> list[str]:
    """What the commune looks for. Nothing until the roll has been taken."""
    if not counts.marked:
        return []
    rules = rules_for_branch(meeting.branch)
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
    runs = absences_in_a_row(meeting.branch, meeting)
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


# --- Marking -------------------------------------------------------------------------------


def _current_mark(meeting: Meeting, member: Member) -> Attendance | None:
    # select_for_update serialises two devices on PostgreSQL; on SQLite the whole write is serial.
    return Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()


def record_mark(*, meeting: Meeting, member: Member, mark: str, reason: str = "", by) -> Attendance:
    """Set a member's mark at a meeting: creates it on the first tap, updates it after.

    One row per member whatever the taps or devices (UniqueConstraint
    attendance_one_mark_per_member): if another request inserted the row between our read and
    our insert, the insert fails and we update that row instead. Refused when the user may not
    manage the meeting (locked after adoption, except for commune staff). History records ``by``.
    """
    if not scope.can_manage_meeting(by, meeting):
        raise RollRefused(_("You may not change this meeting's roll."))
    if mark not in Mark.values:
        raise ValidationError(_("Unknown mark."))
    if not roll_candidates(meeting).filter(pk=member.pk).exists():
        raise ValidationError(_("%(name)s is not on this meeting's roll.") % {"name": member.full_name})
    reason = reason.strip() if mark == Mark.EXCUSED else ""
    category = category_on(member, meeting.day)
    for attempt in range(2):
        try:
            with transaction.atomic():
                attendance = _current_mark(meeting, member)
                if attendance is None:
                    attendance = Attendance(meeting=meeting, member=member)
                elif attendance.mark == mark and attendance.reason == reason:
                    return attendance  # a repeated tap or double submit changes nothing
                attendance.mark = mark
                attendance.reason = reason
                attendance.category = category
                attendance.marked_by = by
                attendance._history_user = by
                attendance.save()
                return attendance
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def mark_remaining_present(*, meeting: Meeting, by) -> int:
    """One tap for the usual case: everyone expected and not yet marked was there.

    The meeting row is locked first, so two devices tapping at once mark each member once.
    """
    if not scope.can_manage_meeting(by, meeting):
        raise RollRefused(_("You may not change this meeting's roll."))
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        rows = [
            Attendance(
                meeting=meeting,
                member=entry.member,
                mark=Mark.PRESENT,
                category=entry.category,
                marked_by=by,
            )
            for entry in _entries(meeting)
            if entry.mark is None and not entry.excluded
        ]
        bulk_create_with_history(rows, Attendance, default_user=by)
    return len(rows)


def roll_changes(meeting: Meeting, limit: int = 50) -> list:
    """The latest changes to a meeting's marks, who made them and when. One query."""
    return list(
        Attendance.history.filter(meeting_id=meeting.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


# --- Guests and cadres at a meeting -------------------------------------------------------


def _covers(assignment: CadreAssignment, day: datetime.date) -> bool:
    return assignment.started_on <= day and (assignment.ended_on is None or assignment.ended_on >= day)


def _ensure_guest(meeting: Meeting, assignment: CadreAssignment) -> Guest | None:
    """The expected-cadre row for one assignment; None if it already existed as expected."""
    existing = Guest.objects.filter(meeting=meeting, cadre_id=assignment.cadre_id).first()
    if existing is not None:
        if not existing.expected:
            existing.expected = True
            existing.save(update_fields=["expected"])
            return existing
        return None
    try:
        with transaction.atomic():
            return Guest.objects.create(
                meeting=meeting,
                cadre_id=assignment.cadre_id,
                name=assignment.cadre.full_name,
                title=assignment.title,
                expected=True,
            )
    except IntegrityError:  # created meanwhile by another request
        return None


def add_expected_cadres(meeting: Meeting) -> list[Guest]:
    """Add a guest row (expected) for every cadre whose assignment covers the meeting day.

    Safe to run any number of times; returns the rows added.
    """
    day = meeting.day
    assignments = (
        CadreAssignment.objects.filter(branch_id=meeting.branch_id, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .select_related("cadre")
        .order_by("started_on", "pk")
    )
    added = []
    for assignment in assignments:
        if guest := _ensure_guest(meeting, assignment):
            added.append(guest)
    return added


def can_record_guest(user, guest: Guest) -> bool:
    """Those who manage the meeting record any guest; an assigned cadre records their own row."""
    meeting = guest.meeting
    if scope.can_manage_meeting(user, meeting):
        return True
    return (
        not meeting.is_locked
        and guest.cadre_id is not None
        and user.is_authenticated
        and Member.objects.filter(pk=guest.cadre_id, user=user).exists()
        and scope.is_assigned_cadre(user, meeting)
    )


def recordable_guest_ids(user, meeting: Meeting, guests: list[Guest]) -> set[int]:
    """The guests on this list whose record this user may fill in (see can_record_guest). One query at most."""
    if scope.can_manage_meeting(user, meeting):
        return {g.pk for g in guests}
    if meeting.is_locked or not scope.is_assigned_cadre(user, meeting):
        return set()
    own = set(Member.objects.filter(user=user).values_list("pk", flat=True))
    return {g.pk for g in guests if g.cadre_id in own}


@transaction.atomic
def cadre_record(*, guest: Guest, attended: bool | None, remarks: str, promises: str, by) -> Guest:
    """Whether a cadre (or other guest) came, what they said and what they promised to take back."""
    if not can_record_guest(by, guest):
        raise RollRefused(_("You may not change this guest's record."))
    guest.attended = attended
    guest.remarks = remarks.strip()
    guest.promises = promises.strip()
    guest._history_user = by
    guest.save()
    return guest


@transaction.atomic
def guest_add(*, meeting: Meeting, name: str, title: str = "", by) -> Guest:
    """Another guest (not an assigned cadre)."""
    if not scope.can_manage_meeting(by, meeting):
        raise RollRefused(_("You may not change this meeting."))
    guest = Guest(meeting=meeting, name=name.strip(), title=title.strip(), expected=False)
    guest._history_user = by
    guest.save()
    return guest


@transaction.atomic
def guest_remove(*, guest: Guest, by) -> None:
    """Remove a guest added by hand; expected cadres stay (record that they did not come instead)."""
    if not scope.can_manage_meeting(by, guest.meeting):
        raise RollRefused(_("You may not change this meeting."))
    if guest.expected:
        raise ValidationError(_("An assigned cadre cannot be removed; record that they did not come instead."))
    guest._history_user = by
    guest.delete()


# --- Cadre assignments --------------------------------------------------------------------


def cadre_assignable_branches(user) -> QuerySet[Organization]:
    """Branches for which this user assigns cadres: commune staff (or superusers) above them."""
    branches = Organization.objects.filter(kind="branch")
    if user.is_superuser:
        return branches
    paths = [role.organization.path for role in scope.roles(user) if role.kind == RoleKind.COMMUNE_STAFF]
    if not paths:
        return branches.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return branches.filter(q)


def _can_assign(user, branch: Organization) -> bool:
    return cadre_assignable_branches(user).filter(pk=branch.pk).exists()


def _meetings_covered(assignment: CadreAssignment) -> list[Meeting]:
    """The branch's meetings on days the assignment covers that may still be changed."""
    start = datetime.datetime.combine(assignment.started_on - datetime.timedelta(days=1), datetime.time())
    meetings = Meeting.objects.filter(
        branch_id=assignment.branch_id, planned_start__gte=timezone.make_aware(start)
    ).exclude(status__in=(*NOT_HELD, MeetingStatus.ADOPTED))
    return [m for m in meetings if _covers(assignment, m.day)]


@transaction.atomic
def assignment_create(
    *,
    cadre: Member,
    title: str,
    branch: Organization,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    by,
) -> CadreAssignment:
    """Assign a cadre to follow a branch. The cadre's user account (if any) gets the cadre role at
    the branch, and the branch's meetings in the period (not yet adopted) expect the cadre."""
    if not _can_assign(by, branch):
        raise RollRefused(_("You may not assign cadres to this branch."))
    assignment = CadreAssignment(
        cadre=cadre, title=title.strip(), branch=branch, started_on=started_on, ended_on=ended_on
    )
    assignment._history_user = by
    assignment.save()
    if (
        cadre.user_id
        and not Role.objects.filter(user_id=cadre.user_id, kind=RoleKind.CADRE, organization=branch).exists()
    ):
        role = Role(user_id=cadre.user_id, kind=RoleKind.CADRE, organization=branch)
        role._history_user = by
        role.save()
    for meeting in _meetings_covered(assignment):
        _ensure_guest(meeting, assignment)
    return assignment


def _active_assignments(assignment: CadreAssignment, today: datetime.date) -> QuerySet[CadreAssignment]:
    """Other assignments of the same cadre to the same branch still running today."""
    return (
        CadreAssignment.objects.filter(cadre_id=assignment.cadre_id, branch_id=assignment.branch_id)
        .exclude(pk=assignment.pk)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    )


@transaction.atomic
def assignment_end(*, assignment: CadreAssignment, ended_on: datetime.date, by) -> CadreAssignment:
    """End an assignment. The cadre role at the branch goes unless another running assignment
    covers the branch; later meetings no longer expect the cadre unless something was recorded."""
    if not _can_assign(by, assignment.branch):
        raise RollRefused(_("You may not assign cadres to this branch."))
    if ended_on < assignment.started_on:
        raise ValidationError(_("An assignment cannot end before it starts."))
    assignment.ended_on = ended_on
    assignment._history_user = by
    assignment.save(update_fields=["ended_on"])
    others = list(
        CadreAssignment.objects.filter(cadre_id=assignment.cadre_id, branch_id=assignment.branch_id).exclude(
            pk=assignment.pk
        )
    )
    untouched = Guest.objects.filter(
        meeting__branch_id=assignment.branch_id,
        cadre_id=assignment.cadre_id,
        expected=True,
        attended__isnull=True,
        remarks="",
        promises="",
    ).exclude(meeting__status=MeetingStatus.ADOPTED)
    for guest in untouched.select_related("meeting"):
        day = guest.meeting.day
        if day > ended_on and not any(_covers(other, day) for other in others):
            guest._history_user = by
            guest.delete()
    cadre_user_id = Member.objects.filter(pk=assignment.cadre_id).values_list("user_id", flat=True).first()
    if cadre_user_id and not _active_assignments(assignment, timezone.localdate()).exists():
        for role in Role.objects.filter(user_id=cadre_user_id, kind=RoleKind.CADRE, organization=assignment.branch):
            role._history_user = by
            role.delete()
    return assignment


# --- Per-cadre report ----------------------------------------------------------------------


@dataclasses.dataclass
class CadreMeeting:
    meeting: Meeting
    attended: bool | None
    upcoming: bool


@dataclasses.dataclass
class CadreReportRow:
    cadre: Member
    titles: list[str]
    branches: list[Organization]
    meetings: list[CadreMeeting]

    @property
    def expected(self) -> int:
        """Meetings the cadre was expected at that have taken place (upcoming ones are not missed yet)."""
        return sum(1 for m in self.meetings if not m.upcoming)

    @property
    def attended(self) -> int:
        return sum(1 for m in self.meetings if not m.upcoming and m.attended)

    @property
    def rate(self) -> float | None:
        return rate_of(self.attended, self.expected)


def cadre_report(
    *,
    branches: QuerySet[Organization],
    start: datetime.date,
    end: datetime.date,
    cadres: QuerySet[Member] | list[Member] | None = None,
    today: datetime.date | None = None,
) -> list[CadreReportRow]:
    """Per cadre following any of ``branches``: meetings expected (by assignment dates) against
    meetings attended (recorded on the guest row), between ``start`` and ``end``. Three queries."""
    today = today or timezone.localdate()
    assignments = (
        CadreAssignment.objects.filter(branch__in=branches, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("cadre", "branch")
        .order_by("cadre__name_key", "cadre_id", "started_on", "pk")
    )
    if cadres is not None:
        assignments = assignments.filter(cadre__in=cadres)
    assignments = list(assignments)
    if not assignments:
        return []
    # A day's margin each side: the day is local, the stored start is UTC.
    window = (
        timezone.make_aware(datetime.datetime.combine(start - datetime.timedelta(days=1), datetime.time())),
        timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=2), datetime.time())),
    )
    meetings = [
        m
        for m in Meeting.objects.filter(branch_id__in={a.branch_id for a in assignments})
        .filter(Q(planned_start__range=window) | Q(actual_start__range=window))
        .exclude(status__in=NOT_HELD)
        .select_related("branch")
        .order_by("planned_start", "pk")
        if start <= m.day <= end
    ]
    attended = {
        (meeting_id, cadre_id): came
        for meeting_id, cadre_id, came in Guest.objects.filter(
            meeting_id__in=[m.pk for m in meetings], cadre_id__in={a.cadre_id for a in assignments}
        ).values_list("meeting_id", "cadre_id", "attended")
    }
    rows: dict[int, CadreReportRow] = {}
    for assignment in assignments:
        row = rows.setdefault(
            assignment.cadre_id, CadreReportRow(cadre=assignment.cadre, titles=[], branches=[], meetings=[])
        )
        if assignment.title not in row.titles:
            row.titles.append(assignment.title)
        if assignment.branch not in row.branches:
            row.branches.append(assignment.branch)
        seen = {m.meeting.pk for m in row.meetings}
        for meeting in meetings:
            if (
                meeting.branch_id == assignment.branch_id
                and meeting.pk not in seen
                and _covers(assignment, meeting.day)
            ):
                row.meetings.append(
                    CadreMeeting(
                        meeting=meeting,
                        attended=attended.get((meeting.pk, assignment.cadre_id)),
                        upcoming=meeting.day > today,
                    )
                )
    for row in rows.values():
        row.meetings.sort(key=lambda m: meeting_order(m.meeting))
    return list(rows.values())
