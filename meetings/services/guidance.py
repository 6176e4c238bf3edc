"""The month's content guidance that communes publish to the branches under them.

Publishing writes the guidance (and its files) in the request; putting it on the agenda of every
not-yet-held meeting of that month under the organisation is the task
``meetings.tasks.guidance_insert``, which the caller queues when the guidance is committed
(``meetings.tasks.guidance_queue_insert``), so a commune with hundreds of branches does not
wait on one request. The insert is idempotent (at most one item
per meeting and guidance), so a task delivered twice, or run again by hand, adds nothing.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from meetings.models import (
    NOT_YET_HELD,
    Guidance,
    Meeting,
)
from meetings.months import first_of_month
from meetings.services.agenda import agenda_insert_guidance
from meetings.services.uploads import attachment_upload
from members import access
from members.models import Organization


@transaction.atomic
def guidance_publish(
    *,
    organization: Organization,
    month: datetime.date,
    title: str,
    body: str,
    by: AbstractBaseUser | None,
    files: tuple[UploadedFile, ...] | list[UploadedFile] = (),
) -> Guidance:
    """Publish the month's guidance to every branch under the organisation.

    Meetings of that month not yet held get it on their agenda from ``guidance_insert``, which
    the caller queues on commit; meetings created later take it from ``guidance_for``.
    """
    guidance = Guidance.objects.create(
        organization=organization, month=first_of_month(month), title=title, body=body, published_by=by
    )
    for upload in files:
        attachment_upload(guidance=guidance, upload=upload, by=by)
    return guidance


def guidance_insert(*, guidance: Guidance) -> int:
    """Put the guidance on the agenda of every not-yet-held meeting of its month under its
    organisation; returns how many items were added (0 when run again). Run in the system scope."""
    meetings = Meeting.objects.filter(
        access.subtree_q([guidance.organization], prefix="branch__"), month=guidance.month, status__in=NOT_YET_HELD
    ).order_by("pk")
    added = 0
    for meeting in meetings:
        # One meeting at a time: a failure leaves the others done, and a rerun finishes the rest.
        with transaction.atomic():
            added += agenda_insert_guidance(meeting, guidance) is not None
    return added
