"""Commune staff's party card conflicts. (Who read their subtree's member data, the access log, is
portal's page: its entries link meetings.)"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from members import access

PAGE_SIZE = 50


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
