"""A petition's life: recording it, then every action of ``ACTIONS``, the one table of the
workflow (at the end of this module).

Each action locks the petition's row, checks the user's right (``petitions.access.may``), the
status table (``Petition.check_allows``) and its input, then changes the petition and writes
exactly one timeline entry in the same transaction. A refusal raises ``ValidationError`` (bad
input, a transition the table does not allow) or ``PermissionDenied`` (not this user's to do)
and changes nothing. Every service returns the petition as it now is.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from meetings.models import Meeting, MeetingStatus
from meetings.services.uploads import check_upload, upload_name
from members.dates import plausible_date
from members.models import Member, Organization, RoleKind
from members.names import person_name
from members.text import clean_name, clean_text
from notifications.phones import NotAsciiDigits, normalize_phone
from petitions import access, reminders
from petitions.forms.actions import (
    ActionForm,
    AnswerAtMeetingForm,
    AnswerForm,
    AssignForm,
    AttachForm,
    CommentForm,
    DeclineForm,
    EscalateForm,
    ExtendDeadlineForm,
    ForwardForm,
    NotCompetentForm,
    ReportBackForm,
    ReportOutcomeForm,
    SetDeadlineForm,
    StartForm,
    TellResidentForm,
)
from petitions.models import (
    HANDLERS,
    OTHER_OUTCOMES,
    OVERSEERS,
    REPORTERS,
    RUNNING_STATUSES,
    Body,
    Category,
    EventKind,
    Petition,
    PetitionAttachment,
    PetitionEvent,
    PetitionKind,
    PetitionStatus,
    Priority,
    ToldHow,
    default_deadline,
)
from petitions.services.catalogue import catalogue_ensure
from petitions.services.reportback import report_back_item_ensure

# --- Checks shared by the actions --------------------------------------------------------------


def _required(value: str, message: str, code: str) -> str:
    value = clean_text(value)
    if not value:
        raise ValidationError(message, code=code)
    return value


def _resident_phone(raw: str) -> str:
    """A resident's phone as stored, by the one reader of numbers (notifications.phones): 0 and nine
    digits (a landline's ten), typed with the digits 0 to 9."""
    if not (raw or "").strip():
        return ""
    try:
        return normalize_phone(raw)
    except NotAsciiDigits:
        raise ValidationError(_("Type the phone number with the digits 0 to 9."), code="resident_phone") from None
    except ValueError:
        raise ValidationError(
            _("%(value)s is not a Vietnamese phone number (e.g. 0912 345 678)."),
            params={"value": raw},
            code="resident_phone",
        ) from None


def _commune(branch: Organization) -> Organization:
    commune = access.commune_of(branch)
    if commune is None:
        raise ValidationError(_("This branch is not under a commune."), code="commune")
    return commune


def _check_body(body: Body, petition: Petition) -> None:
    if body.commune_id != petition.category.commune_id:
        raise ValidationError(_("%(body)s is a body of another commune."), params={"body": body.name}, code="body")


def _check_officer(officer: AbstractBaseUser, petition: Petition) -> None:
    if not access.is_officer_at(officer, petition.category.commune):
        raise ValidationError(
            _("%(name)s is not an officer of this commune."),
            params={"name": _person(officer)},
            code="officer",
        )


# A deadline, or the day an answer from above is expected, is at most this many years ahead.
YEARS_AHEAD = 2


def years_after(day: datetime.date, years: int = YEARS_AHEAD) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _plausible(day: datetime.date | None, code: str) -> None:
    """``members.dates.plausible_date`` (no year before 1900, nothing years ahead), its message
    keyed to the form field ``code``."""
    try:
        plausible_date(day)
    except ValidationError as error:
        raise ValidationError(error.message, params=error.params, code=code) from None


def _check_deadline(deadline: datetime.date, petition: Petition, code: str = "deadline") -> None:
    """On or after the day raised and within two years of today (not 31/12/9999)."""
    _plausible(deadline, code)
    if deadline < petition.raised_on:
        raise ValidationError(
            _("The deadline cannot be before the day the petition was raised (%(day)s)."),
            params={"day": _day(petition.raised_on)},
            code=code,
        )
    latest = years_after(timezone.localdate())
    if deadline > latest:
        raise ValidationError(
            _("The deadline must be within two years from today (no later than %(day)s)."),
            params={"day": _day(latest)},
            code=code,
        )


def _check_meeting(meeting: Meeting | None, petition: Petition) -> Meeting:
    if meeting is None:
        raise ValidationError(_("Choose the meeting."), code="meeting")
    if meeting.branch_id != petition.branch_id:
        raise ValidationError(_("The meeting must be one of this branch's meetings."), code="meeting")
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."), code="meeting")
    return meeting


def meeting_has_come(meeting: Meeting, today: datetime.date | None = None) -> bool:
    """Whether outcomes can be read out (or petitions recorded) at the meeting: it was held, or
    its day has come; never a meeting still to come, postponed or cancelled."""
    today = today or timezone.localdate()
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED):
        return False
    return meeting.day <= today


