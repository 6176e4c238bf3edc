"""Meetings, their agenda and materials: the schedule area's rules and use cases.

Reads that decide which rules, template or guidance apply to a branch walk up the
organisation tree in one query (the ancestors' materialised paths), never a loop.
Services are keyword-only; views call them with cleaned form data.
"""

from __future__ import annotations

import datetime
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, Max, OuterRef, Q, QuerySet, When
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from members import scope
from members.models import Organization, OrganizationKind, RoleKind
from members.selectors import secretary_on
from members.text import search_key

from .models import (
    REGULAR_KINDS,
    AgendaItem,
    AgendaItemKind,
    AgendaTemplate,
    Attachment,
    Guidance,
    Meeting,
    MeetingKind,
    MeetingMove,
    MeetingRules,
    MeetingStatus,
)

# --- Defaults from DOMAIN.md (local practice, overridden per commune) -------

DEFAULT_RUBRIC = [
    {"key": "preparation", "label": gettext_noop("Preparation"), "max": 15},
    {"key": "attendance", "label": gettext_noop("Attendance"), "max": 20},
    {"key": "conduct", "label": gettext_noop("Conduct"), "max": 45},
    {"key": "closing", "label": gettext_noop("Closing"), "max": 20},
]

# The typical running order of a monthly meeting (DOMAIN.md, "The monthly meeting").
DEFAULT_AGENDA = [
    {"title": "Tuyên bố lý do, giới thiệu đại biểu", "kind": AgendaItemKind.OPENING.value, "minutes": 5},
    {"title": "Cử thư ký cuộc họp", "kind": AgendaItemKind.MINUTE_TAKER.value, "minutes": 2},
    {
        "title": "Điểm danh, báo cáo số đảng viên có mặt, vắng mặt",
        "kind": AgendaItemKind.ROLL_CALL.value,
        "minutes": 5,
    },
    {"title": "Thông qua chương trình sinh hoạt", "kind": AgendaItemKind.ADOPT_AGENDA.value, "minutes": 3},
    {
        "title": "Báo cáo kết quả thực hiện nhiệm vụ tháng trước, phương hướng nhiệm vụ tháng tới",
        "kind": AgendaItemKind.REPORT.value,
        "minutes": 20,
    },
    {
        "title": "Thông tin văn bản cấp trên, định hướng nội dung sinh hoạt của Đảng ủy xã",
        "kind": AgendaItemKind.GUIDANCE.value,
        "minutes": 10,
    },
    {"title": "Đồng chí cấp ủy cấp trên phát biểu chỉ đạo", "kind": AgendaItemKind.CADRE.value, "minutes": 10},
    {"title": "Đảng viên thảo luận", "kind": AgendaItemKind.DISCUSSION.value, "minutes": 20},
    {"title": "Chủ trì kết luận, phân công nhiệm vụ", "kind": AgendaItemKind.TASKS.value, "minutes": 5},
    {"title": "Biểu quyết thông qua nghị quyết", "kind": AgendaItemKind.VOTE.value, "minutes": 3},
    {
        "title": "Công tác kết nạp, đánh giá đảng viên (nếu có)",
        "kind": AgendaItemKind.ADMISSION.value,
        "minutes": 5,
    },
    {"title": "Đánh giá chất lượng buổi sinh hoạt", "kind": AgendaItemKind.SCORING.value, "minutes": 5},
    {"title": "Thông qua biên bản cuộc họp", "kind": AgendaItemKind.MINUTES.value, "minutes": 5},
]

# When the branch has no set hour, regular meetings are planned for the evening (after work).
DEFAULT_START_TIME = datetime.time(19, 30)
DEFAULT_LENGTH = datetime.timedelta(minutes=120)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Meetings whose agenda still takes a newly published guidance.
NOT_YET_HELD = (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT, MeetingStatus.POSTPONED)


# --- The tree above a branch -----------------------------------------------


def ancestor_paths(organization: Organization) -> list[str]:
    """Materialised paths of the node and all its ancestors, root first."""
    step = Organization.steplen
    return [organization.path[:end] for end in range(step, len(organization.path) + 1, step)]


def rules_for(branch: Organization) -> MeetingRules:
    """The nearest ancestor's rules, else unsaved rules with DOMAIN.md defaults."""
    rules = (
        MeetingRules.objects.filter(organization__path__in=ancestor_paths(branch))
        .order_by("-organization__depth")
        .first()
    )
    if rules is None:
        rules = MeetingRules(organization=branch)
    if not rules.rubric:
        rules.rubric = [dict(criterion) for criterion in DEFAULT_RUBRIC]
    return rules


