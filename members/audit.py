"""The access log, written once per request.

A page or file that shows classified data (member names with absence reasons, a member's record,
the removal flags, a resident's contact, an export) notes what it showed with
``access_log_note(request, …)``: ids only. ``AccessLogMiddleware`` writes the request's notes in
one INSERT once the response is ready, and only when it showed them (a status below 400): a page
refused with 404 logs nothing. The same note twice in a request is written once.
"""

from __future__ import annotations

from collections.abc import Iterable

from members.models import AccessLog
from members.services.register import access_log_write

_NOTES = "_chibo_access_log"


def access_log_note(
    request,
    *,
    action: AccessLog.Action,
    organization_id: int | None = None,
    member_id: int | None = None,
    meeting_id: int | None = None,
    petition_id: int | None = None,
) -> None:
    """Note that this request shows classified data (written by ``AccessLogMiddleware``)."""
    notes = request.__dict__.setdefault(_NOTES, {})
    entry = {
        "action": action,
        "organization_id": organization_id,
        "member_id": member_id,
        "meeting_id": meeting_id,
        "petition_id": petition_id,
    }
    notes.setdefault(tuple(entry.values()), entry)


def access_log_note_branches(request, *, action: AccessLog.Action, organization_ids: Iterable[int]) -> None:
    """One note per branch whose data the page or file shows (a list across branches, an export)."""
    for organization_id in sorted(set(organization_ids)):
        access_log_note(request, action=action, organization_id=organization_id)


def noted(request) -> list[dict]:
    """The request's notes, in the order they were made."""
    return list(request.__dict__.get(_NOTES, {}).values())


class AccessLogMiddleware:
    """Writes each request's access-log notes, one INSERT, after a response that showed the data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        notes = noted(request)
        user = getattr(request, "user", None)
        if notes and response.status_code < 400 and user is not None and user.is_authenticated:
            access_log_write(user=user, entries=notes)
        return response
