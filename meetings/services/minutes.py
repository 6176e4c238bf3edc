"""Minutes, speeches, the quality score, adoption and amendments.

Saves are versioned (``meetings.services.versions``): the second of two editors is refused.
Adoption numbers the resolution if it passed and keeps what the documents say
(``meetings.documents.content.records_freeze``); afterwards a correction is an ``Amendment``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.counting import check_votes, rubric_of, score_level
from meetings.documents.content import records_freeze
from meetings.models import (
    PRESENT_MARKS,
    AgendaItem,
    AmendedDocument,
    Amendment,
    Attendance,
    Guest,
    Meeting,
    MeetingRules,
    MeetingStatus,
    Minutes,
    Speech,
)
from meetings.selectors.minutes import voters
from meetings.selectors.roll import count_roll
from meetings.services.resolution import ADOPTED_UNCHANGED, resolution_issue
from meetings.services.versions import save_versioned
from members.models import Member
from members.names import person_name

MINUTES_FIELDS = ("opening", "closing", "votes_for", "votes_against", "votes_abstain")


# Statuses from which the minutes can be adopted.
# Only a held meeting (with its actual start and end) has minutes to adopt.
ADOPTABLE = (MeetingStatus.HELD,)


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
    the minutes moved past ``expected_version``. Adopted minutes are not edited (an amendment).
    """
    if Meeting.objects.filter(pk=minutes.meeting_id, status=MeetingStatus.ADOPTED).exists():
        raise ValidationError(ADOPTED_UNCHANGED, code="adopted")
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
    Meeting.records_changed(minutes.meeting_id)  # (a versioned UPDATE saves no row)
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
    Meeting.records_changed(minutes.meeting_id)  # the month's level now counts for the year (the summaries)
    return save_versioned(
        Minutes,
        obj=minutes,
        fields={"score_confirmed_by": by, "score_confirmed_at": timezone.now()},
        expected_version=expected_version,
        by=by,
        what="minutes",
    )


@transaction.atomic
def minutes_adopt(*, meeting: Meeting, by: AbstractBaseUser | None, now: datetime.datetime | None = None) -> Meeting:
    """The minutes were read back and adopted: the meeting is closed, its roll locked and what its
    documents say kept as adopted. ``now``: the moment of adoption (records entered afterwards)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    now = now or timezone.now()
    minutes, counts = _check_adoptable(meeting, now)
    if minutes.score_total is not None:
        rules = MeetingRules.objects.for_branch(meeting.branch)
        level = score_level(minutes.score_total, rules, minutes.scores, counts)
        if level != minutes.score_level:
            Minutes.objects.filter(pk=minutes.pk).update(score_level=level)
    meeting.status = MeetingStatus.ADOPTED
    meeting.minutes_adopted_at = now
    meeting._history_user = by
    meeting.save(update_fields=["status", "minutes_adopted_at"])
    # The resolution takes its number only if its vote passed (docs/domain.md#the-vote).
    resolution_issue(meeting=meeting, by=by)
    # What the documents say is kept as adopted (docs/domain.md#minutes-and-resolution).
    records_freeze(meeting)
    return meeting


def adoption_blocker(meeting: Meeting, *, now: datetime.datetime | None = None) -> str:
    """The first step still missing before the minutes can be adopted, in words ("" when none):
    the adoption page offers its button only when nothing is missing, and names the step otherwise
    (``minutes_adopt`` refuses with the same words). Reads only."""
    try:
        # The minutes as they are, or empty ones not saved: opening the page writes nothing.
        minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
        _check_adoptable(meeting, now or timezone.now(), minutes=minutes)
    except ValidationError as missing:
        return " ".join(missing.messages)
    return ""


def _check_adoptable(
    meeting: Meeting, now: datetime.datetime, *, minutes: Minutes | None = None
) -> tuple[Minutes, object]:
    """Raises ValidationError naming what is missing; returns the minutes and the roll's counts."""
    if meeting.status == MeetingStatus.ADOPTED:
        raise ValidationError(_("These minutes are already adopted."))
    if meeting.status in (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT):
        raise ValidationError(_("First record that the meeting was held, with the time it started and ended."))
    if meeting.status not in ADOPTABLE:
        raise ValidationError(
            _("A meeting that is %(status)s has no minutes to adopt.") % {"status": meeting.get_status_display()}
        )
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
        # The minutes name both and both sign them (docs/domain.md#minutes-and-resolution).
        raise ValidationError(_("Choose the chair and the minute-taker of the meeting first (Edit the meeting)."))
    _check_signers_present(meeting)
    minutes = minutes or minutes_for(meeting)
    # The roll may have changed since the vote and the score were entered: check them again.
    counts = count_roll(meeting)
    check_votes(
        votes_for=minutes.votes_for,
        votes_against=minutes.votes_against,
        votes_abstain=minutes.votes_abstain,
        voters=counts.voters,
    )
    return minutes, counts


def _check_signers_present(meeting: Meeting) -> None:
    """Who signs the minutes was there: the chair and the minute-taker are marked present on the
    roll (or, for a cadre from outside the branch, recorded present as a guest). Two queries."""
    signers = {meeting.chair_id: meeting.chair, meeting.minute_taker_id: meeting.minute_taker}
    present = set(
        Attendance.objects.filter(meeting=meeting, member_id__in=signers, mark__in=PRESENT_MARKS).values_list(
            "member_id", flat=True
        )
    )
    present |= set(
        Guest.objects.filter(meeting=meeting, cadre_id__in=signers, attended=True).values_list("cadre_id", flat=True)
    )
    for role, member in ((_("The chair"), meeting.chair), (_("The minute-taker"), meeting.minute_taker)):
        if member.pk not in present:
            raise ValidationError(
                _(
                    "%(role)s, comrade %(name)s, is not recorded present at the meeting: the minutes are signed "
                    "by those who were there. Correct the roll, or choose who actually chaired or took the minutes."
                )
                % {"role": role, "name": member.full_name},
                code="signer_absent",
            )


@transaction.atomic
def amendment_record(*, meeting: Meeting, document: str, text: str, by: AbstractBaseUser) -> Amendment:
    """Record a correction ("đính chính") of adopted minutes or resolution: printed after the
    adopted text with who made it and when; the adopted text itself never changes."""
    if meeting.status != MeetingStatus.ADOPTED:
        raise ValidationError(_("Only adopted minutes are corrected by an amendment; a draft is simply edited."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Write what is corrected."), code="required")
    if document not in AmendedDocument.values:
        raise ValidationError(_("Choose the minutes or the resolution."), code="invalid")
    return Amendment.objects.create(
        meeting=meeting, document=document, text=text, made_by=by, made_by_name=person_name(by)
    )


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
