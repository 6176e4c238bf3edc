"""The cache is shared by every process: a claim made with cache.add in one process holds in
another, whatever the number of gunicorn workers."""

import os
import subprocess
import sys
import uuid

import pytest

CLAIM = """
import django, sys
django.setup()
from django.core.cache import cache
print("won" if cache.add(sys.argv[1], 1, timeout=60) else "lost")
"""


def _claim(key: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "-c", CLAIM, key], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout.strip()


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    return {**env, "DJANGO_SETTINGS_MODULE": "chibo.settings", **extra}


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (CI sets it)")
def test_a_claim_in_one_process_holds_in_another_with_redis():
    key = f"test:claim:{uuid.uuid4()}"
    env = _env(REDIS_URL=os.environ["REDIS_URL"])
    assert [_claim(key, env), _claim(key, env)] == ["won", "lost"]


def test_without_redis_processes_share_a_folder(tmp_path):
    key = f"test:claim:{uuid.uuid4()}"
    env = _env(CHIBO_VAR_DIR=str(tmp_path))
    assert [_claim(key, env), _claim(key, env)] == ["won", "lost"]
    assert (tmp_path / "cache").is_dir()