def _check_meeting_has_come(meeting: Meeting) -> None:
    if not meeting_has_come(meeting):
        raise ValidationError(
            _(
                "The meeting of %(day)s has not taken place yet: the outcome can be reported back only at a "
                "meeting held, or on its day."
            ),
            params={"day": _day(meeting.day)},
            code="meeting",
        )


def _check_day(day: datetime.date, petition: Petition, message: str, code: str = "day") -> datetime.date:
    _plausible(day, code)
    if day < petition.raised_on:
        raise ValidationError(message, params={"day": _day(petition.raised_on)}, code=code)
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code=code)
    return day


def _person(user: AbstractBaseUser | None) -> str:
    return person_name(user)


def _day(day: datetime.date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


# --- Recording ---------------------------------------------------------------------------------


@transaction.atomic
def petition_record(
    *,
    branch: Organization,
    title: str,
    category: Category,
    by: AbstractBaseUser,
    content: str = "",
    meeting: Meeting | None = None,
    raised_on: datetime.date | None = None,
    raised_by_member: Member | None = None,
    resident_name: str = "",
    resident_phone: str = "",
    priority: str = Priority.NORMAL,
    submit_key: uuid.UUID | None = None,
) -> Petition:
    """Record a petition raised at a meeting (or between meetings) as new.

    ``submit_key`` comes from the record form: sent twice (a double tap, a retry on a slow
    network) it records one petition and returns that one the second time.
    """
    if not access.can_record(by, branch):
        raise PermissionDenied(_("You may not record petitions for this branch."))
    if submit_key is not None and (existing := _submitted(submit_key, branch)) is not None:
        return existing
    commune = _commune(branch)
    catalogue_ensure(commune=commune)
    title = _required(title, _("Give the petition a short title."), "title")
    if category.commune_id != commune.pk:
        raise ValidationError(
            _("%(category)s is a category of another commune."), params={"category": category.name}, code="category"
        )
    if priority not in Priority.values:
        raise ValidationError(_("Choose a priority from the list."), code="priority")
    if meeting is not None and meeting.branch_id != branch.pk:
        raise ValidationError(_("The meeting must be one of this branch's meetings."), code="meeting")
    if raised_by_member is not None and raised_by_member.branch_id != branch.pk:
        raise ValidationError(_("The member who raised it must belong to this branch."), code="member")
    raised_on = raised_on or (meeting.day if meeting is not None else timezone.localdate())
    _plausible(raised_on, "raised_on")
    if raised_on > timezone.localdate():
        raise ValidationError(_("The day raised cannot be in the future."), code="raised_on")

    petition = Petition(
        branch=branch,
        meeting=meeting,
        raised_on=raised_on,
        raised_by_member=raised_by_member,
        resident_name=clean_name(resident_name),
        resident_phone=_resident_phone(resident_phone),
        title=title,
        content=clean_text(content),
        category=category,
        priority=priority,
        submit_key=submit_key,
        created_by=by,
    )
    existing = _saved_once(petition, submit_key, branch)
    if existing is not None:
        return existing
    PetitionEvent.objects.create(
        petition=petition,
        kind=EventKind.RECORDED,
        to_status=petition.status,
        data={"meeting_id": meeting.pk if meeting else None},
        by=by,
    )
    # The commune's leaders and staff, who forward it, hear of it the day it is raised.
    reminders.petition_raised(petition)
    return petition


@transaction.atomic
def promise_record(
    *,
    meeting: Meeting,
    title: str,
    category: Category,
    body: Body,
    deadline: datetime.date,
    by: AbstractBaseUser,
    officer: AbstractBaseUser | None = None,
    content: str = "",
    submit_key: uuid.UUID | None = None,
) -> Petition:
    """What the attending cadre promised to take back at the meeting ("tiếp thu, báo cáo cấp
    trên") becomes an item followed like a petition: a holder (a body, an officer), a deadline,
    and the outcome reported back to the branch. Recorded by whoever records the branch's
    petitions, at a meeting held or on its day; already with its holder, so it starts forwarded
    and the holder is told at once."""
    branch = meeting.branch
    if not access.can_record(by, branch):
        raise PermissionDenied(_("You may not record petitions for this branch."))
    if submit_key is not None and (existing := _submitted(submit_key, branch)) is not None:
        return existing
    if not meeting_has_come(meeting):
        raise ValidationError(
            _("The meeting of %(day)s has not taken place yet: what the cadre promised is recorded at or after it."),
            params={"day": _day(meeting.day)},
            code="meeting",
        )
    commune = _commune(branch)
    title = _required(title, _("Write what the cadre promised to take back."), "title")
    if category.commune_id != commune.pk:
        raise ValidationError(
            _("%(category)s is a category of another commune."), params={"category": category.name}, code="category"
        )
    if body is None:
        raise ValidationError(_("Choose the body that will answer."), code="body")
    if body.commune_id != commune.pk:
        raise ValidationError(_("%(body)s is a body of another commune."), params={"body": body.name}, code="body")
    if officer is not None and not access.is_officer_at(officer, commune):
        raise ValidationError(
            _("%(name)s is not an officer of this commune."), params={"name": _person(officer)}, code="officer"
        )
    if deadline is None:
        raise ValidationError(_("Choose the deadline."), code="deadline")
    petition = Petition(
        branch=branch,
        meeting=meeting,
        kind=PetitionKind.PROMISE,
        raised_on=meeting.day,
        title=title,
        content=(content or "").strip(),
        category=category,
        body=body,
        officer=officer,
        status=PetitionStatus.FORWARDED,
        submit_key=submit_key,
        created_by=by,
    )
    _check_deadline(deadline, petition)
    petition.deadline = deadline
    existing = _saved_once(petition, submit_key, branch)
    if existing is not None:
        return existing
    PetitionEvent.objects.create(
        petition=petition,
        kind=EventKind.RECORDED,
        to_status=petition.status,
        data={"meeting_id": meeting.pk, "promise": True, **_who(body, officer), "deadline": deadline},
        by=by,
    )
    reminders.petition_handed(petition)
    return petition


def _submitted(submit_key: uuid.UUID, branch: Organization) -> Petition | None:
    existing = Petition.objects.filter(submit_key=submit_key).first()
    if existing is not None and existing.branch_id != branch.pk:
        raise ValidationError(_("This form was already sent; reload the page."), code="submit_key")
    return existing


def _saved_once(petition: Petition, submit_key, branch) -> Petition | None:
    """Saves a new petition; None when it is new. The same form arriving twice at once: the
    petition the other request recorded (a double submit records one)."""
    try:
        with transaction.atomic():
            petition.save()
    except IntegrityError:
        existing = _submitted(submit_key, branch) if submit_key is not None else None
        if existing is None:
            raise
        return existing
    return None


# --- The actions -------------------------------------------------------------------------------


def _begin(action: str, petition: Petition, by: AbstractBaseUser, expected_version: int | None) -> Petition:
    """The petition's row, locked for this transaction, once the user and its status allow the action."""
    locked = (
        Petition.objects.select_for_update(of=("self",))
        .select_related("branch", "category__commune", "body", "officer")
        .get(pk=petition.pk)
    )
    if not access.may(by, ACTIONS[action], locked):
        raise PermissionDenied(_("You may not do this to this petition."))
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            _("Someone else changed this petition meanwhile; reload the page and try again."), code="stale"
        )
    if action == "report_back" and locked.status == PetitionStatus.REPORTED_BACK:
        raise ValidationError(
            _("This answer was already reported back to the branch at the meeting of %(day)s; nothing was changed."),
            params={"day": _day(locked.reported_back_at_meeting.day if locked.reported_back_at_meeting else None)},
            code="reported_twice",
        )
    locked.check_allows(ACTIONS[action])
    return locked


