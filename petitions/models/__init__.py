from .catalogue import DEFAULT_BODIES, DEFAULT_CATEGORIES, Body, BodyKind, Category
from .petitions import (
    ACTIONS,
    ANSWERED_STATUSES,
    CLOSED_STATUSES,
    HANDLERS,
    OPEN_STATUSES,
    OVERSEERS,
    RUNNING_STATUSES,
    Action,
    Petition,
    PetitionStatus,
    Priority,
    default_deadline,
)
from .timeline import EventKind, PetitionAttachment, PetitionEvent

__all__ = [
    "ACTIONS",
    "ANSWERED_STATUSES",
    "CLOSED_STATUSES",
    "DEFAULT_BODIES",
    "DEFAULT_CATEGORIES",
    "HANDLERS",
    "OPEN_STATUSES",
    "OVERSEERS",
    "RUNNING_STATUSES",
    "Action",
    "Body",
    "BodyKind",
    "Category",
    "EventKind",
    "Petition",
    "PetitionAttachment",
    "PetitionEvent",
    "PetitionStatus",
    "Priority",
    "default_deadline",
]
