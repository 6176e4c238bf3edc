"""The meeting page: what meetings shows of a meeting, and the apps' panels (the petitions)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from meetings import offline
from meetings.views.schedule import meeting_page_context
from portal.panels import meeting_panels


@login_required
def meeting_detail(request, pk):
    context = meeting_page_context(request, pk)
    context["panels"] = meeting_panels(request, context["meeting"])
    offline.keep_offline(request, context["meeting"])
    return render(request, "meetings/meeting_detail.html", context)
