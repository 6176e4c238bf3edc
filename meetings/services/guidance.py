"""The month's content guidance that communes publish to the branches under them."""

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

    Meetings of that month not yet held get it on their agenda now; meetings created
    later take it from ``guidance_for``.
    """
    guidance = Guidance.objects.create(
        organization=organization, month=first_of_month(month), title=title, body=body, published_by=by
    )
    for upload in files:
        attachment_upload(guidance=guidance, upload=upload, by=by)
    meetings = Meeting.objects.filter(
        access.subtree_q([organization], prefix="branch__"), month=guidance.month, status__in=NOT_YET_HELD
    )
    for meeting in meetings:
        agenda_insert_guidance(meeting, guidance)
    return guidance
