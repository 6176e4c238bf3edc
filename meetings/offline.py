"""Writes that arrive twice are applied once: the ``Idempotency-Key`` a phone sends with each write.

A phone that takes the roll offline keeps its writes in a queue and sends them when the network
returns; a write whose answer was lost is sent again. Each carries a key made on the phone (a
UUID, header ``Idempotency-Key``) and the time it was tapped (``X-Tapped-At``, milliseconds since
1970). This middleware stores each key with the user, the endpoint and the answer
(``KeyedWrite``, unique per user and key): the same user sending the same key again gets the
stored answer and nothing is applied again. The view and the stored answer commit in one
transaction, so a write is never applied without its key being kept, nor the key kept without the
write; a twin arriving while the first is still running waits on the key's unique index and then
gets the first one's answer.

The conflict rule (docs/decisions/0017-offline.md): the last tap wins until adoption. A roll mark
tapped earlier than the stored one is not applied (the view says so, ``X-Chibo-Not-Applied:
stale``); a write tapped before the minutes were adopted and arriving after is not applied at all
(``adopted``). Both are kept, with why, for the secretary's list (``not_applied``).
"""

from __future__ import annotations

import datetime
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import access
from meetings.models import KeyedWrite, Meeting

KEY_HEADER = "Idempotency-Key"
TAPPED_HEADER = "X-Tapped-At"
NOT_APPLIED_HEADER = "X-Chibo-Not-Applied"
REPLAYED_HEADER = "Idempotent-Replayed"
# A page the service worker may keep for use offline, and for which meeting (assets/sw.js).
OFFLINE_HEADER = "X-Chibo-Offline"
FORGET_HEADER = "X-Chibo-Offline-Forget"
# The meeting's pages that are kept offline for who may (``keep_offline``); answered without the
# mark, they tell the service worker to forget the meeting's pages (adopted, no longer theirs).
OFFLINE_PAGES = {
    "meetings:detail",
    "meetings:roll",
    "meetings:guests",
    "meetings:guest_record",
    "meetings:minutes",
    "petitions:record",
}
# The meetings' writes whose URL ``pk`` is the meeting's (the others' pk is an agenda item, a file…).
MEETING_WRITES = {
    "meetings:roll_mark",
    "meetings:roll_mark_remaining",
    "meetings:guests",
    "meetings:guest_record",
    "meetings:guest_remove",
    "meetings:minutes",
    "meetings:speech_add",
    "meetings:speech_edit",
    "meetings:speech_remove",
}
# A stored answer larger than this is kept without its body (the client then reloads the page).
MAX_BODY = 256 * 1024


