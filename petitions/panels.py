"""What petitions adds to the meeting page (portal/panels.py shows it) and to the minutes
(``meetings.extensions``).

- The meeting page's "Kiến nghị" panel, for those who may see the branch's petitions: the
  petitions raised at the meeting, the outcomes to read out there (answers, refusals, "not
  within the commune's competence", escalations; with a button to mark each reported back) and
  those already read out; those who may record get the big "Ghi kiến nghị"
  button. Two or three queries whatever the number of petitions.
- Two minutes sections (page, DOCX and PDF): the petitions raised at the meeting (and the answers
  given there), and the outcomes reported back there, each in its own sentence
  (``petitions.outcomes``), as they stood when the minutes were adopted
  and in the record's words (see "The minutes" below). One query each. Residents are "nhân dân",
  never with their name or phone: the minutes are read by every member of the branch.

``register_minutes_sections`` is called from ``PetitionsConfig.ready``.
"""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Q, Subquery

from meetings.extensions import MinutesSection, register_minutes_section
from meetings.models import Meeting
from petitions import access, outcomes
from petitions.models import EventKind, Petition, PetitionEvent
from petitions.selectors.meeting import meeting_panel_rows
from petitions.services import workflow

RAISED_HEADING = "Ý KIẾN, KIẾN NGHỊ CỦA ĐẢNG VIÊN VÀ NHÂN DÂN"
REPORTED_HEADING = "THÔNG BÁO KẾT QUẢ GIẢI QUYẾT KIẾN NGHỊ"


# --- The meeting page --------------------------------------------------------------------------


def meeting_panel_context(request, meeting: Meeting) -> dict | None:
    user = request.user
    branch = meeting.branch
    if not access.can_see_branch(user, branch):
        return None
    # Petitions are recorded, and outcomes read out, only at a meeting held or on its day.
    come = workflow.meeting_has_come(meeting)
    can_record = come and access.can_record(user, branch)
    rows = meeting_panel_rows(meeting)
    if not (can_record or rows.raised or rows.to_report or rows.reported_back):
        return None
    # The cadre's promises ("tiếp thu, báo cáo cấp trên") in the meeting's guests section, each to
    # be followed up as an item of its own (one query, for those who may record only).
    promises = list(meeting.guests.exclude(promises="").order_by("pk")) if can_record else []
    return {
        "meeting": meeting,
        "can_record": can_record,
        "promises": promises,
        "raised": rows.raised,
        # (petition, what the branch hears, whether this user may mark it reported back here)
        "to_report": [
            (petition, _heard(petition), come and access.may(user, workflow.ACTIONS[petition.report_action], petition))
            for petition in rows.to_report
        ],
        "reported_back": [(petition, _heard(petition, meeting)) for petition in rows.reported_back],
    }


def _heard(petition: Petition, meeting: Meeting | None = None) -> str:
    """The outcome's sentence as the branch hears it (the one the minutes print)."""
    return outcomes.outcome_text(petition, outcomes.outcome_kind(petition, meeting))


# --- The minutes -------------------------------------------------------------------------------
#
# The minutes are a party record filed for the long term: they state what happened at the meeting
# and must read the same on the day they are adopted and years later. So the lines carry no
# status (it changes after the meeting), no catalogue names (categories are renamed), and only
# what was on record when the minutes were adopted (``meeting.minutes_adopted_at``): a petition
# recorded later, or an answer marked given or read out there after the adoption, is not in them.
# The words are the party's: "ý kiến, kiến nghị của đảng viên và nhân dân", "buổi sinh hoạt";
# "cử tri" belongs to the People's Councils' meetings with voters.


def _when(kind: str) -> Subquery:
    """When the petition's first timeline entry of this kind was written (None without one)."""
    events = PetitionEvent.objects.filter(petition=OuterRef("pk"), kind=kind).order_by("at", "pk")
    return Subquery(events.values("at")[:1])


def _minutes_rows(meeting: Meeting, here: Q) -> list[Petition]:
    """The petitions ``here`` selects that were on record when the minutes were adopted (all of
    them while the minutes are a draft), oldest raised first: one query.

    A petition is on record from its ``created_at``. Each row has ``answered_here_at``,
    ``reported_back_at`` and ``outcome_at``, when the timeline says it was answered at a meeting,
    its answer reported back or its other outcome reported back (None for a petition without
    those entries: then the meeting it points to is taken as it is).
    """
    rows = (
        Petition.objects.filter(here)
        .select_related("body", "raised_by_member")
        .annotate(
            answered_here_at=_when(EventKind.ANSWERED_AT_MEETING),
            reported_back_at=_when(EventKind.REPORTED_BACK),
            outcome_at=_when(EventKind.OUTCOME_REPORTED),
        )
        .order_by("raised_on", "pk")
    )
    if meeting.minutes_adopted_at is not None:
        rows = rows.filter(created_at__lte=meeting.minutes_adopted_at)
    return list(rows)


