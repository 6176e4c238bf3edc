"""Settings for Chi bộ, read from the environment.

With no environment at all this is a development site on SQLite with Celery's
filesystem broker under var/, so a new user needs no servers. Every variable is
listed in .env.example.
"""

import datetime
import os
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CHIBO_VAR_DIR", BASE_DIR / "var"))

DEV_SECRET_KEY = "django-insecure-chibo-development-key-do-not-use-in-production"  # noqa: S105 - refused when DEBUG is false

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _read(name, reader, default):
    """Read one variable (empty means unset); a malformed value stops start-up naming it."""
    if not os.environ.get(name, "").strip():
        return default
    try:
        return reader(name)
    except (ValueError, TypeError, KeyError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"Environment variable {name} is malformed: {exc}") from exc


def _bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"Environment variable {name}={raw!r} is malformed: use true or false.")


def _url(name, default, parse=None):
    """Read a URL variable (empty means unset) and parse it; a malformed one names the variable."""
    raw = os.environ.get(name, "").strip() or default
    if "://" not in raw:
        raise ImproperlyConfigured(f"Environment variable {name} is malformed: {raw!r} is not a URL.")
    if parse is None:
        return raw
    try:
        return parse(raw)
    except Exception as exc:  # django-environ raises several types for bad URLs
        raise ImproperlyConfigured(f"Environment variable {name} is malformed: {exc}") from exc


DEBUG = _bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "Environment variable SECRET_KEY must be set to a long random value when DEBUG is false."
    )

ALLOWED_HOSTS = _read("ALLOWED_HOSTS", env.list, default=["127.0.0.1", "localhost", "[::1]"])

# The site's address as people open it, scheme and host ("https://chibo.example.org"): every
# e-mail, SMS and inbox message links to a page under it (notifications/links.py). Required when
# DEBUG is false (`check --deploy` says so: notifications/checks.py); the development site's
# default is what `make run` serves.
DEV_SITE_URL = "http://127.0.0.1:8000"
SITE_URL = (os.environ.get("SITE_URL", "").strip() or (DEV_SITE_URL if DEBUG else "")).rstrip("/")
if SITE_URL and (not SITE_URL.startswith(("http://", "https://")) or not SITE_URL.split("://", 1)[1].strip("/")):
    raise ImproperlyConfigured(
        f"Environment variable SITE_URL is malformed: {SITE_URL!r} is not an http:// or https:// address."
    )
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", env.list, default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "simple_history",
    "treebeard",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "workdays",
    "members",
    # After members: its user_logged_in receiver (forgetting cached roles) runs before accounts'.
    "accounts",
    "meetings",
    "petitions",
    "oversight",
    "demo",
    "portal",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML is gzipped (static files come precompressed from WhiteNoise above, which answers
    # before this). BREACH: Django masks the CSRF token with a new random mask on every
    # response, and this middleware pads each response with random bytes ("Heal The Breach");
    # see docs/security.md#content-security-policy.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese whatever the browser's Accept-Language; English only when chosen (chibo/language.py).
    "chibo.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Queries on branch data run in the request user's scope (members.access).
    "members.access.ScopeMiddleware",
    # The oversight pages and exports may read from a replica (chibo/replicas.py).
    "chibo.replicas.ReplicaMiddleware",
    # What a response showed of classified data, written to the access log in one INSERT (members.audit).
    "members.audit.AccessLogMiddleware",
    # After the password, a user with two-factor on (or required) reaches only the code step.
    "accounts.signin.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every response to a signed-in user: Cache-Control: private, no-store (chibo/cache_headers.py).
    "chibo.cache_headers.PrivateNoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # The first page writes the CSS into the page; a cookie lets the next ones link it (chibo/stylesheet.py).
    "chibo.stylesheet.StylesheetCookieMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a login refused for too many failures into the lockout page (accounts.signin).
    "axes.middleware.AxesMiddleware",
    # A write sent again with the same Idempotency-Key gets the first answer and changes nothing
    # (a phone's offline queue, a retry after a lost answer; meetings.offline). Innermost, so the
    # answer given again passes the same headers as the first.
    "meetings.offline.IdempotencyMiddleware",
]

ROOT_URLCONF = "chibo.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "members.context_processors.navigation",
                "meetings.context_processors.navigation",
                "petitions.context_processors.navigation",
                "notifications.context_processors.unread",
                "chibo.replicas.freshness",
            ],
            # {% inline_stylesheets %}: the CSS written into the page's head (chibo/stylesheet.py).
            "libraries": {"stylesheet": "chibo.stylesheet"},
        },
    },
]

WSGI_APPLICATION = "chibo.wsgi.application"

