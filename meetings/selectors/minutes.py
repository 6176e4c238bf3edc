"""Reads for the minutes: who votes, the voting base and the result, who confirmed the score."""

from __future__ import annotations

from meetings.counting import VoteResult, vote_result
from meetings.models import (
    Meeting,
    Minutes,
)
from meetings.selectors.roll import count_roll
from members.names import person_name


def voters(meeting: Meeting) -> int:
    """Full members present who vote (not those who left or are transferred to another branch)."""
    return count_roll(meeting).voters


def voting_base(meeting: Meeting) -> int:
    """The voting base of Quy định 24-QĐ/TW §9.3.2 (``meetings.counting.Standing.in_voting_base``)."""
    return count_roll(meeting).voting_base


def vote_outcome(meeting: Meeting, minutes: Minutes | None = None) -> VoteResult | None:
    """The recorded vote with its base, tally and whether the resolution passed; None before a
    vote is recorded. Two queries (the roll), plus one when ``minutes`` is not given."""
    if minutes is None:
        minutes = Minutes.objects.filter(meeting=meeting).first()
        if minutes is None:
            return None
    if minutes.votes_for is None:
        return None
    return vote_result(
        votes_for=minutes.votes_for,
        votes_against=minutes.votes_against,
        votes_abstain=minutes.votes_abstain,
        counts=count_roll(meeting),
    )


def confirmed_by_name(minutes: Minutes) -> str:
    """Who confirmed the score, as the documents print it (members.names.person_name)."""
    return person_name(minutes.score_confirmed_by)
