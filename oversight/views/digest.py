"""Commune staff produce the leaders' weekly digest on demand (the button on their outbox page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from members.access import can_see_outbox, users_in_scope
from oversight import digest


@login_required
@require_POST
def digest_now(request):
    if not can_see_outbox(request.user):
        raise Http404
    leaders = digest.leaders(among=users_in_scope(request.user))
    new = digest.send_digests(leaders)
    messages.success(
        request,
        ngettext(
            "This week's digest was queued for %(new)d of %(total)d leaders (the others already have it).",
            "This week's digest was queued for %(new)d of %(total)d leaders (the others already have it).",
            len(leaders),
        )
        % {"new": new, "total": len(leaders)},
    )
    return redirect("members:outbox")
