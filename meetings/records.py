"""Minutes, resolution, tasks and the quality score: rules, reads and use cases.

Two people may edit the same minutes or resolution. Each save says which
``version`` it started from; the UPDATE only matches that version, so the
second of two editors is refused (``StaleEdit``) instead of overwriting.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members import scope
from members.models import Member, MemberStatus, Organization

from .models import (
    REGULAR_KINDS,
    AgendaItem,
    Category,
    Meeting,
    MeetingStatus,
    Minutes,
    Resolution,
    Speech,
    Task,
    TaskOutcome,
)
from .models.minutes import ScoreLevel

MINUTES_FIELDS = ("opening", "closing", "votes_for", "votes_against", "votes_abstain")
RESOLUTION_FIELDS = ("number", "title", "results", "implementation", "assessment", "recipients")
# A branch with at least this many full members elects a chi ủy (branch committee).
COMMITTEE_THRESHOLD = 9
# Outcomes that can be carried into the next resolution's section II.
CARRYABLE = (TaskOutcome.IN_PROGRESS, TaskOutcome.NOT_DONE)
# Statuses from which the minutes can be adopted.
# Only a held meeting (with its actual start and end) has minutes to adopt.
ADOPTABLE = (MeetingStatus.HELD,)


class StaleEdit(Exception):
    """Someone saved the record after this editor loaded it."""

    def __init__(self, *, saved_at: datetime.datetime | None, what: str = "minutes"):
        self.saved_at = saved_at
        self.what = what
        super().__init__(self.message)

    @property
    def message(self) -> str:
        time = timezone.localtime(self.saved_at).strftime("%H:%M") if self.saved_at else "?"
        if self.what == "resolution":
            return _(
                "Someone else saved this resolution at %(time)s; reload to see their changes. Your text is kept below."
            ) % {"time": time}
        return _(
            "Someone else saved these minutes at %(time)s; reload to see their changes. Your text is kept below."
        ) % {"time": time}


# --- Reads ----------------------------------------------------------------------------


def can_read_records(user, meeting: Meeting) -> bool:
    """Editors read drafts; everyone else who sees the meeting reads (and downloads) the
    minutes and resolution once they are adopted. A thin wrapper over members.scope."""
    return meeting.is_locked or scope.can_manage_meeting(user, meeting)


def minutes_for(meeting: Meeting) -> Minutes:
    """The meeting's minutes, created empty on first use (safe under a race)."""
    try:
        return Minutes.objects.get(meeting=meeting)
    except Minutes.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return Minutes.objects.create(meeting=meeting)
    except IntegrityError:
        return Minutes.objects.get(meeting=meeting)


def resolution_title(meeting: Meeting) -> str:
    name = meeting.branch.name
    if not name.lower().startswith("chi bộ"):
        name = f"Chi bộ {name}"
    return f"Nghị quyết {name} lãnh đạo thực hiện nhiệm vụ tháng {meeting.month:%m/%Y}"


def resolution_for(meeting: Meeting) -> Resolution:
    """The meeting's resolution, created on first use with the branch's next number for the year."""
    existing = Resolution.objects.filter(meeting=meeting).first()
    if existing:
        return existing
    year = meeting.day.year
    try:
        with transaction.atomic():
            # Lock the branch row so two resolutions of one branch never get the same number.
            Organization.objects.select_for_update().filter(pk=meeting.branch_id).first()
            last = Resolution.objects.filter(branch_id=meeting.branch_id, year=year).aggregate(n=Max("number"))["n"]
            return Resolution.objects.create(
                meeting=meeting,
                branch_id=meeting.branch_id,
                number=(last or 0) + 1,
                year=year,
                title=resolution_title(meeting),
            )
    except IntegrityError:
        return Resolution.objects.get(meeting=meeting)


