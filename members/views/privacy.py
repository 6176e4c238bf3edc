"""Commune staff's privacy records: who read their subtree's member data, and party card conflicts."""

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
        "members/access_log.html",
        {
            "page": page,
            "actions": AccessLog.Action.choices,
            "action": action,
            "query": f"action={action}" if action in AccessLog.Action.values else "",
        },
    )


@login_required
def card_conflicts(request):
    """Party card numbers entered for a branch that another member already holds, for the commune
    staff who may see both records (see members.services.cards)."""
    user = request.user
    if not access.can_read_access_log(user):
        raise Http404
    conflicts = access.card_conflicts(user).select_related("tried_by__member", "member", "branch", "member_branch")
    page = Paginator(conflicts.order_by("-at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/card_conflicts.html", {"page": page, "query": ""})