def agenda_template_items(organization: Organization) -> list[dict]:
    """The running order new meetings start from: nearest template up the tree, else the default."""
    template = (
        AgendaTemplate.objects.filter(organization__path__in=ancestor_paths(organization))
        .order_by("-organization__depth")
        .first()
    )
    if template is not None and template.items:
        return [dict(item) for item in template.items]
    return [dict(item) for item in DEFAULT_AGENDA]


def guidance_for(branch: Organization, month: datetime.date) -> QuerySet[Guidance]:
    """The month's guidance published by any organisation above the branch."""
    return Guidance.objects.filter(organization__path__in=ancestor_paths(branch), month=month).order_by(
        "organization__depth", "published_at", "pk"
    )


# --- Scope wrappers over members.scope ---------------------------------------


def staff_organizations(user) -> list[Organization]:
    """Organisations where the user is commune staff: they publish guidance and keep templates there."""
    if user.is_superuser:
        return list(Organization.objects.exclude(kind=OrganizationKind.BRANCH).order_by("path"))
    return [
        role.organization
        for role in scope.roles(user)
        if role.kind == RoleKind.COMMUNE_STAFF and not role.organization.is_branch
    ]


def can_keep_template(user, organization: Organization) -> bool:
    """Commune staff edit the agenda template of their node or a node under it."""
    if user.is_superuser:
        return True
    return any(organization.path.startswith(org.path) for org in staff_organizations(user))


def can_log_reported(user, branch: Organization) -> bool:
    """Commune staff above a branch may log a meeting the branch reported as held."""
    return scope.can_correct_meeting(user, Meeting(branch=branch))


def visible_guidance(user) -> QuerySet[Guidance]:
    """Guidance published in the user's subtree or above any node the user belongs to."""
    if user.is_superuser:
        return Guidance.objects.all()
    q = Q(pk__in=[])
    for role in scope.roles(user):
        path = role.organization.path
        q |= Q(organization__path__startswith=path) | Q(organization__path__in=ancestor_paths(role.organization))
    return Guidance.objects.filter(q)


def visible_attachments(user) -> QuerySet[Attachment]:
    """Attachments of meetings in scope, or of guidance the user may read."""
    return Attachment.objects.filter(
        Q(agenda_item__meeting__in=scope.meetings(user)) | Q(guidance__in=visible_guidance(user))
    )


# --- Dates -------------------------------------------------------------------


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def previous_month(month: datetime.date) -> datetime.date:
    return add_months(first_of_month(month), -1)


def local_datetime(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def month_of(moment: datetime.datetime) -> datetime.date:
    return first_of_month(timezone.localtime(moment).date())


# --- Creating meetings --------------------------------------------------------


def _agenda_rows(meeting: Meeting, template: list[dict], guidances: list[Guidance]) -> list[AgendaItem]:
    """Template items in order, the month's guidance placed after the template's guidance item."""
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


def _add_expected_cadres(meeting: Meeting) -> None:
    """The roll area lists the branch's assigned cadres as guests, once it exists."""
    try:
        from meetings.roll import add_expected_cadres
    except (ImportError, AttributeError):
        return
    add_expected_cadres(meeting)


def _check_one_regular(branch: Organization, month: datetime.date, kind: str, exclude_pk=None) -> None:
    if kind not in REGULAR_KINDS:
        return
    clash = Meeting.objects.filter(branch=branch, month=month, kind__in=REGULAR_KINDS).exclude(
        status=MeetingStatus.CANCELLED
    )
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            _("%(branch)s already has a regular meeting for %(month)s."),
            params={"branch": branch.name, "month": month.strftime("%m/%Y")},
            code="one_regular",
        )


