"""What oversight adds to the home page: commune staff's and leaders' most urgent flags
(registered in ``OversightConfig.ready``; the read is ``oversight.selectors.urgent``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from members.home import HomePanel
from oversight.selectors.urgent import urgent_flags


def flags_context(request: HttpRequest) -> dict | None:
    now = timezone.now()
    urgent = urgent_flags(request.user, now=now, today=timezone.localdate(now))
    return {"urgent": urgent} if urgent is not None else None


FLAGS = HomePanel(template="oversight/home_flags.html", context=flags_context)
