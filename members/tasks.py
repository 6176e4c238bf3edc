from celery import shared_task
from django.utils import timezone

from . import importing


@shared_task
def purge_import_batches() -> int:
    return importing.purge_stale_batches(now=timezone.now())
