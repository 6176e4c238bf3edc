"""Minutes, resolution, tasks and the quality score: rules, reads and use cases.

Two people may edit the same minutes or resolution. Each save says which
``version`` it started from; the UPDATE only matches that version, so the
second of two editors is refused (``StaleEdit``) instead of overwriting.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.counting import check_votes, rubric_of, score_level
from meetings.extensions import records_changed
from meetings.models import (
    AgendaItem,
    Meeting,
    MeetingRules,
    MeetingStatus,
    Minutes,
    Speech,
)
from meetings.selectors.minutes import voters
from meetings.selectors.roll import count_roll
from members.models import Member

MINUTES_FIELDS = ("opening", "closing", "votes_for", "votes_against", "votes_abstain")


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


def save_versioned(model, *, obj, fields: dict, expected_version: int, by, what: str):
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
def minutes_save(
    *,
    minutes: Minutes,
    opening: str,
    closing: str,
    votes_for: int | None,
    votes_against: int | None,
    votes_abstain: int | None,
    conclusions: Mapping[int, str] | None = None,
    expected_version: int,
    by: AbstractBaseUser | None,
) -> Minutes:
    """Save the minutes' text and vote, and the chair's conclusion on each agenda item.

    The vote must add up to the full members present who vote (``check_votes``), whoever calls.
    ``conclusions`` maps agenda item pks to text. Raises StaleEdit (and changes nothing) when
    the minutes moved past ``expected_version``.
    """
    check_votes(
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        voters=voters(minutes.meeting),
    )
    fields = {
        "opening": opening,
        "closing": closing,
        "votes_for": votes_for,
        "votes_against": votes_against,
        "votes_abstain": votes_abstain,
    }
    save_versioned(Minutes, obj=minutes, fields=fields, expected_version=expected_version, by=by, what="minutes")
    if conclusions:
        items = list(AgendaItem.objects.filter(meeting_id=minutes.meeting_id, pk__in=list(conclusions)))
        changed = [item for item in items if item.conclusion != conclusions[item.pk]]
        for item in changed:
            item.conclusion = conclusions[item.pk]
        AgendaItem.objects.bulk_update(changed, ["conclusion"])
    return minutes


@transaction.atomic
def score_save(
    *, minutes: Minutes, scores: dict[str, int], rules: MeetingRules, expected_version: int, by: AbstractBaseUser | None
) -> Minutes:
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
    records_changed.send(sender=Meeting, meeting=minutes.meeting)
    return save_versioned(
        Minutes,
        obj=minutes,
        fields={
            "scores": clean,
            "score_total": total,
            "score_level": score_level(total, rules, clean, count_roll(minutes.meeting)),
            "score_confirmed_by": None,
            "score_confirmed_at": None,
        },
        expected_version=expected_version,
        by=by,
        what="minutes",
    )


@transaction.atomic
def score_confirm(*, minutes: Minutes, expected_version: int, by: AbstractBaseUser | None) -> Minutes:
    """The assigned cadre confirms the score they were shown (refused if it changed since)."""
    if minutes.score_total is None:
        raise ValidationError(_("There is no score to confirm yet."))
    return save_versioned(
        Minutes,
        obj=minutes,
        fields={"score_confirmed_by": by, "score_confirmed_at": timezone.now()},
        expected_version=expected_version,
        by=by,
        what="minutes",
    )


@transaction.atomic
def minutes_adopt(*, meeting: Meeting, by: AbstractBaseUser | None) -> Meeting:
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
    now = timezone.now()
    if meeting.actual_start and now < meeting.actual_start:
        raise ValidationError(
            _("Minutes cannot be adopted before the meeting starts (%(start)s).")
            % {"start": timezone.localtime(meeting.actual_start).strftime("%H:%M %d/%m/%Y")},
            code="adopted_before_held",
        )
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
    minutes = minutes_for(meeting)
    # The roll may have changed since the vote and the score were entered: check them again.
    counts = count_roll(meeting)
    check_votes(
        votes_for=minutes.votes_for,
        votes_against=minutes.votes_against,
        votes_abstain=minutes.votes_abstain,
        voters=counts.voters,
    )
    if minutes.score_total is not None:
        rules = MeetingRules.objects.for_branch(meeting.branch)
        level = score_level(minutes.score_total, rules, minutes.scores, counts)
        if level != minutes.score_level:
            Minutes.objects.filter(pk=minutes.pk).update(score_level=level)
    meeting.status = MeetingStatus.ADOPTED
    meeting.minutes_adopted_at = now
    meeting._history_user = by
    meeting.save(update_fields=["status", "minutes_adopted_at"])
    return meeting


@transaction.atomic
def speech_save(
    *,
    agenda_item: AgendaItem,
    speech: Speech | None = None,
    speaker: Member | None,
    speaker_name: str,
    text: str,
    by: AbstractBaseUser | None,
) -> Speech:
    """Add or edit what one speaker said on an agenda item; a chosen member's name wins over the typed one."""
    if speech is None:
        last = agenda_item.speeches.aggregate(n=Max("position"))["n"]
        speech = Speech(agenda_item=agenda_item, position=(last or 0) + 1)
    speech.speaker = speaker
    speech.speaker_name = speaker.full_name if speaker else speaker_name.strip()
    speech.text = text
    speech.save()
    return speech


@transaction.atomic
def speech_remove(*, speech: Speech, by: AbstractBaseUser | None) -> None:
    speech.delete()