def meeting_create(
    *,
    branch: Organization,
    kind: str = MeetingKind.REGULAR,
    planned_start: datetime.datetime,
    planned_end: datetime.datetime,
    place: str = "",
    topic: str = "",
    month: datetime.date | None = None,
    by=None,
    held: bool = False,
) -> Meeting:
    """A new meeting from the commune's agenda template, with the month's guidance on its agenda.

    ``held`` logs a meeting a branch reported (commune staff): it is recorded as held at the
    planned times and marked as logged by the commune.
    """
    if planned_end <= planned_start:
        raise ValidationError(_("The meeting must end after it starts."), code="order")
    month = first_of_month(month) if month else month_of(planned_start)
    _check_one_regular(branch, month, kind)
    meeting = Meeting(
        branch=branch,
        kind=kind,
        month=month,
        planned_start=planned_start,
        planned_end=planned_end,
        place=place or branch.meeting_place,
        topic=topic,
        # The secretary chairs the monthly meeting unless someone else is chosen.
        chair=secretary_on(branch, timezone.localtime(planned_start).date()),
    )
    if held:
        meeting.status = MeetingStatus.HELD
        meeting.actual_start, meeting.actual_end = planned_start, planned_end
        meeting.logged_by_commune = True
    meeting._history_user = by
    try:
        with transaction.atomic():
            meeting.save()
            AgendaItem.objects.bulk_create(
                _agenda_rows(meeting, agenda_template_items(branch), list(guidance_for(branch, month)))
            )
            _add_expected_cadres(meeting)
    except IntegrityError:
        # Another request created the month's regular meeting between the check and the insert.
        raise ValidationError(
            _("%(branch)s already has a regular meeting for %(month)s."),
            params={"branch": branch.name, "month": month.strftime("%m/%Y")},
            code="one_regular",
        ) from None
    return meeting


def regular_meeting_day(branch: Organization, month: datetime.date) -> datetime.date | None:
    """The branch's regular meeting day in a month (day 5, first Saturday, …)."""
    return branch.meeting_date(month.year, month.month)


def schedule_regular_meetings(*, months_ahead: int, today: datetime.date) -> int:
    """Create the regular meetings of this month and the next ``months_ahead`` months.

    Safe to run any number of times: a branch-month that has a regular meeting (even a
    cancelled or moved one) is left alone, and the unique constraint
    ``meeting_one_regular_per_month`` refuses a duplicate from a concurrent run.
    Days already past are not scheduled. Returns how many meetings were created.
    """
    first = first_of_month(today)
    months = [add_months(first, offset) for offset in range(months_ahead + 1)]
    branches = list(
        Organization.objects.filter(kind=OrganizationKind.BRANCH)
        .filter(Q(meeting_day__isnull=False) | Q(meeting_weekday__isnull=False, meeting_week__isnull=False))
        .order_by("path")
    )
    taken = set(
        Meeting.objects.filter(branch__in=branches, month__in=months, kind__in=REGULAR_KINDS).values_list(
            "branch_id", "month"
        )
    )
    created = 0
    for branch in branches:
        for month in months:
            day = regular_meeting_day(branch, month)
            if day is None or day < today or (branch.pk, month) in taken:
                continue
            start = local_datetime(day, DEFAULT_START_TIME)
            try:
                meeting_create(
                    branch=branch,
                    kind=MeetingKind.REGULAR,
                    planned_start=start,
                    planned_end=start + DEFAULT_LENGTH,
                    month=month,
                )
            except ValidationError:
                continue
            created += 1
    return created


# --- Changing a meeting -------------------------------------------------------


def _save(meeting: Meeting, by, fields: list[str]) -> Meeting:
    meeting._history_user = by
    meeting.save(update_fields=fields)
    return meeting


def _refuse_unless(meeting: Meeting, allowed, message: str) -> None:
    if meeting.status not in allowed:
        raise ValidationError(message % {"status": meeting.get_status_display()}, code="status")


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, kind: str, place: str, topic: str, chair=None, minute_taker=None, by
) -> Meeting:
    """Edit what the meeting is about and who runs it. The date changes only by moving it."""
    _refuse_unless(meeting, set(MeetingStatus) - {MeetingStatus.CANCELLED}, _("A cancelled meeting cannot be edited."))
    _check_one_regular(meeting.branch, meeting.month, kind, exclude_pk=meeting.pk)
    meeting.kind, meeting.place, meeting.topic = kind, place, topic
    meeting.chair, meeting.minute_taker = chair, minute_taker
    return _save(meeting, by, ["kind", "place", "topic", "chair", "minute_taker"])


