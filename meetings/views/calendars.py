"""Calendar files: one meeting's .ics and the personal subscription feed."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import access, calendars
from meetings.models import CalendarFeed

ICS_TYPE = "text/calendar; charset=utf-8"


@login_required
def meeting_ics(request, pk):
    """One meeting as an .ics file, for anyone who may see the meeting."""
    meeting = get_object_or_404(access.meetings(request.user).select_related("branch"), pk=pk)
    body = calendars.meeting_ics(meeting, url=request.build_absolute_uri(meeting.get_absolute_url()))
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="sinh-hoat-{meeting.branch.code}-{meeting.month:%Y-%m}-{meeting.pk}.ics"'
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def calendar_feeds(request):
    """The user's subscription links: create one, copy it, revoke it."""
    if request.method == "POST":
        calendars.feed_create(user=request.user)
        messages.success(request, _("Your calendar link is ready. Add it to your phone's calendar."))
        return redirect("meetings:calendar_feeds")
    feeds = list(CalendarFeed.objects.filter(user=request.user).order_by("revoked_at", "-created_at"))
    for feed in feeds:
        feed.url = request.build_absolute_uri(reverse("meetings:calendar_feed", args=[feed.token]))
        feed.webcal_url = re.sub(r"^https?://", "webcal://", feed.url)
    return render(request, "meetings/calendars/feeds.html", {"feeds": feeds})


@login_required
@require_POST
def calendar_feed_revoke(request, pk):
    feed = get_object_or_404(CalendarFeed, pk=pk, user=request.user)
    calendars.feed_revoke(feed=feed)
    messages.success(request, _("The calendar link was revoked: it no longer works."))
    return redirect("meetings:calendar_feeds")


def calendar_feed(request, token):
    """The subscription itself: no login, only a valid token that has not been revoked."""
    feed = calendars.active_feed(token)
    if feed is None:
        raise Http404

    def url_for(meeting):
        return request.build_absolute_uri(meeting.get_absolute_url())

    # No login here: the feed reads in the scope of the user who made it.
    with access.scope_for(feed.user):
        content = calendars.feed_ics(feed, url_for=url_for)
    response = HttpResponse(content, content_type=ICS_TYPE)
    response["Content-Disposition"] = 'inline; filename="lich-sinh-hoat.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