def score_level(total: int, rules, scores: dict | None = None) -> str:
    """good / fair / average / poor at the commune's thresholds (default 90/70/50).

    A rubric criterion marked ``"full_for_good": true`` must be at its maximum for
    Good (DOMAIN.md: attendance, duration, participation, minutes); otherwise Fair.
    """
    if total >= rules.level_good:
        if scores is not None and any(
            c.get("full_for_good") and int(scores.get(c["key"]) or 0) < int(c["max"]) for c in rubric_of(rules)
        ):
            return ScoreLevel.FAIR.value
        return ScoreLevel.GOOD.value
    if total >= rules.level_fair:
        return ScoreLevel.FAIR.value
    if total >= rules.level_average:
        return ScoreLevel.AVERAGE.value
    return ScoreLevel.POOR.value


def rules_of(meeting: Meeting):
    from .schedule import rules_for

    return rules_for(meeting.branch)


def rubric_of(rules) -> list[dict]:
    if rules.rubric:
        return rules.rubric
    from .schedule import DEFAULT_RUBRIC

    return DEFAULT_RUBRIC


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


def roll_summary(meeting: Meeting) -> RollSummary:
    from .roll import count_roll

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
    )


def voters(meeting: Meeting) -> int:
    """Full members present: only they vote on the resolution."""
    return roll_summary(meeting).present_full


def check_votes(*, votes_for, votes_against, votes_abstain, voters: int) -> None:
    """The three numbers must add up to the full members present, or a vote is not recorded at all."""
    numbers = (votes_for, votes_against, votes_abstain)
    if all(n is None for n in numbers):
        return
    if any(n is None for n in numbers):
        raise ValidationError(_("Enter all three numbers of the vote (0 where nobody voted that way)."))
    if voters == 0:
        raise ValidationError(
            _("No full members are recorded as present, so nobody can vote. Take the roll first."),
            code="no_voters",
        )
    total = sum(numbers)
    if total != voters:
        raise ValidationError(
            _(
                "In favour (%(for)s) + against (%(against)s) + abstaining (%(abstain)s) = %(total)s, "
                "but %(voters)s full members are present and vote."
            ),
            code="vote_sum",
            params={
                "for": votes_for,
                "against": votes_against,
                "abstain": votes_abstain,
                "total": total,
                "voters": voters,
            },
        )


def has_committee(branch: Organization, day: datetime.date) -> bool:
    """Nine or more full members elect a chi ủy; fewer elect only a secretary."""
    full = (
        Member.objects.filter(branch=branch, status=MemberStatus.FULL)
        .active(on=day)
        .filter(Q(joined_branch_on__isnull=True) | Q(joined_branch_on__lte=day))
        .count()
    )
    return full >= COMMITTEE_THRESHOLD


def previous_resolution(meeting: Meeting) -> Resolution | None:
    """The latest resolution of an earlier meeting of the same branch."""
    return (
        Resolution.objects.filter(
            meeting__branch_id=meeting.branch_id, meeting__planned_start__lt=meeting.planned_start
        )
        .select_related("meeting")
        .order_by("-meeting__planned_start")
        .first()
    )


def tasks_to_review(meeting: Meeting) -> list[Task]:
    """Section I: every task of the previous resolution, and any earlier task due back at this meeting."""
    previous = previous_resolution(meeting)
    q = Q(report_at=meeting)
    if previous is not None:
        q |= Q(resolution=previous)
    return list(
        Task.objects.filter(q)
        .exclude(resolution__meeting=meeting)
        .select_related("resolution__meeting", "report_at")
        .order_by("resolution__meeting__planned_start", "position", "pk")
    )


def later_meetings(meeting: Meeting):
    """Meetings of the branch a task can be reported back at."""
    return (
        Meeting.objects.filter(branch_id=meeting.branch_id, planned_start__gt=meeting.planned_start)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("planned_start")
    )


def next_regular_meeting(meeting: Meeting) -> Meeting | None:
    month = meeting.month
    following = (
        month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)
    )
    return later_meetings(meeting).filter(month=following, kind__in=REGULAR_KINDS).first()


