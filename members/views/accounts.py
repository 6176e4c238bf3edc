"""The commune staff's page of their people's accounts: find one, lift a lockout, issue a reset
code. Here rather than in accounts because who may manage whom is a rule on the organisation
tree (members.access.manageable_users) and the rows show the member's name; the work itself is
accounts' (accounts.services). The page that shows a reset code is not cached."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.selectors import locked_until
from accounts.services import RESET_CODE_LIFETIME, account_unlock, reset_code_issue
from members import access
from members.forms.accounts import AccountSearchForm
from members.selectors import account_rows

PAGE_SIZE = 30


# --- Commune staff: their people's accounts ----------------------------------------------


def _manageable_or_404(user):
    # No takeover from within: members.access.manageable_users (accounts.services asks it again).
    if not access.can_manage_accounts(user):
        raise Http404
    return access.manageable_users(user)


@never_cache
@login_required
def accounts(request):
    users = _manageable_or_404(request.user).order_by("username")
    form = AccountSearchForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"].strip()
        users = users.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(member__full_name__icontains=q)
        ).distinct()
    locked = list(users.filter(username__in=list(locked_until())))
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "locked": account_rows(locked),
        "rows": account_rows(list(page)),
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "members/accounts.html", context)


@login_required
@require_POST
def account_unlock_view(request, pk: int):
    user = get_object_or_404(_manageable_or_404(request.user), pk=pk)
    account_unlock(user=user, by=request.user)
    messages.success(request, _("%(name)s can log in again.") % {"name": user.get_username()})
    return redirect("members:accounts")


@never_cache
@login_required
@require_POST
def account_reset_code(request, pk: int):
    user = get_object_or_404(_manageable_or_404(request.user), pk=pk)
    issued = reset_code_issue(user=user, by=request.user)
    context = {
        "account": user,
        "code": issued.code,
        "enrolment_code": issued.enrolment_code,
        "expires_at": issued.row.expires_at,
        "hours": int(RESET_CODE_LIFETIME.total_seconds() // 3600),
        "reset_url": request.build_absolute_uri(reverse("accounts:password_reset_code")),
    }
    return render(request, "members/reset_code.html", context)
