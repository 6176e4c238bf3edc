"""Report-back: the outcomes of a branch's petitions appear by themselves on its next meeting's agenda.

``report_back_item_ensure`` keeps exactly one agenda item of kind ``PETITIONS`` ("Thông báo kết
quả giải quyết kiến nghị") on the branch's next monthly meeting not yet held
(``petitions.selectors.meeting.next_meeting``), its notes listing each outcome waiting to be read
out (answers, refusals, "not within the commune's competence", escalations) and each one already
reported back there. It runs after each of those outcomes or a report-back
(``petitions.services.workflow``) and whenever a meeting is created, moved or changes status
(``meeting_saved``, connected in ``PetitionsConfig.ready``: meetings does not know petitions).

It can run any number of times: the unique constraint ``agenda_one_petitions_item`` keeps a
meeting from getting two items even when two requests race; a meeting not yet held that is no
longer the next one loses its item unless something was recorded on it (a conclusion, a file, a
petition reported back there), in which case it keeps listing only what was reported there.
Items of meetings already held are never touched: they are what the meeting heard.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from meetings.models import NOT_YET_HELD, AgendaItem, AgendaItemKind, Meeting, MeetingStatus
from meetings.services.agenda import agenda_item_remove
from members.models import Organization
from petitions import outcomes
from petitions.models import Petition
from petitions.selectors.meeting import by_outcome_day, next_meeting, report_back_rows, reported_here

# The agenda item's words are the minutes' words (Vietnamese, like the agenda template's).
REPORT_BACK_TITLE = "Thông báo kết quả giải quyết kiến nghị"
REPORT_BACK_MINUTES = 10
# Meetings whose report-back item may still change: not yet held, or cancelled (never held).
OPEN_MEETING_STATUSES = (*NOT_YET_HELD, MeetingStatus.CANCELLED)
# Where the item goes: after the reports and the higher level's information, before the cadre speaks.
AFTER_KINDS = (AgendaItemKind.REPORT, AgendaItemKind.GUIDANCE)
BEFORE_KINDS = (AgendaItemKind.CADRE, AgendaItemKind.DISCUSSION, AgendaItemKind.TASKS)
# A meeting save that may change which meeting is next.
MEETING_FIELDS = frozenset({"planned_start", "planned_end", "status", "kind", "month"})


def _day(day: datetime.date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def report_back_notes(petitions: Iterable[Petition], meeting: Meeting | None = None) -> str:
    """One numbered line per petition: its title, who answered and when, and the answer; any
    other outcome (a refusal, "not within the commune's competence", where it was sent up) in
    the minutes' sentence (``petitions.outcomes``)."""
    lines = []
    for number, petition in enumerate(petitions, start=1):
        kind = outcomes.outcome_kind(petition, meeting)
        if kind != outcomes.ANSWER:
            lines.append(outcomes.outcome_line(number, petition, meeting))
            continue
        source = ", ".join(
            part for part in (petition.body.name if petition.body else "", _day(petition.answered_on)) if part
        )
        answer = " ".join(petition.answer.split())
        lines.append(f"{number}. {petition.title}" + (f" ({source})" if source else "") + f": {answer}")
    return "\n".join(lines)


def _slot(kinds: list[str]) -> int:
    after = [i for i, kind in enumerate(kinds) if kind in AFTER_KINDS]
    if after:
        return after[-1] + 1
    return next((i for i, kind in enumerate(kinds) if kind in BEFORE_KINDS), len(kinds))


def _item(meeting: Meeting) -> AgendaItem | None:
    return meeting.agenda_items.filter(kind=AgendaItemKind.PETITIONS).first()


def _insert(meeting: Meeting, notes: str) -> AgendaItem:
    """Put the item in its place on the agenda; if another request just did, refresh that one."""
    items = list(meeting.agenda_items.order_by("position", "pk"))
    at = _slot([item.kind for item in items])
    row = AgendaItem(
        meeting=meeting,
        position=at,
        title=REPORT_BACK_TITLE,
        kind=AgendaItemKind.PETITIONS,
        planned_minutes=REPORT_BACK_MINUTES,
        notes=notes,
    )
    try:
        with transaction.atomic():
            moved = []
            for position, item in enumerate(items):
                wanted = position if position < at else position + 1
                if item.position != wanted:
                    item.position = wanted
                    moved.append(item)
            AgendaItem.objects.bulk_update(moved, ["position"])
            row.save()
    except IntegrityError:
        row = _item(meeting)
        if row is None:
            raise
        _set_notes(row, notes)
    return row


def _set_notes(item: AgendaItem, notes: str) -> None:
    if item.notes != notes:
        item.notes = notes
        item.save(update_fields=["notes"])


def _withdraw(item: AgendaItem) -> None:
    """The item of a meeting that is no longer the next one: removed, unless something was recorded."""
    reported = by_outcome_day(reported_here(item.meeting), item.meeting)
    if not reported and not item.conclusion.strip() and not item.attachments.exists():
        agenda_item_remove(item=item)
    else:
        _set_notes(item, report_back_notes(reported, item.meeting))


@transaction.atomic
def report_back_item_ensure(*, branch: Organization, today: datetime.date | None = None) -> AgendaItem | None:
    """Make the branch's next meeting carry the one report-back item it should; returns that item
    (None when there is no next meeting or nothing to report back)."""
    today = today or timezone.localdate()
    target = next_meeting(branch, today=today)
    others = AgendaItem.objects.filter(
        meeting__branch=branch, kind=AgendaItemKind.PETITIONS, meeting__status__in=OPEN_MEETING_STATUSES
    ).select_related("meeting")
    if target is not None:
        others = others.exclude(meeting=target)
    for item in others:
        _withdraw(item)
    if target is None:
        return None

    rows = report_back_rows(target)
    item = _item(target)
    if not rows:
        if item is not None:
            _withdraw(item)
        return None
    notes = report_back_notes(rows, target)
    if item is None:
        return _insert(target, notes)
    _set_notes(item, notes)
    return item


# --- Meetings created, moved, held or cancelled ------------------------------------------------


def meeting_saved(sender, instance: Meeting, created: bool = False, update_fields=None, raw: bool = False, **kwargs):
    """A meeting was created or its date or status changed: the next meeting may be another one.

    Runs once the transaction commits: ``meeting_create`` saves the meeting before it adds the
    template's agenda, and the item must go in among those rows.
    """
    if raw or (update_fields is not None and not MEETING_FIELDS & set(update_fields)):
        return
    branch = instance.branch
    transaction.on_commit(lambda: report_back_item_ensure(branch=branch))


def connect_signals() -> None:
    post_save.connect(meeting_saved, sender=Meeting, dispatch_uid="petitions.report_back.meeting_saved")
