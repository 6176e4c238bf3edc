"""The leaders' review: the list over the user's scope, its Excel export, and bulk forward/assign."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from members.audit import access_log_note_branches
from members.models import AccessLog
from members.services.exports import XLSX_CONTENT_TYPE
from petitions import access
from petitions.forms.review import BulkForm, PetitionFilterForm
from petitions.selectors.review import petition_counts, petition_list
from petitions.services.workflow import petitions_assign, petitions_forward

from . import exports, lookups

# The filters that choose which petitions the counts at the top are of (not status and deadlines:
# each count links to one of those).
COUNTED_FILTERS = ("category", "body", "officer", "branch", "raised_from", "raised_to")


def _filter_form(request) -> PetitionFilterForm:
    user = request.user
    form = PetitionFilterForm(
        request.GET or None,
        categories=lookups.scope_categories(user),
        bodies=lookups.scope_bodies(user),
        officers=lookups.scope_officers(user),
        branches=lookups.scope_branches(user),
    )
    if form.is_bound:
        form.is_valid()  # the valid fields filter; the others show their message
    return form


def _bulk_form(request, data=None, petitions=None) -> BulkForm:
    user = request.user
    return BulkForm(
        data,
        petitions=petitions if petitions is not None else access.petitions(user),
        bodies=lookups.scope_bodies(user, lookups.OVERSEERS),
        officers=lookups.assignable_officers(user),
    )


@login_required
def petition_list_page(request):
    user = request.user
    lookups.require_petitions(user)
    today = timezone.localdate()
    form = _filter_form(request)
    filters = form.filters()
    rows = petition_list(user, today=today, **filters)
    page = Paginator(rows, lookups.PAGE_SIZE).get_page(request.GET.get("page"))
    counted = petition_list(user, today=today, **{k: v for k, v in filters.items() if k in COUNTED_FILTERS})
    query = request.GET.copy()
    query.pop("page", None)
    base = query.copy()
    for name in ("status", "overdue", "due_this_week", "page"):
        base.pop(name, None)
    can_bulk = access.oversees(user)
    return render(
        request,
        "petitions/petition_list.html",
        {
            "form": form,
            "page": page,
            "counts": petition_counts(counted, today=today),
            "query": query.urlencode(),
            "count_query": base.urlencode(),
            "bulk_form": _bulk_form(request, None) if can_bulk else None,
            "can_record": access.recordable_branches(user).exists(),
            "is_officer": access.holds_officer_role(user),
            "keeps_catalogue": access.keeps_a_catalogue(user),
            "today": today,
        },
    )


@login_required
def petition_export(request):
    """The same filtered list as an Excel workbook (all pages)."""
    user = request.user
    lookups.require_petitions(user)
    form = _filter_form(request)
    rows = list(petition_list(user, **form.filters()).select_related("raised_by_member"))
    # The petitions (what residents asked, who holds it) leave the system: logged per branch.
    access_log_note_branches(
        request, action=AccessLog.Action.EXPORT_PETITIONS, organization_ids=(row.branch_id for row in rows)
    )
    # The resident's name only for those who may see it (as on the petition's page).
    contact = {row.pk for row in rows if access.can_see_contact(user, row)}
    response = HttpResponse(exports.petitions_workbook(rows, contact_ids=contact), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(timezone.localdate())}"'
    # Residents' requests and who holds them: no copies in shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def petition_bulk(request):
    """Forward or reassign the ticked petitions; each refusal is reported with its reason."""
    user = request.user
    if not access.oversees(user):
        raise Http404
    form = _bulk_form(request, request.POST, petitions=access.petitions(user).select_related("category__commune"))
    back = reverse("petitions:list")
    query = request.POST.get("query", "")
    if query:
        back = f"{back}?{query}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    chosen = list(data["petitions"].order_by("pk"))
    if data["action"] == "forward":
        outcome = petitions_forward(
            petitions=chosen, body=data["body"], officer=data["officer"], deadline=data["deadline"], by=user
        )
    else:
        outcome = petitions_assign(petitions=chosen, body=data["body"], officer=data["officer"], by=user)
    if outcome.done:
        done = len(outcome.done)
        messages.success(
            request,
            ngettext("%(count)d petition was forwarded.", "%(count)d petitions were forwarded.", done) % {"count": done}
            if data["action"] == "forward"
            else ngettext("%(count)d petition was reassigned.", "%(count)d petitions were reassigned.", done)
            % {"count": done},
        )
    for petition, reason in outcome.refused:
        messages.warning(request, _("Not changed: %(title)s. %(reason)s") % {"title": petition.title, "reason": reason})
    return redirect(back)