def _by_adoption(meeting: Meeting, moment: datetime.datetime | None) -> bool:
    """Whether something that happened at ``moment`` (None: not known) was on record when the
    minutes were adopted."""
    adopted = meeting.minutes_adopted_at
    return adopted is None or moment is None or moment <= adopted


_sentence = outcomes.sentence


def _raised_by(petition: Petition) -> str:
    if petition.is_promise:
        return "cán bộ dự tiếp thu, báo cáo cấp trên"
    if petition.raised_by_member is not None:
        return f"đồng chí {petition.raised_by_member.full_name} nêu"
    # Never the resident's name or phone: the minutes are read by every member of the branch.
    return "nhân dân phản ánh"


def raised_line(number: int, petition: Petition, *, answered_here: bool) -> str:
    """One numbered line: the title, who raised it ("đồng chí <name> nêu" or "nhân dân phản ánh"),
    and the answer given at the meeting when there was one."""
    line = f"{number}. {' '.join(petition.title.split())} – {_raised_by(petition)}."
    if answered_here:
        line += f" Trả lời tại buổi sinh hoạt: {_sentence(petition.answer)}"
    return line


def raised_section(meeting: Meeting) -> MinutesSection | None:
    """What members and residents raised at the meeting, and what was answered there. One query."""
    rows = _minutes_rows(meeting, Q(meeting=meeting) | Q(answered_at_meeting=meeting))

    def answered_here(petition: Petition) -> bool:
        return petition.answered_at_meeting_id == meeting.pk and _by_adoption(meeting, petition.answered_here_at)

    # Raised here first, then those raised between meetings and answered here.
    shown = [p for p in rows if p.meeting_id == meeting.pk]
    shown += [p for p in rows if p.meeting_id != meeting.pk and answered_here(p)]
    if not shown:
        return None
    lines = [raised_line(n, p, answered_here=answered_here(p)) for n, p in enumerate(shown, start=1)]
    return MinutesSection(heading=RAISED_HEADING, lines=lines)


def outcome_line(number: int, petition: Petition, meeting: Meeting | None = None) -> str:
    """One sentence for the outcome of a petition, in the record's words (``petitions.outcomes``):

    - answered: "<title>: <body> trả lời ngày dd/mm/yyyy: <answer>" (after an escalation:
      "<title>: đã chuyển lên <where> ngày dd/mm/yyyy; <where> trả lời ngày dd/mm/yyyy: <answer>");
    - refused: "<title>: không giải quyết, lý do: <reason>";
    - not within the commune's competence: "<title>: không thuộc thẩm quyền giải quyết của xã;
      thuộc thẩm quyền của <who decides>; <reason>";
    - sent up: "<title>: đã chuyển lên <where> ngày dd/mm/yyyy, dự kiến trả lời trước dd/mm/yyyy".

    With ``meeting``, the outcome read out there (an escalation read out before the answer from
    above came stays an escalation in that meeting's minutes).
    """
    return outcomes.outcome_line(number, petition, meeting)


def reported_section(meeting: Meeting) -> MinutesSection | None:
    """The outcomes read out at the meeting (answers, refusals, "not within the commune's
    competence", escalations), in the order they came, as on the agenda item. One query."""
    rows = [
        p
        for p in _minutes_rows(meeting, Q(reported_back_at_meeting=meeting) | Q(outcome_reported_at_meeting=meeting))
        if _by_adoption(meeting, p.reported_back_at if p.reported_back_at_meeting_id == meeting.pk else p.outcome_at)
    ]
    if not rows:
        return None

    def order(petition: Petition) -> tuple:
        day = outcomes.outcome_day(petition, outcomes.outcome_kind(petition, meeting))
        return (day or datetime.date.min, petition.pk)

    rows.sort(key=order)
    lines = [outcome_line(n, p, meeting) for n, p in enumerate(rows, start=1)]
    return MinutesSection(heading=REPORTED_HEADING, lines=lines)


def register_minutes_sections() -> None:
    register_minutes_section(raised_section)
    register_minutes_section(reported_section)
