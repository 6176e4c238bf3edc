"""Reads for the minutes: who votes, who confirmed the score."""

from __future__ import annotations

from meetings.models import (
    Meeting,
    Minutes,
)
from meetings.selectors.roll import roll_summary
from members.models import Member


def voters(meeting: Meeting) -> int:
    """Full members present: only they vote on the resolution."""
    return roll_summary(meeting).present_full


def confirmed_by_name(minutes: Minutes) -> str:
    user = minutes.score_confirmed_by
    if user is None:
        return ""
    member = Member.objects.filter(user=user).first()
    return member.full_name if member else (user.get_full_name() or user.get_username())
