"""A Celery app for tests/test_beat.py's beat processes: the locked scheduler with one entry
every half second, sent to the test's own queue (no Django, no database)."""

import os

from celery import Celery

app = Celery("chibo-beat-test", broker=os.environ["BEAT_TEST_REDIS"])
app.conf.chibo_beat_lock_url = os.environ["BEAT_TEST_REDIS"]
app.conf.chibo_beat_lock_name = os.environ["BEAT_TEST_LOCK"]
app.conf.beat_schedule = {
    "ping": {
        "task": "chibo.tasks.ping",
        "schedule": 0.5,
        "args": ["/dev/null"],
        "options": {"queue": os.environ["BEAT_TEST_QUEUE"]},
    }
}
