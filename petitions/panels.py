"""What petitions adds to the meeting page and to the minutes (``meetings.extensions``).

- The meeting page's "Kiến nghị" panel, for those who may see the branch's petitions: the
  petitions raised at the meeting, the answers to read out there (with a button to mark each
  reported back) and those already read out; those who may record get the big "Ghi kiến nghị"
  button. Two or three queries whatever the number of petitions.
- Two minutes sections (page, DOCX and PDF): the petitions raised at the meeting, and the answers
  reported back there. One query each. Residents are named only as "cử tri", never with their
  name or phone: the minutes are read by every member of the branch.

``register`` is called from ``PetitionsConfig.ready``.
"""

from __future__ import annotations

from django.utils import translation

from meetings.extensions import MeetingPanel, MinutesSection, register_meeting_panel, register_minutes_section
from meetings.models import Meeting, MeetingStatus
from members.access import reaches
from petitions import access
from petitions.models import Petition, PetitionStatus
from petitions.selectors.meeting import meeting_panel_rows
from petitions.selectors.review import meeting_petitions
from petitions.services.reportback import report_back_notes

PANEL_TEMPLATE = "petitions/panels/meeting.html"
RAISED_HEADING = "KIẾN NGHỊ CỦA ĐẢNG VIÊN, CỬ TRI"
REPORTED_HEADING = "THÔNG BÁO KẾT QUẢ GIẢI QUYẾT KIẾN NGHỊ"


# --- The meeting page --------------------------------------------------------------------------


def meeting_panel_context(request, meeting: Meeting) -> dict | None:
    user = request.user
    branch = meeting.branch
    if not (user.is_superuser or reaches(user, access.READERS, branch)):
        return None
    can_record = meeting.status != MeetingStatus.CANCELLED and access.can_record(user, branch)
    rows = meeting_panel_rows(meeting)
    if not (can_record or rows.raised or rows.to_report or rows.reported_back):
        return None
    return {
        "meeting": meeting,
        "can_record": can_record,
        "raised": rows.raised,
        "to_report": [(petition, access.may(user, "report_back", petition)) for petition in rows.to_report],
        "reported_back": rows.reported_back,
    }


# --- The minutes -------------------------------------------------------------------------------


def _raised_by(petition: Petition) -> str:
    if petition.raised_by_member is not None:
        return f"đồng chí {petition.raised_by_member.full_name} nêu"
    return "cử tri phản ánh"


def raised_section(meeting: Meeting) -> MinutesSection | None:
    here = meeting_petitions(meeting)
    rows = list({p.pk: p for p in [*here.raised, *here.answered_here]}.values())
    if not rows:
        return None
    lines = []
    with translation.override("vi"):
        for number, petition in enumerate(rows, start=1):
            line = f"{number}. {petition.title} ({petition.category.name}) – {_raised_by(petition)}."
            if petition.answered_at_meeting_id == meeting.pk:
                line += f" Trả lời tại cuộc họp: {' '.join(petition.answer.split())}"
            else:
                line += f" Tình trạng: {str(PetitionStatus(petition.status).label).lower()}."
            lines.append(line)
    return MinutesSection(heading=RAISED_HEADING, lines=lines)


def reported_section(meeting: Meeting) -> MinutesSection | None:
    rows = meeting_petitions(meeting).reported_back
    if not rows:
        return None
    return MinutesSection(heading=REPORTED_HEADING, lines=report_back_notes(rows).splitlines())


def register() -> None:
    register_meeting_panel(MeetingPanel(template=PANEL_TEMPLATE, context=meeting_panel_context))
    register_minutes_section(raised_section)
    register_minutes_section(reported_section)
