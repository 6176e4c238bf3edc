"""/healthz: is the database and the Celery broker reachable?"""

from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        # The filesystem transport "connects" to anything: check its folder instead.
        return Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).is_dir()
    # Short connect and read timeouts and no retries: a dead or hung broker is reported within
    # about BROKER_TIMEOUT (twice at most), not after kombu's retries or a blocking read.
    timeout = settings.BROKER_TIMEOUT
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout, "max_retries": 0}
    try:
        with Connection(url, connect_timeout=timeout, transport_options=options) as conn:
            conn.ensure_connection(max_retries=0, timeout=timeout)
            conn.default_channel  # noqa: B018 - opening a channel asks the broker (Redis: PING)
        return True
    except Exception:
        return False


@never_cache
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    down = [name for name, ok in checks.items() if not ok]
    body = {"status": "ok" if not down else "down", "checks": checks, "down": down}
    return JsonResponse(body, status=503 if down else 200)