def _finish(action: str, petition: Petition, by: AbstractBaseUser, *, text: str = "", data: dict | None = None):
    """Apply the table's status, save, and write the one timeline entry."""
    spec = ACTIONS[action]
    from_status = petition.status
    if spec.to_status is not None:
        petition.status = spec.to_status
    petition.version += 1
    petition.save()
    PetitionEvent.objects.create(
        petition=petition,
        kind=spec.event,
        from_status=from_status,
        to_status=petition.status,
        text=clean_text(text),
        data=data or {},
        by=by,
    )
    return petition


def _who(body: Body | None, officer: AbstractBaseUser | None) -> dict:
    return {
        "body_id": body.pk if body else None,
        "body": body.name if body else "",
        "officer_id": officer.pk if officer else None,
        "officer": _person(officer),
    }


@transaction.atomic
def petition_forward(
    *,
    petition: Petition,
    body: Body,
    by: AbstractBaseUser,
    officer: AbstractBaseUser | None = None,
    deadline: datetime.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """Send a new petition to a body of its commune (and an officer), with a deadline.

    Without a deadline it gets the category's default: that many working days from today.
    """
    petition = _begin("forward", petition, by, expected_version)
    if body is None:
        raise ValidationError(_("Choose the body that will answer."), code="body")
    _check_body(body, petition)
    if officer is not None:
        _check_officer(officer, petition)
    by_default = deadline is None
    if by_default:
        deadline = default_deadline(petition.category, max(timezone.localdate(), petition.raised_on))
    _check_deadline(deadline, petition)
    petition.body, petition.officer, petition.deadline = body, officer, deadline
    data = {**_who(body, officer), "deadline": deadline, "default_deadline": by_default}
    petition = _finish("forward", petition, by, text=note.strip(), data=data)
    # The officer (or every officer of the body) is told at once, with the deadline.
    reminders.petition_handed(petition)
    return petition


@transaction.atomic
def petition_assign(
    *,
    petition: Petition,
    by: AbstractBaseUser,
    body: Body | None = None,
    officer: AbstractBaseUser | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """Hand a forwarded petition to another body and/or officer.

    ``body`` None keeps the current body; ``officer`` None leaves it in the body's queue.
    """
    petition = _begin("assign", petition, by, expected_version)
    body = body or petition.body
    _check_body(body, petition)
    if officer is not None:
        _check_officer(officer, petition)
    if body.pk == petition.body_id and (officer.pk if officer else None) == petition.officer_id:
        raise ValidationError(_("The petition is already with this body and officer."), code="unchanged")
    old = _who(petition.body, petition.officer)
    petition.body, petition.officer = body, officer
    data = {"old": old, "new": _who(body, officer)}
    petition = _finish("assign", petition, by, text=note.strip(), data=data)
    reminders.petition_handed(petition)
    return petition


@transaction.atomic
def petition_set_deadline(
    *,
    petition: Petition,
    deadline: datetime.date,
    by: AbstractBaseUser,
    note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """Give a petition that has none a deadline (a later change is an extension, with a reason)."""
    petition = _begin("set_deadline", petition, by, expected_version)
    if deadline is None:
        raise ValidationError(_("Choose the deadline."), code="deadline")
    _check_deadline(deadline, petition)
    petition.deadline = deadline
    return _finish("set_deadline", petition, by, text=note.strip(), data={"new_deadline": deadline})


@transaction.atomic
def petition_extend_deadline(
    *,
    petition: Petition,
    deadline: datetime.date,
    reason: str,
    by: AbstractBaseUser,
    expected_version: int | None = None,
) -> Petition:
    """Move the deadline later; the reason goes on the timeline with the old and new dates."""
    petition = _begin("extend_deadline", petition, by, expected_version)
    reason = _required(reason, _("Say why the deadline is extended."), "reason")
    if deadline is None or deadline <= petition.deadline:
        raise ValidationError(
            _("The new deadline must be later than the current one (%(day)s)."),
            params={"day": _day(petition.deadline)},
            code="deadline",
        )
    _check_deadline(deadline, petition)
    old = petition.deadline
    petition.deadline = deadline
    return _finish("extend_deadline", petition, by, text=reason, data={"old_deadline": old, "new_deadline": deadline})


@transaction.atomic
def petition_start(*, petition: Petition, by: AbstractBaseUser, expected_version: int | None = None) -> Petition:
    """The officer starts work; an officer of the body taking it from the queue becomes its officer."""
    petition = _begin("start", petition, by, expected_version)
    took = petition.officer_id is None
    if took:
        _check_officer(by, petition)
        petition.officer = by
    return _finish("start", petition, by, data={**_who(petition.body, petition.officer), "took": took})


@transaction.atomic
def petition_answer(
    *,
    petition: Petition,
    answer: str,
    by: AbstractBaseUser,
    answered_on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Record the body's (or the province's) answer; it then waits to be reported back to the branch."""
    petition = _begin("answer", petition, by, expected_version)
    answer = _required(answer, _("Write the answer."), "answer")
    answered_on = _check_day(
        answered_on or timezone.localdate(),
        petition,
        _("The answer cannot be dated before the petition (%(day)s)."),
        code="answered_on",
    )
    petition.answer, petition.answered_on, petition.answered_by = answer, answered_on, by
    petition = _finish("answer", petition, by, text=answer, data={"answered_on": answered_on})
    # The answer goes on the branch's next agenda by itself.
    report_back_item_ensure(branch=petition.branch)
    # The secretary is told at once; the deadline chases stop.
    reminders.petition_answered(petition)
    return petition


@transaction.atomic
def petition_answer_at_meeting(
    *,
    petition: Petition,
    answer: str,
    meeting: Meeting,
    by: AbstractBaseUser,
    expected_version: int | None = None,
) -> Petition:
    """The attending cadre (or the secretary for them) answers a new petition on the spot: closed."""
    petition = _begin("answer_at_meeting", petition, by, expected_version)
    answer = _required(answer, _("Write the answer."), "answer")
    meeting = _check_meeting(meeting, petition)
    if not meeting_has_come(meeting):
        raise ValidationError(
            _("The meeting of %(day)s has not taken place yet: nothing was answered there."),
            params={"day": _day(meeting.day)},
            code="meeting",
        )
    answered_on = _check_day(meeting.day, petition, _("This meeting was before the petition was raised (%(day)s)."))
    petition.answer, petition.answered_on, petition.answered_by = answer, answered_on, by
    petition.answered_at_meeting = meeting
    return _finish(
        "answer_at_meeting", petition, by, text=answer, data={"meeting_id": meeting.pk, "answered_on": answered_on}
    )


@transaction.atomic
def petition_escalate(
    *,
    petition: Petition,
    to: str,
    by: AbstractBaseUser,
    on: datetime.date | None = None,
    expected_answer_by: datetime.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """Send a petition beyond the commune's authority up (to the province or one of its bodies),
    with the day an answer from there is expected if known; the branch hears where it went."""
    petition = _begin("escalate", petition, by, expected_version)
    to = _required(to, _("Say where the petition was sent."), "to")
    on = _check_day(
        on or timezone.localdate(), petition, _("It cannot be sent up before it was raised (%(day)s)."), code="on"
    )
    if expected_answer_by is None:
        # The follow-up date: without it nothing chases the answer from above.
        raise ValidationError(
            _("Give the day the answer from above is expected (the follow-up date)."), code="expected_answer_by"
        )
    if expected_answer_by is not None:
        _plausible(expected_answer_by, "expected_answer_by")
        if expected_answer_by < on:
            raise ValidationError(
                _("The answer cannot be expected before the petition was sent up (%(day)s)."),
                params={"day": _day(on)},
                code="expected_answer_by",
            )
        latest = years_after(on)
        if expected_answer_by > latest:
            raise ValidationError(
                _("The answer is expected within two years of sending it up (no later than %(day)s)."),
                params={"day": _day(latest)},
                code="expected_answer_by",
            )
    petition.escalated_to, petition.escalated_on, petition.expected_answer_by = to, on, expected_answer_by
    data = {
        "escalated_to": to,
        "escalated_on": on,
        "expected_answer_by": expected_answer_by,
        "old_deadline": petition.deadline,
    }
    # The follow-up date becomes its deadline: chased and counted overdue like the others until
    # the answer from above is entered (the old deadline stays on the timeline).
    petition.deadline = expected_answer_by
    petition = _finish("escalate", petition, by, text=note.strip(), data=data)
    # Where it went goes back to the branch at its next meeting; the secretary is told now.
    report_back_item_ensure(branch=petition.branch)
    reminders.petition_outcome(petition)
    return petition


def _decided_on(on: datetime.date | None, petition: Petition) -> datetime.date:
    return _check_day(
        on or timezone.localdate(), petition, _("It cannot be decided before it was raised (%(day)s)."), code="on"
    )


@transaction.atomic
def petition_decline(
    *,
    petition: Petition,
    reason: str,
    by: AbstractBaseUser,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """The commune refuses the petition ("không giải quyết"): the reason is required and goes
    back to the branch. A petition the commune cannot decide is ``petition_not_competent``."""
    petition = _begin("decline", petition, by, expected_version)
    reason = _required(reason, _("Say why the petition is declined."), "reason")
    petition.decline_reason, petition.decided_on = reason, _decided_on(on, petition)
    petition = _finish("decline", petition, by, text=reason, data={"decided_on": petition.decided_on})
    report_back_item_ensure(branch=petition.branch)
    reminders.petition_outcome(petition)
    return petition


@transaction.atomic
def petition_not_competent(
    *,
    petition: Petition,
    competent_body: str,
    by: AbstractBaseUser,
    reason: str = "",
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Not within the commune's competence ("không thuộc thẩm quyền giải quyết của xã"): not a
    refusal, the commune cannot decide it. Who decides is required (the branch tells the resident
    where to go); the reason (the rule that says so, what the resident should do) is optional.
    Sending it up and following the answer from there is ``petition_escalate`` instead."""
    petition = _begin("not_competent", petition, by, expected_version)
    competent_body = _required(
        competent_body, _("Say who decides the petition, since the commune cannot."), "competent_body"
    )
    petition.competent_body, petition.decline_reason = competent_body, clean_text(reason)
    petition.decided_on = _decided_on(on, petition)
    data = {"competent_body": competent_body, "decided_on": petition.decided_on}
    petition = _finish("not_competent", petition, by, text=petition.decline_reason, data=data)
    report_back_item_ensure(branch=petition.branch)
    reminders.petition_outcome(petition)
    return petition


@transaction.atomic
def petition_report_back(
    *,
    petition: Petition,
    meeting: Meeting,
    by: AbstractBaseUser,
    note: str = "",
    action: str | None = None,
    expected_version: int | None = None,
) -> Petition:
    """The outcome was read out at a meeting of the branch.

    Every outcome goes back to the branch: an answer (``report_back``: the loop is closed), a
    refusal, "not within the commune's competence" or where the petition was sent up
    (``report_outcome``: the status stays; an escalated petition still waits for the answer from
    above, which is reported back in its turn). ``action`` None: the one the petition's status
    calls for (``Petition.report_action``); the petition page names it, and the table refuses it
    if the status changed meanwhile.
    """
    action = action or petition.report_action
    if action not in ("report_back", "report_outcome"):
        raise ValueError(action)
    petition = _begin(action, petition, by, expected_version)
    meeting = _check_meeting(meeting, petition)
    _check_meeting_has_come(meeting)
    known = petition.outcome_day
    if known and meeting.day < known:
        message = (
            _("This meeting was before the answer came (%(day)s).")
            if action == "report_back"
            else _("This meeting was before the outcome was known (%(day)s).")
        )
        raise ValidationError(message, params={"day": _day(known)}, code="meeting")
    if action == "report_back":
        petition.reported_back_at_meeting = meeting
    else:
        petition.outcome_reported_at_meeting = meeting
    petition = _finish(action, petition, by, text=note.strip(), data={"meeting_id": meeting.pk})
    # Read out here: no longer waiting on another meeting's agenda; this meeting's item lists it.
    report_back_item_ensure(branch=petition.branch)
    return petition


@transaction.atomic
def petition_tell_resident(
    *,
    petition: Petition,
    how: str,
    told_by: str,
    by: AbstractBaseUser,
    on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """The resident who raised the petition was told its outcome ("đã thông báo cho người dân"):
    how (in person, by phone, at the village meeting), when and by whom. Only once the branch has
    heard the outcome, and once."""
    petition = _begin("tell_resident", petition, by, expected_version)
    if how not in ToldHow.values:
        raise ValidationError(_("Say how the resident was told."), code="how")
    told_by = _required(" ".join((told_by or "").split()), _("Say who told the resident."), "told_by")[:120]
    on = _check_day(
        on or timezone.localdate(), petition, _("The resident cannot be told before it was raised (%(day)s)."), "on"
    )
    heard = petition.reported_back_at_meeting or petition.outcome_reported_at_meeting or petition.answered_at_meeting
    if heard is not None and on < heard.day:
        raise ValidationError(
            _("The resident is told after the branch heard the outcome (%(day)s)."),
            params={"day": _day(heard.day)},
            code="on",
        )
    petition.told_resident_on, petition.told_resident_how, petition.told_resident_by = on, how, told_by
    data = {"told_on": on, "how": how, "told_by": told_by}
    return _finish("tell_resident", petition, by, data=data)


@transaction.atomic
def petition_comment(
    *, petition: Petition, text: str, by: AbstractBaseUser, expected_version: int | None = None
) -> Petition:
    """A note on the timeline (a call made, a site visit), in any status."""
    petition = _begin("comment", petition, by, expected_version)
    text = _required(text, _("Write the comment."), "text")
    return _finish("comment", petition, by, text=text)


@transaction.atomic
def petition_attach(
    *, petition: Petition, upload: UploadedFile, by: AbstractBaseUser, expected_version: int | None = None
) -> PetitionAttachment:
    """Store a checked file (PDF, DOCX, XLSX, JPG or PNG up to 10 MB) and note it on the timeline."""
    petition = _begin("attach", petition, by, expected_version)
    kind = check_upload(upload)
    name = upload_name(upload)
    attachment = PetitionAttachment(
        petition=petition, name=name, content_type=kind.content_type, size=upload.size, uploaded_by=by
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
        _finish("attach", petition, by, text=name, data={"attachment_id": attachment.pk, "name": name})
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


# --- Many at once (the review list's bulk actions) ------------------------------------------------


@dataclass
class BulkOutcome:
    done: list[Petition] = field(default_factory=list)
    refused: list[tuple[Petition, str]] = field(default_factory=list)


def _each(petitions: Iterable[Petition], apply) -> BulkOutcome:
    """Apply to each petition in its own transaction: one refusal does not stop the others."""
    outcome = BulkOutcome()
    for petition in petitions:
        try:
            outcome.done.append(apply(petition))
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            outcome.refused.append((petition, " ".join(messages)))
    return outcome


def petitions_forward(
    *,
    petitions: Iterable[Petition],
    body: Body,
    by: AbstractBaseUser,
    officer: AbstractBaseUser | None = None,
    deadline: datetime.date | None = None,
) -> BulkOutcome:
    return _each(
        petitions,
        lambda petition: petition_forward(petition=petition, body=body, officer=officer, deadline=deadline, by=by),
    )


def petitions_assign(
    *, petitions: Iterable[Petition], by: AbstractBaseUser, body: Body | None = None, officer=None
) -> BulkOutcome:
    return _each(petitions, lambda petition: petition_assign(petition=petition, body=body, officer=officer, by=by))


# --- The table ----------------------------------------------------------------------------------
#
# One row per action: the status rules (``Petition.allows``), who may take it (``access.may``), the
# status and timeline entry it leaves (``_finish``), and how the petition page offers it (label,
# form, service, main button; rows in the page's order). It sits here, at the end of the services,
# because a row names its service and its form: the services are defined above, and the forms
# (which import only models and access) come from below, so imports still run one way inside the
# app (models -> access -> forms -> services -> views). The models and access.py, below the
# table, are handed a row rather than looking a name up.

S = PetitionStatus


@dataclass(frozen=True)
class Action:
    """One thing that may be done to a petition: from which statuses, to which, by whom, and how."""

    name: str  # also its URL's last part and its form's prefix
    label: Promise  # the button and the "Saved: …" message
    from_statuses: tuple[str, ...]
    to_status: str | None  # None: the status stays as it is
    roles: frozenset[str]  # role kinds (members.access.reaches on the branch); OFFICER: petitions.access.handles
    event: str  # the EventKind of the timeline entry it writes
    refused: Promise  # "%(status)s" is the petition's current status
    form: type[ActionForm]  # its fields are the service's keyword arguments
    service: Callable[..., object]  # (petition=, by=, expected_version=, **form.service_kwargs())
    main: bool = False  # the page's next step: a red button (the rest are outlined)

    @property
    def changes_status(self) -> bool:
        return self.to_status is not None


ALL_STATUSES = tuple(S)

ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "forward",
            gettext_lazy("Forward to a body"),
            (S.NEW,),
            S.FORWARDED,
            OVERSEERS,
            "forwarded",
            gettext_lazy("A petition that is %(status)s cannot be forwarded; only a new one can."),
            ForwardForm,
            petition_forward,
            main=True,
        ),
        Action(
            "start",
            gettext_lazy("Start work"),
            (S.FORWARDED,),
            S.IN_PROGRESS,
            frozenset({RoleKind.OFFICER}),
            "started",
            gettext_lazy("Work can only start on a forwarded petition, not on one that is %(status)s."),
            StartForm,
            petition_start,
            main=True,
        ),
        Action(
            "answer",
            gettext_lazy("Record the answer"),
            (S.FORWARDED, S.IN_PROGRESS, S.ESCALATED),
            S.ANSWERED,
            OVERSEERS | {RoleKind.OFFICER},
            "answered",
            gettext_lazy("A petition that is %(status)s cannot be answered."),
            AnswerForm,
            petition_answer,
            main=True,
        ),
        Action(
            "answer_at_meeting",
            gettext_lazy("Answered at the meeting"),
            (S.NEW,),
            S.ANSWERED_AT_MEETING,
            frozenset({RoleKind.CADRE, RoleKind.SECRETARY}),
            "answered_at_meeting",
            gettext_lazy("Only a new petition can be answered at the meeting; this one is %(status)s."),
            AnswerAtMeetingForm,
            petition_answer_at_meeting,
            main=True,
        ),
        # One service tells the branch every outcome, as the action of the table the page offered.
        Action(
            "report_back",
            gettext_lazy("Reported back to the branch"),
            (S.ANSWERED,),
            S.REPORTED_BACK,
            REPORTERS,
            "reported_back",
            gettext_lazy("Only an answered petition can be reported back; this one is %(status)s."),
            ReportBackForm,
            partial(petition_report_back, action="report_back"),
            main=True,
        ),
        Action(
            "report_outcome",
            gettext_lazy("Reported back to the branch"),
            OTHER_OUTCOMES,
            None,
            REPORTERS,
            "outcome_reported",
            gettext_lazy(
                "Only a refusal, a petition not within the commune's competence or an escalation is reported "
                "back this way; this one is %(status)s."
            ),
            ReportOutcomeForm,
            partial(petition_report_back, action="report_outcome"),
            main=True,
        ),
        Action(
            "tell_resident",
            gettext_lazy("Resident told"),
            tuple(S),
            None,
            REPORTERS | {RoleKind.CADRE},
            "told_resident",
            gettext_lazy("The resident of a petition that is %(status)s cannot be told yet."),
            TellResidentForm,
            petition_tell_resident,
            main=True,
        ),
        Action(
            "assign",
            gettext_lazy("Reassign"),
            (S.FORWARDED, S.IN_PROGRESS),
            None,
            OVERSEERS,
            "assigned",
            gettext_lazy("A petition that is %(status)s cannot be reassigned."),
            AssignForm,
            petition_assign,
        ),
        Action(
            "set_deadline",
            gettext_lazy("Set the deadline"),
            RUNNING_STATUSES,
            None,
            OVERSEERS,
            "deadline_set",
            gettext_lazy("A petition that is %(status)s takes no deadline."),
            SetDeadlineForm,
            petition_set_deadline,
        ),
        Action(
            "extend_deadline",
            gettext_lazy("Extend the deadline"),
            RUNNING_STATUSES,
            None,
            OVERSEERS,
            "deadline_extended",
            gettext_lazy("The deadline of a petition that is %(status)s cannot be extended."),
            ExtendDeadlineForm,
            petition_extend_deadline,
        ),
        Action(
            "escalate",
            gettext_lazy("Escalate above the commune"),
            RUNNING_STATUSES,
            S.ESCALATED,
            OVERSEERS,
            "escalated",
            gettext_lazy("A petition that is %(status)s cannot be escalated."),
            EscalateForm,
            petition_escalate,
        ),
        Action(
            "not_competent",
            gettext_lazy("Not within the commune's competence"),
            RUNNING_STATUSES,
            S.NOT_COMPETENT,
            OVERSEERS,
            "not_competent",
            gettext_lazy("A petition that is %(status)s cannot be marked as not within the commune's competence."),
            NotCompetentForm,
            petition_not_competent,
        ),
        Action(
            "decline",
            pgettext_lazy("petition action", "Refuse (not resolved)"),
            RUNNING_STATUSES,
            S.DECLINED,
            OVERSEERS,
            "declined",
            gettext_lazy("A petition that is %(status)s cannot be declined."),
            DeclineForm,
            petition_decline,
        ),
        Action(
            "comment",
            gettext_lazy("Add a comment"),
            ALL_STATUSES,
            None,
            HANDLERS,
            "comment",
            gettext_lazy("No comment can be added."),
            CommentForm,
            petition_comment,
        ),
        Action(
            "attach",
            gettext_lazy("Attach a file"),
            ALL_STATUSES,
            None,
            HANDLERS,
            "attachment",
            gettext_lazy("No file can be attached."),
            AttachForm,
            petition_attach,
        ),
    )
}


def allowed_actions(user, petition: Petition) -> list[Action]:
    """The actions the petition's status allows and the user may take, in the page's order: the
    buttons to show."""
    return [action for action in ACTIONS.values() if petition.allows(action) and access.may(user, action, petition)]
