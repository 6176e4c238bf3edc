from celery import shared_task
from django.utils import timezone

from members.services.imports import purge_stale_batches


@shared_task
def purge_import_batches() -> int:
    return purge_stale_batches(now=timezone.now())
