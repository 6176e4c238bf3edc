"""Tasks that belong to no app."""

from pathlib import Path

from celery import shared_task


@shared_task(name="chibo.tasks.ping")
def ping(path: str) -> str:
    """Write "pong" to path: proves a worker took a message off the broker and ran it."""
    Path(path).write_text("pong", encoding="utf-8")
    return "pong"