# --- Database ----------------------------------------------------------------
DATABASES = {
    "default": _url("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chibo.sqlite3'}", environ.Env.db_url_config),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = _read("CONN_MAX_AGE", env.int, default=60)

# Read replicas (chibo/replicas.py, docs/operations.md#read-replicas): PostgreSQL streaming
# replicas, comma-separated. Only the pages and tasks named below read from them, and only
# while the user has not just written; with none, everything reads the primary.
DATABASE_REPLICAS = []
for _number, _replica_url in enumerate(u.strip() for u in os.environ.get("DATABASE_REPLICA_URL", "").split(",")):
    if not _replica_url:
        continue
    if not _replica_url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("Environment variable DATABASE_REPLICA_URL is malformed: not postgres:// URLs.")
    _replica = environ.Env.db_url_config(_replica_url)
    _replica.update(
        CONN_MAX_AGE=DATABASES["default"].get("CONN_MAX_AGE", 0),
        # A dead replica is found at the start of a request, not by a failing query.
        CONN_HEALTH_CHECKS=True,
        # Tests read the primary's test database through the replica (replication copies it).
        TEST={"MIRROR": "default"},
    )
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES[f"replica_{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica_{_number}")
DATABASE_ROUTERS = ["chibo.replicas.ReplicaRouter"]
# DATABASE_POOLER=pgbouncer: the databases are reached through PgBouncer in transaction mode
# (docker-compose.yml), where a server connection serves a client for one transaction only.
# Nothing may then rely on session state: no server-side cursors (QuerySet.iterator() reads in
# chunks client-side instead). The code takes no session-level locks and sets no session variables.
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "").strip().lower()
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured("Environment variable DATABASE_POOLER must be empty or 'pgbouncer'.")
if DATABASE_POOLER == "pgbouncer":
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
REPLICA_READ_VIEWS = {
    "oversight:overview",
    "oversight:node",
    "oversight:export",
    "oversight:node_export",
    "oversight:branches",
    "oversight:node_branches",
    "oversight:flags",
    "oversight:removal",
    "oversight:removal_export",
    "oversight:cadre_report",
    "oversight:cadre_detail",
    "petitions:export",
    "members:export",
}
REPLICA_READ_TASKS = {"oversight.tasks.weekly_digest"}
# After a write, the same browser reads the primary for this long.
REPLICA_PIN_SECONDS = _read("REPLICA_PIN_SECONDS", env.int, default=10)
# A page read from a replica further behind than this says how fresh its figures are.
REPLICA_LAG_WARNING_SECONDS = _read("REPLICA_LAG_WARNING_SECONDS", env.int, default=60)
# A replica that did not answer is tried again after this long (the primary serves meanwhile).
REPLICA_RETRY_SECONDS = _read("REPLICA_RETRY_SECONDS", env.int, default=30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth --------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "members:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# django-axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_RESET_TIMEOUT = 24 * 3600

# Login throttling (django-axes, docs/security.md#lockout): 5 failures lock the username, and 30
# whatever the usernames lock the address, for 15 minutes (accounts.signin.LoginThrottle); the
# lockout page does not say whether the username exists.
AXES_HANDLER = "accounts.signin.LoginThrottle"
AXES_FAILURE_LIMIT = 5
AXES_ADDRESS_FAILURE_LIMIT = 30
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.signin.client_address"
# What axes writes to its log and its tables is masked for these fields (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "csrfmiddlewaretoken", "code", "token"]
# Reverse proxies in front of the site that append the client to X-Forwarded-For: the client
# address is the one this many hops from the right. 0 (development) uses REMOTE_ADDR.
TRUSTED_PROXY_COUNT = _read("TRUSTED_PROXY_COUNT", env.int, default=0 if DEBUG else 1)

# Two-factor (django-otp, TOTP with recovery codes). A user who turned it on always enters a
# code; with CHIBO_2FA_REQUIRED, commune staff, leaders and superusers must turn it on.
# On by default in production, off on the development site and its demo.
CHIBO_2FA_REQUIRED = _bool("CHIBO_2FA_REQUIRED", not DEBUG)
# Who that is: a rule on members' roles. accounts sits below members and cannot import it, so
# the project names it here, as it names axes' handler above.
CHIBO_2FA_REQUIRED_FOR = "members.access.requires_two_factor"
# Who may unlock an account or issue its reset code (no takeover from within a commune): also a
# rule on roles, asked by accounts.services before each.
CHIBO_ACCOUNT_MANAGER_RULE = "members.access.may_manage_account"
OTP_TOTP_ISSUER = "Chi bộ"
# django-otp's admin pages show no secret (a TOTP key, a token), even to superusers.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Language, time, formats -------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language chosen in the user menu (set_language) is remembered for a year on that phone.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Like the session and CSRF cookies: sent over HTTPS only in production.
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = _read("TIME_ZONE", env.str, default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["chibo.formats"]

# --- Static and uploaded files ----------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# Front-end packages come from npm at setup (package.json); never from a CDN. Bootstrap is built
# from its Sass sources into static/build/ by `npm run build` (make setup, the Dockerfile).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(_read("MEDIA_ROOT", env.str, default=str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Celery ------------------------------------------------------------------
REDIS_URL = _url("REDIS_URL", "redis://127.0.0.1:6379/0") if os.environ.get("REDIS_URL", "").strip() else ""
# "localhost": the folder broker has no host, but kombu warns on every process without one.
CELERY_BROKER_URL = _url("CELERY_BROKER_URL", REDIS_URL or "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    # The embedded broker needs its folders before the first task is sent.
    for _folder in ("data_folder_in", "processed_folder", "control_folder"):
        Path(CELERY_BROKER_TRANSPORT_OPTIONS[_folder]).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True

# --- Cache ---------------------------------------------------------------------
# One cache for every process (gunicorn workers, the Celery worker), so a claim made with
# cache.add holds across processes: Redis where it runs, else a folder on this machine.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "chibo",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
CELERY_TASK_ALWAYS_EAGER = _bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
# With Redis, beat takes a lock there on every tick (chibo/beat.py), so however many hosts start
# beat, one sends the schedule. Without Redis (make run on SQLite) there is one host anyway.
CELERY_BEAT_SCHEDULER = (
    "chibo.beat:LockedDatabaseScheduler" if REDIS_URL else "django_celery_beat.schedulers:DatabaseScheduler"
)
CELERY_CHIBO_BEAT_LOCK_URL = REDIS_URL
CELERY_TASK_ACKS_LATE = True
# A worker killed mid-task (OOM, kill -9) leaves its message to be delivered again; the
# notification claim (notifications/dispatch.py) keeps a second delivery from sending twice.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Several sites (or a test run) can share one Redis: each consumes its own default queue.
CELERY_TASK_DEFAULT_QUEUE = _read("CELERY_TASK_DEFAULT_QUEUE", env.str, default="celery")
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Redis hands an unacknowledged message to another worker after visibility_timeout. With
    # acks_late a message stays unacknowledged while its task runs, so the timeout must exceed
    # the longest task's hard time limit (notifications.send_notifications: 300 s), or a slow
    # but healthy task would run twice. One hour: a dead worker's message comes back within the
    # hour, and the outbox does not wait for it: dispatch_due hands out pending rows again
    # after NOTIFICATION_REQUEUE_AFTER. No task uses a countdown longer than this.
    # A broker that refuses or hangs must not hold a process for long: connecting gives up
    # after BROKER_TIMEOUT. (A web request's nudge and /healthz use shorter read timeouts of
    # their own too: notifications/tasks.py, chibo/health.py; the workers keep redis-py's.)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
# Seconds a web request's nudge to the broker, and /healthz's broker check, may take at most
# (connect and read): a dead or hung broker costs a request about this long, once.
BROKER_TIMEOUT = _read("BROKER_TIMEOUT", env.float, default=1.0)
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# --- Notifications (the outbox, notifications/dispatch.py) --------------------
# Rows a worker claims and sends per task: a small batch strands few rows when its worker dies
# and ends quickly on a stop.
NOTIFICATION_BATCH_SIZE = _read("NOTIFICATION_BATCH_SIZE", env.int, default=50)
# A row handed to the broker is handed again after this long if still pending (a lost message).
NOTIFICATION_REQUEUE_AFTER = datetime.timedelta(seconds=_read("NOTIFICATION_REQUEUE_AFTER", env.int, default=60))
# A row "sending" this long has lost its worker: it goes back to pending. Each send task's hard
# time limit is derived from it (notifications/tasks.py), so a live worker never outlasts it.
_stuck_seconds = _read("NOTIFICATION_STUCK_AFTER", env.int, default=120)
NOTIFICATION_STUCK_AFTER = datetime.timedelta(seconds=_stuck_seconds)
# Transient failures are retried after 1, 2, 4 … minutes (at most NOTIFICATION_BACKOFF_MAX
# minutes apart) until NOTIFICATION_RETRY_HOURS after the first attempt, then failed.
NOTIFICATION_BACKOFF_MAX = datetime.timedelta(minutes=_read("NOTIFICATION_BACKOFF_MAX", env.int, default=60))
NOTIFICATION_RETRY_WINDOW = datetime.timedelta(hours=_read("NOTIFICATION_RETRY_HOURS", env.float, default=24))
# A row whose send crashed its worker this many times is failed ("crashed the sender").
NOTIFICATION_MAX_CRASHES = 3
if NOTIFICATION_BATCH_SIZE < 1 or _stuck_seconds < 60:
    raise ImproperlyConfigured(
        "Environment variable NOTIFICATION_BATCH_SIZE (at least 1) "
        "or NOTIFICATION_STUCK_AFTER (60 or more) is malformed."
    )
# --- Backups (manage.py backup; the nightly task, notifications/backups.py) ----------------
# A folder for the nightly archive (empty: no nightly backup), and how many days of archives
# to keep there. Copy the folder off the machine: docs/operations.md#backups.
BACKUP_DIR = os.environ.get("BACKUP_DIR", "").strip()
BACKUP_KEEP_DAYS = _read("BACKUP_KEEP_DAYS", env.int, default=14)

# Queues by kind, so each can get its own workers on other hosts (docker-compose.yml,
# docs/operations.md#workers): the sends (e-mail, SMS, password reset), the dashboard's summaries
# and the digest, and the rest (chases, schedules, imports) on the default queue. dispatch_due
# runs on a queue of its own, so it is not stuck behind a backlog of sends. A worker started
# without -Q consumes every queue (make run, tests).
NOTIFICATION_DISPATCH_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.dispatch"
NOTIFICATION_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.notifications"
SUMMARY_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.summaries"
CELERY_TASK_QUEUES = tuple(
    Queue(name) for name in (CELERY_TASK_DEFAULT_QUEUE, NOTIFICATION_DISPATCH_QUEUE, NOTIFICATION_QUEUE, SUMMARY_QUEUE)
)
CELERY_TASK_ROUTES = {
    "notifications.dispatch_due": {"queue": NOTIFICATION_DISPATCH_QUEUE},
    "notifications.send_notification*": {"queue": NOTIFICATION_QUEUE},
    "accounts.send_password_reset": {"queue": NOTIFICATION_QUEUE},
    "oversight.tasks.*": {"queue": SUMMARY_QUEUE},
}

# --- Mail --------------------------------------------------------------------
_email = _url("EMAIL_URL", "filemail://" + str(VAR_DIR / "mail"))
if _email.startswith("filemail://"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _email.removeprefix("filemail://")
else:
    globals().update(_url("EMAIL_URL", _email, environ.Env.email_url_config))
DEFAULT_FROM_EMAIL = _read("DEFAULT_FROM_EMAIL", env.str, default="chibo@localhost")
# A hung SMTP server must not hold a notification worker past its time limit.
EMAIL_TIMEOUT = _read("EMAIL_TIMEOUT", env.int, default=30)

# --- SMS ---------------------------------------------------------------------
SMS_GATEWAY_URL = _read("SMS_GATEWAY_URL", env.str, default="")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_FILE_PATH = _read("SMS_FILE_PATH", env.str, default=str(VAR_DIR / "sms"))
_SMS_BACKENDS = {
    "file": "notifications.channels.FileSmsBackend",
    "console": "notifications.channels.ConsoleSmsBackend",
    "http": "notifications.channels.HttpSmsBackend",
}
_sms_backend = _read("SMS_BACKEND", env.str, default="http" if SMS_GATEWAY_URL else "file")
if _sms_backend not in _SMS_BACKENDS:
    raise ImproperlyConfigured(f"Environment variable SMS_BACKEND is malformed: use one of {', '.join(_SMS_BACKENDS)}.")
SMS_BACKEND = _SMS_BACKENDS[_sms_backend]

# --- Forms and pages ---------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The one inline <style> of base.html carries the request's nonce (chibo/stylesheet.py);
        # style attributes and any other inline style stay refused.
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        # The service worker (/sw.js, chibo/pwa.py) and the web app manifest: this site's own only.
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Security in production --------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Phones are often shared: a login lasts three days unless configured otherwise.
SESSION_COOKIE_AGE = _read("SESSION_COOKIE_AGE", env.int, default=3 * 24 * 3600)
if not DEBUG:
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _read("SECURE_HSTS_SECONDS", env.int, default=31536000)
    # Both commit the whole parent domain for years: an operator on a shared domain turns them off.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# No personal data in logs: only warnings and errors, without request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _read("LOG_LEVEL", env.str, default="WARNING")},
}

# Member import limits.
IMPORT_MAX_BYTES = 5 * 1024 * 1024

# The PDF of the minutes or the resolution is rendered in a process of its own, killed after this
# many seconds (meetings/documents/pdf.py): below gunicorn's 60 s, so the user gets a message.
DOCUMENT_RENDER_SECONDS = _read("DOCUMENT_RENDER_SECONDS", env.float, default=30.0)
