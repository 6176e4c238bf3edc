"""An officer's own list: what they hold and their bodies' queue, nearest deadline first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from petitions import access
from petitions.selectors.review import my_petitions

from . import lookups


@login_required
def my_petitions_page(request):
    user = request.user
    if not (user.is_superuser or access.holds_officer_role(user)):
        raise Http404
    today = timezone.localdate()
    page = Paginator(my_petitions(user, today=today), lookups.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "petitions/my_petitions.html", {"page": page, "query": "", "today": today})
