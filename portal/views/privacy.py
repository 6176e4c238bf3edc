"""Commune staff's access log: who read their subtree's member data, and when. A portal page
because its entries link the pages they are about: organisations, members and meetings."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from members import access
from members.models import AccessLog, Organization

PAGE_SIZE = 50


@login_required
def access_log(request):
    """The access log of the user's subtree, newest first (superusers: all of it)."""
    user = request.user
    if not access.can_read_access_log(user):
        raise Http404
    entries = access.access_log(user).select_related("user__member").order_by("-at", "-pk")
    action = request.GET.get("action", "")
    if action in AccessLog.Action.values:
        entries = entries.filter(action=action)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    # Branch names for the page's entries (names of organisations, not of people): one query.
    names = dict(
        Organization.objects.filter(pk__in={e.organization_id for e in page if e.organization_id}).values_list(
            "pk", "name"
        )
    )
    for entry in page:
        entry.organization_name = names.get(entry.organization_id, "")
    return render(
        request,
        "portal/access_log.html",
        {
            "page": page,
            "actions": AccessLog.Action.choices,
            "action": action,
            "query": f"action={action}" if action in AccessLog.Action.values else "",
        },
    )
