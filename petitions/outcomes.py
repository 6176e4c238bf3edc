"""A petition's outcome in the record's words, as the branch hears it at its meeting.

Every outcome goes back to the branch (docs/domain.md, Petitions), each in its own sentence, the
one the minutes print and the report-back agenda item lists:

- an answer: "<body> trả lời ngày dd/mm/yyyy: <answer>" (after an escalation, where it was sent
  first and the answer from there);
- a refusal: "không giải quyết, lý do: <reason>";
- not within the commune's competence: "không thuộc thẩm quyền giải quyết của xã; thuộc thẩm
  quyền của <who decides>; <reason>";
- an escalation: "đã chuyển lên <where> ngày dd/mm/yyyy, dự kiến trả lời trước dd/mm/yyyy".

No status words (they change after the meeting) and only what the petition holds.
"""

from __future__ import annotations

import datetime

from meetings.models import Meeting
from petitions.models import ANSWERED_STATUSES, Petition, PetitionStatus

ANSWER = "answer"
REFUSAL = "refusal"
NOT_COMPETENT = "not_competent"
ESCALATION = "escalation"


def _day(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def one_line(text: str) -> str:
    return " ".join((text or "").split())


def sentence(text: str) -> str:
    """The text on one line, ending as a sentence."""
    text = one_line(text)
    return text if not text or text[-1] in ".!?…" else f"{text}."


def _other(petition: Petition) -> str | None:
    if petition.status == PetitionStatus.DECLINED:
        return REFUSAL
    if petition.status == PetitionStatus.NOT_COMPETENT:
        return NOT_COMPETENT
    if petition.escalated_to:
        return ESCALATION
    return None


def outcome_kind(petition: Petition, meeting: Meeting | None = None) -> str | None:
    """Which outcome: the one read out at ``meeting`` when it was read out there (an escalation
    read out in December stays an escalation in December's minutes once the answer from above
    came), else the petition's latest; None when it has none yet."""
    if meeting is not None:
        if petition.reported_back_at_meeting_id == meeting.pk:
            return ANSWER
        if petition.outcome_reported_at_meeting_id == meeting.pk:
            return _other(petition)
    if petition.status in ANSWERED_STATUSES and petition.answer:
        return ANSWER
    return _other(petition)


def outcome_day(petition: Petition, kind: str | None) -> datetime.date | None:
    """The day that outcome was known (to put the outcomes in the order they came)."""
    if kind == ANSWER:
        return petition.answered_on
    if kind == ESCALATION:
        return petition.escalated_on
    if kind in (REFUSAL, NOT_COMPETENT):
        return petition.decided_on
    return None


def _sent_up(petition: Petition) -> str:
    return f"đã chuyển lên {one_line(petition.escalated_to)}" + (
        f" ngày {_day(petition.escalated_on)}" if petition.escalated_on else ""
    )


def outcome_text(petition: Petition, kind: str | None) -> str:
    """The outcome's sentence, without the title ("" when there is no outcome)."""
    parts = []
    if kind == ANSWER:
        if petition.escalated_to:
            parts.append(_sent_up(petition))
        who = petition.escalated_to or (petition.body.name if petition.body_id else "")
        said = f"{one_line(who)} trả lời" if who else "được trả lời"
        parts.append(f"{said} ngày {_day(petition.answered_on)}: {sentence(petition.answer)}")
    elif kind == REFUSAL:
        parts.append(f"không giải quyết, lý do: {sentence(petition.decline_reason)}")
    elif kind == NOT_COMPETENT:
        parts.append("không thuộc thẩm quyền giải quyết của xã")
        if petition.competent_body:
            parts.append(f"thuộc thẩm quyền của {one_line(petition.competent_body)}")
        if petition.decline_reason.strip():
            parts.append(one_line(petition.decline_reason))
    elif kind == ESCALATION:
        up = _sent_up(petition)
        if petition.expected_answer_by:
            up += f", dự kiến trả lời trước {_day(petition.expected_answer_by)}"
        parts.append(up)
    return sentence("; ".join(parts)) if parts else ""


def outcome_line(number: int, petition: Petition, meeting: Meeting | None = None) -> str:
    """One numbered line: "<number>. <title>: <the outcome's sentence>"."""
    line = f"{number}. {one_line(petition.title)}"
    text = outcome_text(petition, outcome_kind(petition, meeting))
    return f"{line}: {text}" if text else f"{line}."