def confirmed_by_name(minutes: Minutes) -> str:
    user = minutes.score_confirmed_by
    if user is None:
        return ""
    member = Member.objects.filter(user=user).first()
    return member.full_name if member else (user.get_full_name() or user.get_username())


# --- Use cases ------------------------------------------------------------------------


def _save_versioned(model, *, obj, fields: dict, expected_version: int, by, what: str):
    """UPDATE … WHERE version = expected; 0 rows means someone saved in between."""
    now = timezone.now()
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_by=by, updated_at=now
    )
    if not updated:
        current = model.objects.filter(pk=obj.pk).values_list("updated_at", flat=True).first()
        raise StaleEdit(saved_at=current, what=what)
    obj.refresh_from_db()
    model.history.bulk_history_create([obj], update=True, default_user=by)
    return obj


@transaction.atomic
def minutes_save(*, minutes: Minutes, data: dict, expected_version: int, by) -> Minutes:
    """Save the minutes' text and vote, and the chair's conclusion on each agenda item.

    ``data`` holds MINUTES_FIELDS and optionally ``conclusions``: {agenda item pk: text}.
    Raises StaleEdit (and changes nothing) when the minutes moved past ``expected_version``.
    """
    fields = {name: data[name] for name in MINUTES_FIELDS if name in data}
    _save_versioned(Minutes, obj=minutes, fields=fields, expected_version=expected_version, by=by, what="minutes")
    conclusions = data.get("conclusions") or {}
    if conclusions:
        items = list(AgendaItem.objects.filter(meeting_id=minutes.meeting_id, pk__in=list(conclusions)))
        changed = [item for item in items if item.conclusion != conclusions[item.pk]]
        for item in changed:
            item.conclusion = conclusions[item.pk]
        AgendaItem.objects.bulk_update(changed, ["conclusion"])
    return minutes


@transaction.atomic
def resolution_save(*, resolution: Resolution, data: dict, expected_version: int, by) -> Resolution:
    fields = {name: data[name] for name in RESOLUTION_FIELDS if name in data}
    return _save_versioned(
        Resolution, obj=resolution, fields=fields, expected_version=expected_version, by=by, what="resolution"
    )


@transaction.atomic
def score_save(*, minutes: Minutes, scores: dict, rules, expected_version: int, by) -> Minutes:
    """Record the self-assessment; a changed score needs the cadre's confirmation again."""
    rubric = rubric_of(rules)
    for criterion in rubric:
        points = scores.get(criterion["key"])
        if points is None or not 0 <= points <= int(criterion["max"]):
            raise ValidationError(
                _("%(criterion)s: enter between 0 and %(max)s points.")
                % {"criterion": _(criterion["label"]), "max": criterion["max"]}
            )
    clean = {c["key"]: int(scores[c["key"]]) for c in rubric}
    total = sum(clean.values())
    return _save_versioned(
        Minutes,
        obj=minutes,
        fields={
            "scores": clean,
            "score_total": total,
            "score_level": score_level(total, rules, clean),
            "score_confirmed_by": None,
            "score_confirmed_at": None,
        },
        expected_version=expected_version,
        by=by,
        what="minutes",
    )


@transaction.atomic
def score_confirm(*, minutes: Minutes, expected_version: int, by) -> Minutes:
    """The assigned cadre confirms the score they were shown (refused if it changed since)."""
    if minutes.score_total is None:
        raise ValidationError(_("There is no score to confirm yet."))
    return _save_versioned(
        Minutes,
        obj=minutes,
        fields={"score_confirmed_by": by, "score_confirmed_at": timezone.now()},
        expected_version=expected_version,
        by=by,
        what="minutes",
    )


