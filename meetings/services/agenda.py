"""A meeting's agenda: built from the commune's template and the month's guidance, edited in place,
copied from last month.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from meetings.models import (
    THEMATIC_KINDS,
    AgendaItem,
    AgendaItemKind,
    AgendaTemplate,
    Guidance,
    Meeting,
)
from meetings.selectors.agenda import last_meeting_before
from members.models import Organization


def agenda_rows(meeting: Meeting, template: list[dict], guidances: list[Guidance]) -> list[AgendaItem]:
    """Template items in order, the month's guidance placed after the template's guidance item;
    a thematic meeting (or a combined one) has an item for its theme, before the discussion,
    unless the template has one."""
    template = _with_theme(meeting, template)
    rows = [
        AgendaItem(
            meeting=meeting,
            title=str(item.get("title", ""))[:300],
            kind=item.get("kind") if item.get("kind") in AgendaItemKind.values else AgendaItemKind.OTHER,
            planned_minutes=item.get("minutes") or None,
        )
        for item in template
        if item.get("title")
    ]
    guidance_rows = [_guidance_row(meeting, guidance) for guidance in guidances]
    at = _guidance_slot([row.kind for row in rows])
    rows[at:at] = guidance_rows
    for position, row in enumerate(rows):
        row.position = position
    return rows


def _with_theme(meeting: Meeting, template: list[dict]) -> list[dict]:
    if meeting.kind not in THEMATIC_KINDS or any(item.get("kind") == AgendaItemKind.THEMATIC for item in template):
        return template
    topic = (meeting.topic or "").strip()
    # In Vietnamese, as the default agenda's titles are (they are the minutes' words).
    title = f"Sinh hoạt chuyên đề: {topic}" if topic else "Sinh hoạt chuyên đề"
    item = {"title": title, "kind": AgendaItemKind.THEMATIC.value, "minutes": 30}
    kinds = [entry.get("kind") for entry in template]
    at = next(
        (i for i, kind in enumerate(kinds) if kind in (AgendaItemKind.DISCUSSION, AgendaItemKind.TASKS)), len(kinds)
    )
    return [*template[:at], item, *template[at:]]


def _guidance_slot(kinds: list[str]) -> int:
    """Where guidance goes: after the last guidance item, else before the cadre or discussion, else last."""
    guidance_at = [i for i, kind in enumerate(kinds) if kind == AgendaItemKind.GUIDANCE]
    if guidance_at:
        return guidance_at[-1] + 1
    for i, kind in enumerate(kinds):
        if kind in (AgendaItemKind.CADRE, AgendaItemKind.DISCUSSION, AgendaItemKind.TASKS):
            return i
    return len(kinds)


def _guidance_row(meeting: Meeting, guidance: Guidance) -> AgendaItem:
    return AgendaItem(
        meeting=meeting,
        title=guidance.title,
        kind=AgendaItemKind.GUIDANCE,
        guidance=guidance,
        presenter="",
        notes=guidance.body,
    )


# The items that close a meeting, in their running order (docs/domain.md#the-monthly-meeting).
CLOSING_KINDS = (
    AgendaItemKind.TASKS,
    AgendaItemKind.VOTE,
    AgendaItemKind.ADMISSION,
    AgendaItemKind.SCORING,
    AgendaItemKind.MINUTES,
)


def _insert_slot(kinds: list[str], kind: str) -> int:
    """Where a new item goes: before the closing items at the end of the agenda, not after
    "Thông qua biên bản". A closing item itself goes to its place among them.
    """
    rank = CLOSING_KINDS.index(kind) + 1 if kind in CLOSING_KINDS else 0
    at = len(kinds)
    while at and kinds[at - 1] in CLOSING_KINDS and CLOSING_KINDS.index(kinds[at - 1]) + 1 > rank:
        at -= 1
    return at


def _renumber(meeting: Meeting) -> list[AgendaItem]:
    items = list(meeting.agenda_items.order_by("position", "pk"))
    changed = []
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            changed.append(item)
    AgendaItem.objects.bulk_update(changed, ["position"])
    return items


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    kind: str = AgendaItemKind.OTHER,
    presenter: str = "",
    planned_minutes: int | None = None,
    notes: str = "",
    by: AbstractBaseUser | None = None,
) -> AgendaItem:
    items = _renumber(meeting)
    at = _insert_slot([item.kind for item in items], kind)
    meeting.agenda_items.filter(position__gte=at).update(position=F("position") + 1)
    return AgendaItem.objects.create(
        meeting=meeting,
        position=at,
        title=title,
        kind=kind,
        presenter=presenter,
        planned_minutes=planned_minutes,
        notes=notes,
    )


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    title: str,
    kind: str,
    presenter: str = "",
    planned_minutes: int | None = None,
    notes: str = "",
    by: AbstractBaseUser | None = None,
) -> AgendaItem:
    item.title, item.kind, item.presenter = title, kind, presenter
    item.planned_minutes, item.notes = planned_minutes, notes
    item.save(update_fields=["title", "kind", "presenter", "planned_minutes", "notes"])
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: AbstractBaseUser | None = None) -> None:
    """Remove an item and its files; the rest close up."""
    meeting = item.meeting
    files = [attachment.file for attachment in item.attachments.all()]
    item.delete()
    _renumber(meeting)
    for file in files:
        transaction.on_commit(lambda f=file: f.storage.delete(f.name))


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str, by: AbstractBaseUser | None = None) -> None:
    """Swap an item with its neighbour above ("up") or below ("down")."""
    if direction not in ("up", "down"):
        raise ValueError(direction)
    items = _renumber(item.meeting)
    index = next(i for i, row in enumerate(items) if row.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return
    first, second = items[index], items[other]
    first.position, second.position = second.position, first.position
    AgendaItem.objects.bulk_update([first, second], ["position"])


@transaction.atomic
def agenda_copy_last(*, meeting: Meeting, by: AbstractBaseUser | None = None) -> int:
    """Replace the agenda with the last meeting's; returns how many items were copied.

    Last month's guidance items are not copied (they were last month's); this month's
    guidance items and items with files stay, placed after the copied guidance item.
    """
    meeting.check_allows("copy_last")
    source = last_meeting_before(meeting)
    if source is None:
        raise ValidationError(_("This branch has no earlier meeting with an agenda to copy."), code="none")
    copied = [
        AgendaItem(
            meeting=meeting,
            title=item.title,
            kind=item.kind,
            presenter=item.presenter,
            planned_minutes=item.planned_minutes,
            notes=item.notes,
        )
        for item in source.agenda_items.filter(guidance__isnull=True).order_by("position", "pk")
    ]
    kept = list(
        meeting.agenda_items.filter(Q(guidance__isnull=False) | Q(attachments__isnull=False))
        .distinct()
        .order_by("position", "pk")
    )
    meeting.agenda_items.exclude(pk__in=[item.pk for item in kept]).delete()
    at = _guidance_slot([item.kind for item in copied])
    rows = copied[:at] + kept + copied[at:]
    for position, row in enumerate(rows):
        row.position = position
    AgendaItem.objects.bulk_create(copied)
    AgendaItem.objects.bulk_update(kept, ["position"])
    Meeting.records_changed(meeting.pk)  # (deleted and inserted in bulk, not row by row)
    return len(copied)


def agenda_insert_guidance(meeting: Meeting, guidance: Guidance) -> AgendaItem | None:
    """Put a guidance on an existing meeting's agenda, after its guidance item."""
    if meeting.agenda_items.filter(guidance=guidance).exists():
        return None
    items = _renumber(meeting)
    at = _guidance_slot([item.kind for item in items])
    meeting.agenda_items.filter(position__gte=at).update(position=F("position") + 1)
    row = _guidance_row(meeting, guidance)
    row.position = at
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return None
    return row


@transaction.atomic
def agenda_template_save(
    *, organization: Organization, items: list[dict], by: AbstractBaseUser | None = None
) -> AgendaTemplate:
    """Items are [{"title", "kind", "minutes"}] in order."""
    clean = [
        {"title": item["title"], "kind": item["kind"], "minutes": item.get("minutes") or None}
        for item in items
        if item.get("title")
    ]
    template, _created = AgendaTemplate.objects.update_or_create(organization=organization, defaults={"items": clean})
    return template
