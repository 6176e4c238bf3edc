"""Beat runs once however many hosts start it (chibo/beat.py): two real `celery beat` processes
with the locked scheduler send the schedule once, not twice; when the holder stops, the other
takes over."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from chibo.beat import BeatLock

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set (CI sets it)")


def start_beat(env, tmp_path, number):
    log = (tmp_path / f"beat-{number}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.beat_app", "beat", "-l", "info",
         "-S", "chibo.beat:LockedPersistentScheduler", "-s", str(tmp_path / f"schedule-{number}"),
         "--max-interval", "1"],
        cwd=BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@needs_redis
def test_two_beats_send_the_schedule_once(tmp_path):
    queue, lock = f"chibo-beat-test-{uuid.uuid4().hex}", f"chibo:beat-test:{uuid.uuid4().hex}"
    env = {**os.environ, "BEAT_TEST_REDIS": REDIS_URL, "BEAT_TEST_QUEUE": queue, "BEAT_TEST_LOCK": lock}
    client = redis.Redis.from_url(REDIS_URL)
    beats = [start_beat(env, tmp_path, n) for n in range(2)]
    try:
        deadline = time.monotonic() + 60
        while client.llen(queue) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.llen(queue) > 0, "no beat sent anything"
        start = client.llen(queue)
        time.sleep(6)
        sent = client.llen(queue) - start
        # Every 0.5 s from one beat: about 12 in 6 s; two beats without the lock would send about 24.
        assert 6 <= sent <= 16, sent
        holder = client.get(lock)
        assert holder is not None
        # The holder stops: the other takes over once the lock expires (30 s at most).
        holders = {beat.pid: beat for beat in beats}
        first = holders[int(holder.decode().rsplit(":", 1)[1])]
        stop(first)
        # A stopping beat releases its lock, so the other takes over at its next look.
        before = client.llen(queue)
        deadline = time.monotonic() + 40
        while client.llen(queue) == before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.llen(queue) > before, "the second beat did not take over"
    finally:
        for beat in beats:
            if beat.poll() is None:
                stop(beat)
        client.delete(queue, lock)


@needs_redis
def test_the_lock_is_held_by_one_and_renewed_only_by_its_holder():
    name = f"chibo:beat-test:{uuid.uuid4().hex}"
    first, second = BeatLock(REDIS_URL, name=name, seconds=5), BeatLock(REDIS_URL, name=name, seconds=5)
    second.token = b"other-host:1"
    try:
        assert first.hold() is True
        assert second.hold() is False
        assert first.hold() is True  # renewed
        first.release()
        assert second.hold() is True
    finally:
        first.client.delete(name)


def test_a_beat_without_redis_sends_nothing_rather_than_twice():
    lock = BeatLock("redis://127.0.0.1:1/0", name="chibo:beat-test:none")
    assert lock.hold() is False
