"""Home page, organisation tree and branch pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from members import access, selectors
from members.forms.organizations import OrganizationForm
from members.services.organizations import organization_save


@login_required
def home(request):
    roles = access.roles(request.user)
    summaries = selectors.organization_summaries([role.organization for role in roles])
    places = list(zip(roles, summaries, strict=True))
    return render(request, "members/home.html", {"places": places, "show_outbox": access.can_see_outbox(request.user)})


@login_required
def organization_tree(request):
    organizations = selectors.subtree_with_counts(access.organizations(request.user))
    return render(request, "members/tree.html", {"organizations": organizations})


@login_required
def organization_detail(request, pk):
    user = request.user
    organization = get_object_or_404(access.organizations(user), pk=pk)
    visible = access.organizations(user)
    context = {
        "organization": organization,
        "ancestors": visible.filter(access.above_q(organization, include_self=False)).order_by("path"),
        "children": selectors.subtree_with_counts(visible.filter(access.subtree_q([organization]))).filter(
            depth=organization.depth + 1
        ),
        "can_edit": access.can_edit_organization(user, organization),
        "can_read_members": access.can_read_members_of(user, organization),
    }
    if organization.is_branch:
        context["counts"] = selectors.branch_counts(organization)
        context["positions"] = selectors.current_positions(organization)
        if context["can_read_members"]:
            context["members"] = organization.members.active().only(
                "full_name", "status", "exempt_since", "temporarily_attached", "date_of_birth", "branch_id"
            )
    else:
        context["summary"] = selectors.organization_summary(organization)
    return render(request, "members/organization_detail.html", context)


@login_required
def organization_edit(request, pk):
    organization = get_object_or_404(access.organizations(request.user), pk=pk)
    if not access.can_edit_organization(request.user, organization):
        raise Http404
    form = OrganizationForm(
        request.POST or None,
        instance=organization,
        can_rename=access.can_rename_organization(request.user, organization),
    )
    if request.method == "POST" and form.is_valid():
        organization = organization_save(organization=form.save(commit=False), by=request.user)
        messages.success(request, _("Saved."))
        return redirect(organization)
    return render(request, "members/organization_form.html", {"form": form, "organization": organization})
