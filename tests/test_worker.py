"""A real Celery worker process takes a task off the real broker and runs it.

The broker is the test run's own: Redis when CELERY_BROKER_URL or REDIS_URL is set
(as in CI), otherwise the filesystem broker, here in a temporary folder that both
the worker and this producer use. A queue of its own keeps the test from taking,
or leaving, anyone else's messages.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
DEADLINE_SECONDS = 60


def filesystem_options(var_dir: Path) -> dict:
    """The transport options settings.py computes for CHIBO_VAR_DIR=var_dir."""
    queue = var_dir / "celery" / "queue"
    processed = var_dir / "celery" / "processed"
    control = var_dir / "celery" / "control"
    for folder in (queue, processed, control):
        folder.mkdir(parents=True)
    return {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "processed_folder": str(processed),
        "control_folder": str(control),
        "store_processed": False,
    }


@pytest.fixture
def broker(tmp_path):
    """(producer app, environment for the worker), both on the same broker."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    producer = Celery("chibo-test-producer", broker=settings.CELERY_BROKER_URL)
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        var_dir = tmp_path / "var"
        env["CHIBO_VAR_DIR"] = str(var_dir)
        producer.conf.broker_transport_options = filesystem_options(var_dir)
    yield producer, env
    producer.close()


@pytest.fixture
def worker(broker, tmp_path):
    """Start `celery worker` on a queue of its own; stop it after the test."""
    _, env = broker
    queue = f"chibo-test-{uuid.uuid4().hex}"
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "chibo",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@%h",
            "--include",
            "chibo.tasks",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "info",
        ],
        cwd=BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process, queue, tmp_path / "worker.log"
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def test_worker_process_runs_a_task_from_the_broker(broker, worker, tmp_path):
    producer, _ = broker
    process, queue, log = worker
    target = tmp_path / "pong.txt"

    producer.send_task("chibo.tasks.ping", args=[str(target)], queue=queue)

    # The task writes "pong"; poll for it, bounded, instead of sleeping a fixed time.
    deadline = time.monotonic() + DEADLINE_SECONDS
    while (target.read_text() if target.exists() else "") != "pong":
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no task ran within {DEADLINE_SECONDS} s; worker log:\n{log.read_text()}")
        time.sleep(0.2)
