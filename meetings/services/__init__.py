"""Use cases that change meetings, one module per subject; views call them with cleaned values."""

from . import (
    agenda,
    cadres,
    guidance,
    minutes,
    reminder_rules,
    residence,
    resolution,
    roll,
    rules,
    schedule,
    uploads,
    versions,
)

__all__ = [
    "agenda",
    "cadres",
    "guidance",
    "minutes",
    "reminder_rules",
    "residence",
    "resolution",
    "roll",
    "rules",
    "schedule",
    "uploads",
    "versions",
]
