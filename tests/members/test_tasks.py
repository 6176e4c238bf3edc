import datetime

from django.utils import timezone

from chibo.celery import app
from members.models import ImportBatch
from members.tasks import purge_import_batches


def test_stale_import_batches_are_purged(secretary, tree):
    old = ImportBatch.objects.create(branch=tree.branch, created_by=secretary.user, filename="cu.xlsx", rows=[{}])
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    fresh = ImportBatch.objects.create(branch=tree.branch, created_by=secretary.user, filename="moi.xlsx", rows=[{}])

    assert purge_import_batches() == 1
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_purge_is_scheduled_nightly():
    entry = app.conf.beat_schedule["purge-import-batches"]
    assert entry["task"] == purge_import_batches.name
    assert entry["task"] in app.tasks  # registered, so beat can send it
