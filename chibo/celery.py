import os

from celery import Celery
from celery.schedules import crontab

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
}
