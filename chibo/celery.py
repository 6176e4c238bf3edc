import os

from celery import Celery, signals
from celery.schedules import crontab

from chibo import replicas

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")

app = Celery("chibo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task, in one place. django_celery_beat's DatabaseScheduler copies
# these into the database, where staff can see them in /admin/.
app.conf.beat_schedule = {
    "purge-import-batches": {
        "task": "members.tasks.purge_import_batches",
        "schedule": crontab(hour=2, minute=15),
    },
    # Hands due outbox rows to the workers; also puts back rows a dead worker left "sending".
    # It runs on a queue of its own (settings.CELERY_TASK_ROUTES), so a backlog of sends does not
    # delay it.
    "dispatch-notifications": {
        "task": "notifications.dispatch_due",
        "schedule": 60.0,
        # A run missed while no worker was up is not worth queueing: the next one sends it all.
        # django-celery-beat reads "expire_seconds" (it drops "expires").
        "options": {"expire_seconds": 55},
    },
    # The domain's chases (meetings/reminders.py, petitions/reminders.py), before 08:00, when the
    # members' meeting reminders fall due. Each run is idempotent (de-duplication keys).
    "chase-meetings": {
        "task": "meetings.tasks.chase_meetings",
        "schedule": crontab(hour=7, minute=0),
    },
    "chase-petitions": {
        "task": "petitions.tasks.chase_petitions",
        "schedule": crontab(hour=7, minute=10),
    },
    # The leaders' weekly digest, Monday 07:00 local time (CELERY_TIMEZONE is the site's zone);
    # one per leader and ISO week, whatever the number of runs.
    "weekly-digest": {
        "task": "oversight.tasks.weekly_digest",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
    },
    # The dashboard's monthly summaries older than a change to their meetings (oversight/freshness.py):
    # a change shows within a minute or two. A run missed while no worker was up is not worth queueing.
    "refresh-changed-summaries": {
        "task": "oversight.tasks.refresh_changed_branch_months",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Every branch's summaries of the last three months, for what no timestamp shows (a member made
    # exempt, guidance published, the month a meeting moved away from).
    "refresh-dashboard": {
        "task": "oversight.tasks.refresh_recent_branch_months",
        "schedule": crontab(hour=1, minute=0),
    },
    # The secretary's role follows the post on the day a term recorded ahead starts or ends.
    "follow-secretary-posts": {
        "task": "members.tasks.follow_secretary_posts",
        "schedule": crontab(hour=0, minute=10),
    },
    # Cadre roles of assignments that ran out by their end date (what a cadre sees ends with it).
    "expire-cadre-roles": {
        "task": "meetings.tasks.expire_cadre_roles",
        "schedule": crontab(hour=0, minute=20),
    },
    # Idempotency keys of writes sent by phones, with their answers: kept 30 days (meetings.offline).
    "purge-keyed-writes": {
        "task": "meetings.tasks.purge_keyed_writes",
        "schedule": crontab(hour=0, minute=25),
    },
    # The nightly archive of the database and uploads, when BACKUP_DIR is set (docs/operations.md).
    "backup-nightly": {
        "task": "notifications.backup_nightly",
        "schedule": crontab(hour=3, minute=0),
    },
    # The coming months' regular meetings (also `manage.py schedule_meetings`), twice a month.
    "schedule-regular-meetings": {
        "task": "meetings.tasks.schedule_regular_meetings",
        "schedule": crontab(hour=1, minute=30, day_of_month="1,15"),
        "kwargs": {"months_ahead": 2},
    },
}


# The tasks named in settings.REPLICA_READ_TASKS read from a replica when one is configured.
signals.task_prerun.connect(replicas.task_prerun, weak=False)
signals.task_postrun.connect(replicas.task_postrun, weak=False)
