"""The removal list (xóa tên): members with grounds to consider removing them from the register,
what was decided about each, and its .xlsx. For commune staff (who record decisions) and leaders
(who read); anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import access as meeting_access
from members.audit import access_log_note_branches
from members.forms.picker import use_branch_picker
from members.models import AccessLog, Member
from members.services.exports import XLSX_CONTENT_TYPE
from oversight import access, exports, selectors
from oversight.forms.flags import FlagsFilterForm
from oversight.forms.removal import RemovalDecisionForm
from oversight.services.removal import removal_decide

# Windows of twelve months ending in the last twelve months: anyone with grounds in the past year.
DEFAULT_MONTHS = 12


def _list(request: HttpRequest):
    if not access.can_see_removal_list(request.user):
        raise Http404
    default = selectors.flags.Period.ending(timezone.localdate(), DEFAULT_MONTHS)
    branches = meeting_access.overseen_branches(request.user).order_by("path")
    form = FlagsFilterForm(request.GET or None, branches=branches, default=default)
    use_branch_picker(form.fields["branch"], request.user)
    period, chosen = default, None
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["period"]
        chosen = form.cleaned_data["branch"]
    shown = branches.filter(pk=chosen.pk) if chosen else branches
    cases = selectors.removal.removal_list(branches=shown, period=period)
    # Members to consider for removal, by name: logged per branch shown (page and file alike).
    access_log_note_branches(request, action=AccessLog.Action.VIEW_FLAGS, organization_ids=(c.branch_id for c in cases))
    return form, period, cases


@login_required
def removal_list(request: HttpRequest) -> HttpResponse:
    """Each member with grounds for removal: the months and meetings behind it, the decisions."""
    form, period, cases = _list(request)
    deciding = access.removal_deciders(request.user, cases)
    return render(
        request,
        "oversight/removal.html",
        {
            "form": form,
            "period": period,
            "cases": cases,
            "deciding": deciding,
            "decision_form": RemovalDecisionForm(),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def removal_export(request: HttpRequest) -> HttpResponse:
    _form, period, cases = _list(request)
    response = HttpResponse(exports.removal_workbook(period, cases), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.removal_filename(period)}"'
    return response


@login_required
@require_POST
def removal_decision(request: HttpRequest, member_pk: int) -> HttpResponse:
    """Commune staff record what was decided about one member; anyone else gets 404."""
    if not access.can_see_removal_list(request.user):
        raise Http404
    member = get_object_or_404(Member.objects.select_related("branch"), pk=member_pk)
    if not access.can_decide_removal(request.user, member.branch):
        raise Http404
    form = RemovalDecisionForm(request.POST)
    if form.is_valid():
        try:
            removal_decide(
                member=member, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The decision is recorded."))
    else:
        messages.error(request, _("Choose what was decided."))
    back = request.POST.get("next", "")
    if not back.startswith("?") or not url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        back = ""
    return redirect(reverse("oversight:removal") + back + f"#member-{member.pk}")
