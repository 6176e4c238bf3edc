"""Read replicas: which reads may go to a PostgreSQL streaming replica, and how fresh it is.

With ``DATABASE_REPLICA_URL`` unset there is no replica alias and every query goes to the
primary, as before. With one or more replicas (aliases ``replica_0``, ``replica_1`` …):

- Only the reads listed in ``REPLICA_READ_VIEWS`` (URL names of GET pages: the oversight pages,
  exports) and ``REPLICA_READ_TASKS`` (Celery tasks: the digest, the figures) may go to a
  replica; everything else reads the primary.
- A request or task that writes reads the primary from then on, and so does every read inside a
  transaction on the primary.
- A browser that has just written (any POST, PUT, PATCH or DELETE) carries a short-lived cookie
  and reads the primary for ``REPLICA_PIN_SECONDS``, so nobody sees their own change vanish.
- A replica that does not answer is skipped for ``REPLICA_RETRY_SECONDS`` (with a logged
  warning) and the page reads the primary; one whose replay is more than
  ``REPLICA_LAG_WARNING_SECONDS`` behind still serves, and the page says how fresh its figures are.

The choice is a context variable read by ``ReplicaRouter`` (settings.DATABASE_ROUTERS).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import logging
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

PIN_COOKIE = "chibo_primary"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class _Reads:
    """What this request or task may read from: a replica alias, or None for the primary."""

    alias: str | None = None
    wrote: bool = False
    lag: datetime.timedelta | None = field(default=None)
    replayed_at: datetime.datetime | None = None


_reads: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar("chibo_replica_reads", default=None)

# Per process: replica alias -> monotonic time until which it is taken as down.
_down_until: dict[str, float] = {}
# Per process: replica alias -> (monotonic time read, lag, last replay time).
_lag_cache: dict[str, tuple[float, datetime.timedelta, datetime.datetime | None]] = {}
LAG_CACHE_SECONDS = 2.0


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


class ReplicaRouter:
    """Reads go where the current request or task allows (see the module's docstring); writes,
    migrations and everything else go to the primary ("default")."""

    def db_for_read(self, model, **hints):
        state = _reads.get()
        if state is None or state.alias is None or state.wrote:
            return None
        if connections["default"].in_atomic_block:
            # Inside a transaction on the primary, reads must see its own writes.
            return None
        return state.alias

    def db_for_write(self, model, **hints):
        state = _reads.get()
        if state is not None:
            state.wrote = True
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # A replica holds the same rows as the primary: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db not in replica_aliases()


def _replica_lag(alias: str) -> tuple[datetime.timedelta, datetime.datetime | None]:
    """How far the replica's replay is behind: zero when it has replayed all it received."""
    cached = _lag_cache.get(alias)
    now = time.monotonic()
    if cached and now - cached[0] < LAG_CACHE_SECONDS:
        return cached[1], cached[2]
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), "
            "pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), "
            "pg_last_xact_replay_timestamp(), now()"
        )
        in_recovery, caught_up, replayed_at, db_now = cursor.fetchone()
    if not in_recovery or caught_up or replayed_at is None:
        lag = datetime.timedelta(0)
    else:
        lag = max(db_now - replayed_at, datetime.timedelta(0))
    _lag_cache[alias] = (now, lag, replayed_at)
    return lag, replayed_at


def choose_replica() -> tuple[str | None, datetime.timedelta | None, datetime.datetime | None]:
    """A replica that answers, with its lag; (None, None, None) when none does (read the primary)."""
    aliases = replica_aliases()
    random.shuffle(aliases)
    for alias in aliases:
        if _down_until.get(alias, 0) > time.monotonic():
            continue
        try:
            connections[alias].ensure_connection()
            lag, replayed_at = _replica_lag(alias)
        except DatabaseError as error:
            _down_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
            # A broken connection must not be reused by the next request in this thread.
            with contextlib.suppress(DatabaseError):
                connections[alias].close()
            logger.warning("Replica %s does not answer, reading the primary: %s", alias, error.__class__.__name__)
            continue
        return alias, lag, replayed_at
    return None, None, None


@contextlib.contextmanager
def replica_reads():
    """Reads in this block may come from a replica (writes switch them back to the primary)."""
    alias, lag, replayed_at = choose_replica() if replica_aliases() else (None, None, None)
    token = _reads.set(_Reads(alias=alias, lag=lag, replayed_at=replayed_at))
    try:
        yield _reads.get()
    finally:
        _reads.reset(token)


def current_alias() -> str | None:
    state = _reads.get()
    return None if state is None else state.alias


class ReplicaMiddleware:
    """Lets the GET pages named in REPLICA_READ_VIEWS read from a replica, unless the browser
    wrote within REPLICA_PIN_SECONDS; marks a browser that writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        token = _reads.set(_Reads())
        try:
            response = self.get_response(request)
            # Not state.wrote: a GET writes its access log and session rows, which do not change
            # what the user reads.
            if request.method not in _SAFE_METHODS:
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=settings.REPLICA_PIN_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
        finally:
            _reads.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _reads.get() is None or request.method not in {"GET", "HEAD"} or PIN_COOKIE in request.COOKIES:
            return None
        match = request.resolver_match
        if match is None or match.view_name not in settings.REPLICA_READ_VIEWS:
            return None
        alias, lag, replayed_at = choose_replica()
        state = _reads.get()
        state.alias, state.lag, state.replayed_at = alias, lag, replayed_at
        return None


def freshness(request) -> dict:
    """Template context: how old a replica's figures are, when more than the warning threshold."""
    state = _reads.get()
    if state is None or state.alias is None or state.lag is None:
        return {}
    if state.lag.total_seconds() <= settings.REPLICA_LAG_WARNING_SECONDS:
        return {}
    replayed_at = state.replayed_at and timezone.localtime(state.replayed_at)
    return {"replica_freshness": {"lag_seconds": int(state.lag.total_seconds()), "as_of": replayed_at}}


def task_prerun(task=None, **kwargs):
    """Celery: the tasks named in REPLICA_READ_TASKS read from a replica."""
    if task is None or task.name not in settings.REPLICA_READ_TASKS or not replica_aliases():
        return
    alias, lag, replayed_at = choose_replica()
    task.request.chibo_replica_token = _reads.set(_Reads(alias=alias, lag=lag, replayed_at=replayed_at))


def task_postrun(task=None, **kwargs):
    token = getattr(task.request, "chibo_replica_token", None) if task is not None else None
    if token is not None:
        _reads.reset(token)
        task.request.chibo_replica_token = None
