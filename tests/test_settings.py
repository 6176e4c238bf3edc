"""Settings read from the environment: bad values stop start-up, production is strict.

Each start-up runs in a subprocess with an environment the test controls, so the
settings of this test process are untouched.
"""

import os
import secrets
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "django-insecure-chibo-development-key-do-not-use-in-production"
SETUP = "import django; django.setup(); print('settings loaded')"


def baseline(tmp_path):
    """Every variable settings.py reads, set to its development default.

    Setting them all keeps a developer's .env (read with overwrite=False) out of
    these start-ups; an empty value means "unset" to the variables that allow it.
    """
    var_dir = tmp_path / "var"
    return {
        "CHIBO_VAR_DIR": str(var_dir),
        "DEBUG": "",
        "SECRET_KEY": "",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": "",
        "DATABASE_URL": f"sqlite:///{var_dir / 'chibo.sqlite3'}",
        "CONN_MAX_AGE": "60",
        "DATABASE_REPLICA_URL": "",
        "DATABASE_POOLER": "",
        "SITE_URL": "",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "",
        "EMAIL_URL": "",
        "DEFAULT_FROM_EMAIL": "chibo@localhost",
        "TIME_ZONE": "Asia/Ho_Chi_Minh",
        "MEDIA_ROOT": str(var_dir / "media"),
        "LOG_LEVEL": "WARNING",
        "SECURE_SSL_REDIRECT": "",
        "SECURE_HSTS_SECONDS": "31536000",
    }


def run_python(tmp_path, args, **variables):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "chibo.settings",
        **baseline(tmp_path),
    }
    env.update(variables)
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def start_up(tmp_path, **variables):
    return run_python(tmp_path, ["-c", SETUP], **variables)


def test_development_defaults_start_up(tmp_path):
    result = start_up(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "settings loaded" in result.stdout


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://chibo@127.0.0.1:5432/chibo", "CONN_MAX_AGE": "abc"}, "CONN_MAX_AGE"),
        ({"EMAIL_URL": "nonsense"}, "EMAIL_URL"),
        ({"DATABASE_REPLICA_URL": "nonsense"}, "DATABASE_REPLICA_URL"),
        ({"DATABASE_POOLER": "pgpool"}, "DATABASE_POOLER"),
        ({"CELERY_BROKER_URL": "nonsense"}, "CELERY_BROKER_URL"),
        (
            {"SECURE_HSTS_SECONDS": "a year", "DEBUG": "false", "SECRET_KEY": "x" * 10 + secrets.token_urlsafe(60)},
            "SECURE_HSTS_SECONDS",
        ),
    ],
    ids=[
        "DEBUG",
        "DATABASE_URL",
        "CONN_MAX_AGE",
        "EMAIL_URL",
        "DATABASE_REPLICA_URL",
        "DATABASE_POOLER",
        "CELERY_BROKER_URL",
        "SECURE_HSTS_SECONDS",
    ],
)
def test_malformed_variable_stops_start_up_naming_it(tmp_path, variables, named):
    result = start_up(tmp_path, **variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Environment variable {named}" in result.stderr


def test_replicas_and_the_pooler_configure_the_databases(tmp_path):
    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASE_REPLICAS, sorted(s.DATABASES), s.DATABASES['replica_1']['PORT'], "
        "s.DATABASES['replica_0']['TEST']['MIRROR'], "
        "{d.get('DISABLE_SERVER_SIDE_CURSORS') for d in s.DATABASES.values()}, "
        "s.CELERY_BEAT_SCHEDULER)"
    )
    result = run_python(
        tmp_path,
        ["-c", show],
        DATABASE_URL="postgres://chibo@127.0.0.1:6432/chibo",
        DATABASE_REPLICA_URL="postgres://chibo@10.0.0.2:6432/chibo, postgres://chibo@10.0.0.3:6433/chibo",
        DATABASE_POOLER="pgbouncer",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "['replica_0', 'replica_1'] ['default', 'replica_0', 'replica_1'] 6433 default {True} "
        "chibo.beat:LockedDatabaseScheduler"
    )


@pytest.mark.parametrize("secret_key", ["", DEV_SECRET_KEY, "too-short"], ids=["unset", "development-key", "short"])
def test_production_refuses_the_development_secret_key(tmp_path, secret_key):
    result = start_up(tmp_path, DEBUG="false", SECRET_KEY=secret_key, ALLOWED_HOSTS="chibo.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_deploy_check_reports_nothing(tmp_path):
    result = run_python(
        tmp_path,
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="chibo.example.org",
        CSRF_TRUSTED_ORIGINS="https://chibo.example.org",
        SITE_URL="https://chibo.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(("debug", "secure"), [("true", "False"), ("false", "True")])
def test_the_language_cookie_is_secure_in_production(tmp_path, debug, secure):
    """Like the session and CSRF cookies: over HTTPS only when DEBUG is off."""
    result = run_python(
        tmp_path,
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.LANGUAGE_COOKIE_SECURE)",
        ],
        DEBUG=debug,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="chibo.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == secure


def test_vietnamese_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE


def test_dates_are_written_day_month_year():
    with translation.override("vi"):
        assert formats.date_format(date(2026, 3, 5)) == "05/03/2026"
        assert formats.date_format(date(2026, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2026"
