from .agenda import AgendaItem, AgendaItemKind, AgendaTemplate, Attachment, Guidance
from .attendance import ABSENT_MARKS, PRESENT_MARKS, Attendance, CadreAssignment, Category, Guest, Mark
from .calendar import CalendarFeed
from .meetings import (
    REGULAR_KINDS,
    THEMATIC_KINDS,
    Meeting,
    MeetingKind,
    MeetingMove,
    MeetingRules,
    MeetingStatus,
)
from .minutes import Minutes, Resolution, Speech, Task, TaskOutcome

__all__ = [
    "ABSENT_MARKS",
    "PRESENT_MARKS",
    "REGULAR_KINDS",
    "THEMATIC_KINDS",
    "AgendaItem",
    "AgendaItemKind",
    "AgendaTemplate",
    "Attachment",
    "Attendance",
    "CadreAssignment",
    "CalendarFeed",
    "Category",
    "Guest",
    "Guidance",
    "Mark",
    "Meeting",
    "MeetingKind",
    "MeetingMove",
    "MeetingRules",
    "MeetingStatus",
    "Minutes",
    "Resolution",
    "Speech",
    "Task",
    "TaskOutcome",
]