def key_of(request) -> uuid.UUID | None:
    value = request.headers.get(KEY_HEADER, "")
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def tapped_at_of(request, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the write was made on the phone; never later than its arrival (a phone clock ahead)."""
    value = request.headers.get(TAPPED_HEADER, "")
    now = now or timezone.now()
    try:
        moment = datetime.datetime.fromtimestamp(int(value) / 1000, tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return min(moment, now)


def _meeting_of(request) -> Meeting | None:
    """The meeting a write is about, if the user sees it."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    pk = None
    if match.view_name in MEETING_WRITES:
        pk = match.kwargs.get("pk")
    elif match.view_name == "petitions:record":
        pk = request.GET.get("meeting")
    if not pk or not str(pk).isdigit():
        return None
    return access.meetings(request.user).filter(pk=pk).only("pk", "status", "minutes_adopted_at", "branch").first()


def _replay(stored: KeyedWrite, request) -> HttpResponse:
    if stored.path != request.path:
        response = HttpResponse(_("This key was already used for another write."), status=422)
        response[REPLAYED_HEADER] = "conflict"
        return response
    response = HttpResponse(bytes(stored.body), status=stored.status, content_type=stored.content_type or None)
    if stored.location:
        response["Location"] = stored.location
    if stored.outcome != KeyedWrite.Outcome.APPLIED:
        response[NOT_APPLIED_HEADER] = stored.outcome
    response[REPLAYED_HEADER] = "true"
    return response


def _refused_adopted(meeting: Meeting) -> HttpResponse:
    response = HttpResponse(
        _("Not applied: the minutes of this meeting were adopted after this change was made."),
        status=409,
        content_type="text/plain; charset=utf-8",
    )
    response[NOT_APPLIED_HEADER] = KeyedWrite.Outcome.ADOPTED
    return response


def _outcome(response, meeting: Meeting | None) -> str:
    said = response.get(NOT_APPLIED_HEADER, "")
    if said in KeyedWrite.Outcome.values:
        return said
    if response.status_code in (404, 409):
        return KeyedWrite.Outcome.ADOPTED if meeting is not None and meeting.is_locked else KeyedWrite.Outcome.REFUSED
    return KeyedWrite.Outcome.APPLIED


def _keepable(response) -> bool:
    """An answer worth giving again. Not a server error, nor a refusal the retry may not meet
    (a stale CSRF token, a login that expired, too many requests): these roll back, so the write
    is applied when the phone sends it again after the user logs in or the page reloads."""
    status = response.status_code
    if status >= 500 or status in (403, 429) or response.streaming:
        return False
    if status in (301, 302, 303, 307, 308):
        login = resolve_url(settings.LOGIN_URL)
        return urlsplit(response.get("Location", "")).path != login
    return True


def keep_offline(request, meeting: Meeting) -> bool:
    """Called by a meeting page's view: the page may be kept on this user's phone for use offline.
    base.html then loads the offline script (``request.offline_meeting``) and the middleware marks
    the answer for the service worker."""
    if access.can_keep_offline(request.user, meeting):
        request.offline_meeting = meeting.pk
        return True
    return False


def _mark_offline(request, response) -> None:
    if request.method != "GET" or response.status_code != 200:
        return
    meeting = getattr(request, "offline_meeting", None)
    if meeting:
        response[OFFLINE_HEADER] = f"meeting-{meeting}"
        return
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in OFFLINE_PAGES:
        response[FORGET_HEADER] = "1"


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = key_of(request)
        if key is None or request.method != "POST" or not request.user.is_authenticated:
            response = self.get_response(request)
            _mark_offline(request, response)
            return response
        user = request.user
        request.tapped_at = tapped_at = tapped_at_of(request)
        stored = KeyedWrite.unscoped.filter(user=user, key=key).first()
        if stored is not None:
            return _replay(stored, request)
        meeting = _meeting_of(request)
        try:
            with transaction.atomic():
                write = KeyedWrite.unscoped.create(
                    user=user, key=key, path=request.path[:500], meeting=meeting, tapped_at=tapped_at, status=0
                )
                adopted_at = meeting.minutes_adopted_at if meeting is not None and meeting.is_locked else None
                if adopted_at is not None and tapped_at is not None and tapped_at < adopted_at:
                    response = _refused_adopted(meeting)
                else:
                    response = self.get_response(request)
                if not _keepable(response):
                    transaction.set_rollback(True)  # nothing kept: the retry runs it again
                    return response
                write.outcome = _outcome(response, meeting)
                if response.status_code == 404 and write.outcome == KeyedWrite.Outcome.REFUSED:
                    write.meeting = None  # not found: nothing to show on a meeting's list
                write.description = str(getattr(request, "keyed_description", ""))[:300]
                write.status = response.status_code
                write.location = response.get("Location", "")[:2000]
                write.content_type = response.get("Content-Type", "")[:200]
                body = response.content
                write.body = body if len(body) <= MAX_BODY else b""
                write.save()
        except IntegrityError:
            # A twin with the same key committed first (its insert held ours): its answer is the answer.
            stored = KeyedWrite.unscoped.filter(user=user, key=key).first()
            if stored is None:
                raise
            return _replay(stored, request)
        if write.outcome != KeyedWrite.Outcome.APPLIED and NOT_APPLIED_HEADER not in response:
            response[NOT_APPLIED_HEADER] = write.outcome
        return response