@transaction.atomic
def meeting_move(
    *,
    meeting: Meeting,
    new_start: datetime.datetime,
    new_end: datetime.datetime | None = None,
    reason: str,
    by,
) -> MeetingMove:
    """Move a meeting to another time; the old date and the reason are kept.

    A notice already sent announced the old time, so the meeting goes back to draft and
    the secretary sends a new one.
    """
    _refuse_unless(meeting, NOT_YET_HELD, _("A meeting that is %(status)s cannot be moved."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for moving the meeting."), code="reason")
    new_end = new_end or new_start + (meeting.planned_end - meeting.planned_start)
    if new_end <= new_start:
        raise ValidationError(_("The meeting must end after it starts."), code="order")
    move = MeetingMove.objects.create(
        meeting=meeting, old_start=meeting.planned_start, new_start=new_start, reason=reason.strip(), moved_by=by
    )
    meeting.planned_start, meeting.planned_end = new_start, new_end
    meeting.status, meeting.notice_sent_at, meeting.status_reason = MeetingStatus.DRAFT, None, ""
    _save(meeting, by, ["planned_start", "planned_end", "status", "notice_sent_at", "status_reason"])
    # Cadres assigned on the new day are expected too.
    _add_expected_cadres(meeting)
    return move


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, by) -> Meeting:
    _refuse_unless(meeting, NOT_YET_HELD, _("A meeting that is %(status)s cannot be cancelled."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for cancelling the meeting."), code="reason")
    meeting.status, meeting.status_reason = MeetingStatus.CANCELLED, reason.strip()
    return _save(meeting, by, ["status", "status_reason"])


@transaction.atomic
def meeting_postpone(*, meeting: Meeting, reason: str, by) -> Meeting:
    """Postponed until a new date is set (by moving it)."""
    _refuse_unless(
        meeting,
        (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT),
        _("A meeting that is %(status)s cannot be postponed."),
    )
    if not reason.strip():
        raise ValidationError(_("Give the reason for postponing the meeting."), code="reason")
    meeting.status, meeting.status_reason = MeetingStatus.POSTPONED, reason.strip()
    return _save(meeting, by, ["status", "status_reason"])


@transaction.atomic
def meeting_send_notice(*, meeting: Meeting, by, now: datetime.datetime | None = None) -> Meeting:
    """Record that the notice went out. Sending the messages themselves is another area's job."""
    _refuse_unless(
        meeting, (MeetingStatus.DRAFT,), _("The notice can only be sent for a draft meeting, not %(status)s.")
    )
    meeting.status, meeting.notice_sent_at = MeetingStatus.NOTICE_SENT, now or timezone.now()
    return _save(meeting, by, ["status", "notice_sent_at"])


@transaction.atomic
def meeting_mark_held(
    *, meeting: Meeting, actual_start: datetime.datetime, actual_end: datetime.datetime, by
) -> Meeting:
    """Record when the meeting actually ran; also corrects the times of a held meeting."""
    _refuse_unless(
        meeting, (*NOT_YET_HELD, MeetingStatus.HELD, MeetingStatus.ADOPTED), _("A %(status)s meeting cannot be held.")
    )
    if actual_end <= actual_start:
        raise ValidationError(_("The meeting must end after it starts."), code="order")
    meeting.actual_start, meeting.actual_end = actual_start, actual_end
    if meeting.status in NOT_YET_HELD:
        meeting.status, meeting.status_reason = MeetingStatus.HELD, ""
    return _save(meeting, by, ["actual_start", "actual_end", "status", "status_reason"])


# --- Agenda ---------------------------------------------------------------------


def agenda_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The agenda in order with every attachment, in three queries whatever its size."""
    return (
        meeting.agenda_items.select_related("guidance")
        .prefetch_related("attachments", "guidance__attachments")
        .order_by("position", "pk")
    )


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
    by=None,
) -> AgendaItem:
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    return AgendaItem.objects.create(
        meeting=meeting,
        position=0 if last is None else last + 1,
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
    by=None,
) -> AgendaItem:
    item.title, item.kind, item.presenter = title, kind, presenter
    item.planned_minutes, item.notes = planned_minutes, notes
    item.save(update_fields=["title", "kind", "presenter", "planned_minutes", "notes"])
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by=None) -> None:
    """Remove an item and its files; the rest close up."""
    meeting = item.meeting
    files = [attachment.file for attachment in item.attachments.all()]
    item.delete()
    _renumber(meeting)
    for file in files:
        transaction.on_commit(lambda f=file: f.storage.delete(f.name))


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str, by=None) -> None:
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


def last_meeting_before(meeting: Meeting) -> Meeting | None:
    """The branch's latest earlier meeting that has an agenda, regular ones first within a month."""
    return (
        Meeting.objects.filter(branch_id=meeting.branch_id, month__lt=meeting.month)
        .filter(Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"))))
        .exclude(status=MeetingStatus.CANCELLED)
        .annotate(is_regular=Case(When(kind__in=REGULAR_KINDS, then=1), default=0))
        .order_by("-month", "-is_regular", "-planned_start")
        .first()
    )


@transaction.atomic
def agenda_copy_last(*, meeting: Meeting, by=None) -> int:
    """Replace the agenda with the last meeting's; returns how many items were copied.

    Last month's guidance items are not copied (they were last month's); this month's
    guidance items and items with files stay, placed after the copied guidance item.
    """
    _refuse_unless(meeting, NOT_YET_HELD, _("The agenda of a meeting that is %(status)s is not replaced."))
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
    return len(copied)


def _insert_guidance(meeting: Meeting, guidance: Guidance) -> AgendaItem | None:
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
def agenda_template_save(*, organization: Organization, items: list[dict], by=None) -> AgendaTemplate:
    """Items are [{"title", "kind", "minutes"}] in order."""
    clean = [
        {"title": item["title"], "kind": item["kind"], "minutes": item.get("minutes") or None}
        for item in items
        if item.get("title")
    ]
    template, _created = AgendaTemplate.objects.update_or_create(organization=organization, defaults={"items": clean})
    return template


# --- Guidance -------------------------------------------------------------------


@transaction.atomic
def guidance_publish(
    *,
    organization: Organization,
    month: datetime.date,
    title: str,
    body: str,
    by,
    files: tuple[UploadedFile, ...] | list[UploadedFile] = (),
) -> Guidance:
    """Publish the month's guidance to every branch under the organisation.

    Meetings of that month not yet held get it on their agenda now; meetings created
    later take it from ``guidance_for``.
    """
    guidance = Guidance.objects.create(
        organization=organization, month=first_of_month(month), title=title, body=body, published_by=by
    )
    for upload in files:
        attachment_upload(guidance=guidance, upload=upload, by=by)
    meetings = Meeting.objects.filter(
        branch__path__startswith=organization.path, month=guidance.month, status__in=NOT_YET_HELD
    )
    for meeting in meetings:
        _insert_guidance(meeting, guidance)
    return guidance


# --- Uploads --------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
DOCX = FileKind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileKind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
JPEG = FileKind("JPG", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("PNG", "image/png", (".png",))
ALLOWED_KINDS = (PDF, DOCX, XLSX, JPEG, PNG)
ALLOWED_EXTENSIONS = tuple(ext for kind in ALLOWED_KINDS for ext in kind.extensions)


def _sniff(upload: UploadedFile) -> FileKind | None:
    """What the file really is, from its bytes; None when it is none of the allowed kinds."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        # Office files are zip archives; only the part names tell Word from Excel.
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, EOFError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if any(name.startswith("word/") for name in names):
                return DOCX
            if any(name.startswith("xl/") for name in names):
                return XLSX
    return None


def check_upload(upload: UploadedFile) -> FileKind:
    """Refuse anything but PDF, DOCX, XLSX, JPG and PNG up to 10 MB, judged by content and name."""
    name = upload.name or ""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB. Please send a smaller file."), params={"name": name}, code="size"
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty."), params={"name": name}, code="empty")
    kind = _sniff(upload)
    if kind is None:
        raise ValidationError(
            _("%(name)s is not a PDF, Word (DOCX), Excel (XLSX), JPG or PNG file."), params={"name": name}, code="kind"
        )
    if not name.lower().endswith(kind.extensions):
        raise ValidationError(
            _("%(name)s is a %(kind)s file but its name says otherwise. Rename it to end in %(ext)s."),
            params={"name": name, "kind": kind.label, "ext": kind.extensions[0]},
            code="name",
        )
    return kind


@transaction.atomic
def attachment_upload(
    *, agenda_item: AgendaItem | None = None, guidance: Guidance | None = None, upload: UploadedFile, by
) -> Attachment:
    """Store a checked file through Django's storage; the first file of a meeting marks its materials posted."""
    if (agenda_item is None) == (guidance is None):
        raise ValueError("An attachment belongs to an agenda item or a guidance.")
    kind = check_upload(upload)
    name = upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    attachment = Attachment(
        agenda_item=agenda_item,
        guidance=guidance,
        name=name,
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    if agenda_item is not None:
        Meeting.objects.filter(pk=agenda_item.meeting_id, materials_posted_at__isnull=True).update(
            materials_posted_at=timezone.now()
        )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by=None) -> None:
    file = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: file.storage.delete(file.name))


@transaction.atomic
def meeting_rules_save(*, organization: Organization, values: dict, rubric: list[dict], by) -> MeetingRules:
    """Save a commune's local practice; its branches' flags and scores follow it from now on."""
    rules = MeetingRules.objects.filter(organization=organization).first() or MeetingRules(organization=organization)
    for name, value in values.items():
        setattr(rules, name, value)
    rules.rubric = [
        {
            "key": item.get("key") or slugify(search_key(item["label"])) or f"criterion-{n}",
            "label": item["label"],
            "max": item["max"],
            **({"full_for_good": True} if item.get("full_for_good") else {}),
        }
        for n, item in enumerate(rubric, start=1)
    ]
    rules._history_user = by
    rules.save()
    return rules
