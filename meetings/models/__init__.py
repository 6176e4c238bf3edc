from .agenda import DEFAULT_AGENDA, AgendaItem, AgendaItemKind, AgendaTemplate, Attachment, Guidance
from .attendance import ABSENT_MARKS, PRESENT_MARKS, Attendance, CadreAssignment, Category, Guest, Mark
from .calendar import CalendarFeed
from .meetings import (
    NOT_YET_HELD,
    REGULAR_KINDS,
    STATUS_ACTIONS,
    THEMATIC_KINDS,
    Meeting,
    MeetingKind,
    MeetingMove,
    MeetingStatus,
)
from .minutes import Minutes, Resolution, Speech, Task, TaskOutcome
from .offline import KeyedWrite
from .records import AdoptedRecord, AmendedDocument, Amendment
from .reminders import ReminderRules
from .residence import AdoptedBy, CommentStatus, LinkedAttendance, LinkedMark, ResidenceComment, comment_deadline
from .rules import DEFAULT_RUBRIC, HolidayShift, MeetingRules

__all__ = [
    "AdoptedBy",
    "CommentStatus",
    "LinkedAttendance",
    "LinkedMark",
    "ResidenceComment",
    "comment_deadline",
    "DEFAULT_AGENDA",
    "DEFAULT_RUBRIC",
    "HolidayShift",
    "NOT_YET_HELD",
    "STATUS_ACTIONS",
    "ABSENT_MARKS",
    "PRESENT_MARKS",
    "REGULAR_KINDS",
    "THEMATIC_KINDS",
    "AdoptedRecord",
    "AgendaItem",
    "AmendedDocument",
    "Amendment",
    "AgendaItemKind",
    "AgendaTemplate",
    "Attachment",
    "Attendance",
    "CadreAssignment",
    "CalendarFeed",
    "Category",
    "Guest",
    "KeyedWrite",
    "Guidance",
    "Mark",
    "Meeting",
    "MeetingKind",
    "MeetingMove",
    "MeetingRules",
    "MeetingStatus",
    "ReminderRules",
    "Minutes",
    "Resolution",
    "Speech",
    "Task",
    "TaskOutcome",
]