@transaction.atomic
def minutes_adopt(*, meeting: Meeting, by) -> Meeting:
    """The minutes were read back and adopted: the meeting is closed and its roll locked."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.ADOPTED:
        raise ValidationError(_("These minutes are already adopted."))
    if meeting.status in (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT):
        raise ValidationError(_("First record that the meeting was held, with the time it started and ended."))
    if meeting.status not in ADOPTABLE:
        raise ValidationError(
            _("A meeting that is %(status)s has no minutes to adopt.") % {"status": meeting.get_status_display()}
        )
    from .roll import count_roll

    unmarked = count_roll(meeting).unmarked
    if unmarked:
        raise ValidationError(
            ngettext(
                "Finish the roll first: %(count)d member has no mark yet.",
                "Finish the roll first: %(count)d members have no mark yet.",
                unmarked,
            )
            % {"count": unmarked}
        )
    if not (meeting.chair_id and meeting.minute_taker_id):
        # The minutes name both and both sign them (DOMAIN.md).
        raise ValidationError(_("Choose the chair and the minute-taker of the meeting first (Edit the meeting)."))
    minutes_for(meeting)
    meeting.status = MeetingStatus.ADOPTED
    meeting.minutes_adopted_at = timezone.now()
    meeting._history_user = by
    meeting.save(update_fields=["status", "minutes_adopted_at"])
    return meeting


@transaction.atomic
def speech_save(*, agenda_item: AgendaItem, speech: Speech | None = None, data: dict, by) -> Speech:
    """Add or edit what one speaker said on an agenda item."""
    speaker = data.get("speaker")
    name = speaker.full_name if speaker else data["speaker_name"].strip()
    if speech is None:
        last = agenda_item.speeches.aggregate(n=Max("position"))["n"]
        speech = Speech(agenda_item=agenda_item, position=(last or 0) + 1)
    speech.speaker = speaker
    speech.speaker_name = name
    speech.text = data["text"]
    speech.save()
    return speech


@transaction.atomic
def speech_remove(*, speech: Speech, by) -> None:
    speech.delete()


@transaction.atomic
def task_save(*, resolution: Resolution, task: Task | None = None, data: dict, by) -> Task:
    """Add or edit a task of section II."""
    if task is None:
        last = resolution.tasks.aggregate(n=Max("position"))["n"]
        task = Task(resolution=resolution, position=(last or 0) + 1)
    task.description = data["description"]
    task.lead = data["lead"]
    task.deadline = data.get("deadline")
    task.report_at = data.get("report_at")
    task._history_user = by
    task.save()
    return task


@transaction.atomic
def task_remove(*, task: Task, by) -> None:
    task._history_user = by
    task.delete()


@transaction.atomic
def tasks_review(*, meeting: Meeting, outcomes: dict, by) -> int:
    """Mark last month's tasks done / in progress / not done, with a note. Returns how many changed.

    ``outcomes``: {task pk: (outcome, note)}; only tasks under review at ``meeting`` are touched.
    """
    changed = 0
    reviewable = {task.pk: task for task in tasks_to_review(meeting)}
    for pk, (outcome, note) in outcomes.items():
        task = reviewable.get(pk)
        if task is None or (task.outcome, task.outcome_note) == (outcome, note):
            continue
        task.outcome, task.outcome_note = outcome, note
        task._history_user = by
        task.save(update_fields=["outcome", "outcome_note"])
        changed += 1
    return changed


@transaction.atomic
def task_carry(*, task: Task, into: Resolution, by) -> Task:
    """Carry an unfinished task into this month's section II; clicking twice carries it once."""
    if task.pk not in {t.pk for t in tasks_to_review(into.meeting)}:
        raise ValidationError(_("This task is not under review at this meeting."))
    # Lock the task so two clicks are serialised, then look for an earlier carry.
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.outcome not in CARRYABLE:
        raise ValidationError(_("Only tasks marked in progress or not done can be carried forward."))
    existing = Task.objects.filter(resolution=into, carried_from=task).first()
    if existing:
        return existing
    last = into.tasks.aggregate(n=Max("position"))["n"]
    carried = Task(
        resolution=into,
        position=(last or 0) + 1,
        description=task.description,
        lead=task.lead,
        report_at=next_regular_meeting(into.meeting),
        carried_from=task,
    )
    carried._history_user = by
    carried.save()
    return carried
