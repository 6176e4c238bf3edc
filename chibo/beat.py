"""Beat runs once, however many hosts start it: each scheduler tick first takes (or renews) a
lock in Redis, and a beat that does not hold it sends nothing and waits. If the holder dies, its
lock expires after BEAT_LOCK_SECONDS and another beat takes over.

``LockedDatabaseScheduler`` is the production scheduler (django-celery-beat's schedule, in the
database); ``LockedPersistentScheduler`` is Celery's file scheduler with the same lock.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket

import redis
from celery.beat import PersistentScheduler

logger = logging.getLogger(__name__)

LOCK_NAME = "chibo:beat"
BEAT_LOCK_SECONDS = 30


class BeatLock:
    """Held by one beat at a time; renewed on every tick by its holder."""

    def __init__(self, url: str, name: str = LOCK_NAME, seconds: int = BEAT_LOCK_SECONDS):
        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self.name, self.seconds = name, seconds
        self.token = f"{socket.gethostname()}:{os.getpid()}".encode()

    def hold(self) -> bool:
        """True when this beat holds the lock (taken now or renewed)."""
        try:
            if self.client.set(self.name, self.token, nx=True, ex=self.seconds):
                logger.info("Beat lock taken by %s", self.token.decode())
                return True
            # Renew only our own lock: compare and extend in one step.
            renewed = self.client.eval(
                "if redis.call('get', KEYS[1]) == ARGV[1] then "
                "return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end",
                1,
                self.name,
                self.token,
                self.seconds,
            )
            return bool(renewed)
        except redis.RedisError as error:
            logger.warning("Beat lock unavailable (%s): not sending this tick", error.__class__.__name__)
            return False

    def release(self) -> None:
        with contextlib.suppress(redis.RedisError):
            self.client.eval(
                "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
                1,
                self.name,
                self.token,
            )


class LockedSchedulerMixin:
    """Ticks only while holding the beat lock; otherwise checks again within a few seconds."""

    standby_interval = 5.0

    def _beat_lock(self) -> BeatLock:
        if getattr(self, "_chibo_lock", None) is None:
            conf = self.app.conf
            self._chibo_lock = BeatLock(conf.chibo_beat_lock_url, name=conf.get("chibo_beat_lock_name") or LOCK_NAME)
        return self._chibo_lock

    def tick(self, *args, **kwargs):
        if not self._beat_lock().hold():
            return self.standby_interval
        # Sleep less than the lock lasts, so the holder renews it in time.
        return min(super().tick(*args, **kwargs), BEAT_LOCK_SECONDS / 3)

    def close(self):
        super().close()
        self._beat_lock().release()


class LockedPersistentScheduler(LockedSchedulerMixin, PersistentScheduler):
    pass


def _database_scheduler():
    # django-celery-beat's models need Django set up: import when the class is first asked for.
    from django_celery_beat.schedulers import DatabaseScheduler

    return type("LockedDatabaseScheduler", (LockedSchedulerMixin, DatabaseScheduler), {"__module__": __name__})


def __getattr__(name):
    if name == "LockedDatabaseScheduler":
        cls = _database_scheduler()
        globals()[name] = cls
        return cls
    raise AttributeError(name)
