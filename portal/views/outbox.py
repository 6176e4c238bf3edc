"""Commune staff's outbox: the messages about their subtree's meetings, petitions and people, and
the retry button. A message is listed by what it is about (portal.subjects), not by who got it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from members import access
from notifications.models import NotificationStatus
from notifications.selectors import outbox_about
from notifications.services import notification_retry, retry_failed
from portal.forms.outbox import OutboxFilterForm, kind_label
from portal.subjects import outbox_subjects

PAGE_SIZE = 30


def _subjects_or_404(user):
    if not access.can_see_outbox(user):
        raise Http404
    return outbox_subjects(user)


@login_required
def outbox(request):
    subjects = _subjects_or_404(request.user)
    rows = outbox_about(subjects)
    kinds = list(rows.order_by("kind").values_list("kind", flat=True).distinct())
    filter_form = OutboxFilterForm(request.GET or None, kinds=kinds)
    showing_failed, kind = False, ""
    if filter_form.is_valid():
        kind = filter_form.cleaned_data["kind"]
        showing_failed = filter_form.cleaned_data["status"] == NotificationStatus.FAILED
        rows = outbox_about(subjects, status=filter_form.cleaned_data["status"], kind=kind)
    page = Paginator(rows.select_related("recipient__member"), PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.kind_label = kind_label(row.kind)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/outbox.html",
        {
            "filter_form": filter_form,
            "page": page,
            "query": query.urlencode(),
            "failed": NotificationStatus.FAILED,
            # After an outage: every failed message of this filter sent again with one button.
            "retry_all_kind": kind if showing_failed and page.paginator.count else None,
        },
    )


@login_required
@require_POST
def outbox_retry(request, pk: int):
    notification = get_object_or_404(outbox_about(_subjects_or_404(request.user)), pk=pk)
    if notification.status != NotificationStatus.FAILED:
        messages.info(request, _("Only a failed message can be sent again."))
    else:
        notification_retry(notification=notification)
        messages.success(request, _("The message will be sent again."))
    return redirect("members:outbox")


@login_required
@require_POST
def outbox_retry_all(request):
    """Every failed message the user may see (of one kind, when the filter named one) goes back
    to waiting, with a fresh day of attempts: after an SMTP or gateway outage."""
    subjects = _subjects_or_404(request.user)
    kind = request.POST.get("kind", "")[:100]  # a kind nobody's messages have matches none
    count = retry_failed(rows=outbox_about(subjects, status=NotificationStatus.FAILED, kind=kind or None))
    messages.success(
        request,
        ngettext("%(count)d message will be sent again.", "%(count)d messages will be sent again.", count)
        % {"count": count},
    )
    return redirect("members:outbox")
