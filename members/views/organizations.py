"""The organisation tree, the branch picker, editing a node, and what the organisation page shows of
members (the page itself is portal's: it adds the apps' panels)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from members import access, selectors
from members.audit import access_log_note
from members.forms.organizations import OrganizationForm
from members.models import AccessLog, Organization, OrganizationKind
from members.services.organizations import organization_save


@login_required
def organization_tree(request):
    """The tree opens lazily: the user's own nodes with their counts; each node's children come
    on demand (``organization_children``), so a province's thousands of branches are never one page."""
    tops = access.top_nodes(request.user)
    summaries = selectors.organization_summaries(tops)
    for node, summary in zip(tops, summaries, strict=True):
        node.branch_count, node.member_count = summary["branches"], summary["members"]
    return render(request, "members/tree.html", {"organizations": tops})


@login_required
def organization_children(request, pk):
    """One level of the tree under a node the user reaches (htmx fragment); outsiders get 404."""
    visible = access.organizations(request.user)
    node = get_object_or_404(visible, pk=pk)
    page = selectors.children_with_counts(node, visible, request.GET.get("page"))
    kinds = dict(OrganizationKind.choices)
    for child in page.object_list:
        child.url = reverse("members:organization", args=[child.pk])
        child.children_url = reverse("members:tree_children", args=[child.pk])
        child.kind_label = kinds.get(child.kind, child.kind)
    context = {"node": node, "children": page.object_list, "page": page, "more_only": page.number > 1}
    if page.has_next():
        context["more_url"] = f"{reverse('members:tree_children', args=[node.pk])}?page={page.next_page_number()}"
    return render(request, "members/_tree_children.html", context)


@login_required
def branch_pick(request):
    """The branch picker's answer (members/forms/picker.py): up to 20 of the user's branches whose
    name contains the text, each with its parent's name. Two queries; outsiders' branches never show."""
    text = " ".join(request.GET.get("q", "").split())[:100]
    branches = []
    if len(text) >= 2:
        branches = list(access.branches(request.user).filter(name__icontains=text).order_by("path")[:20])
        parents = dict(
            Organization.objects.filter(path__in={access.parent_path(b) for b in branches}).values_list("path", "name")
        )
        for branch in branches:
            branch.parent_name = parents.get(access.parent_path(branch), "")
    return render(request, "members/_branch_pick.html", {"branches": branches, "short": len(text) < 2})


def organization_page_context(request, pk) -> dict:
    """What the organisation page (``portal.views.organizations``) shows of members: the node, its
    place in the tree, its children or its members and office holders. 404 outside the user's scope."""
    user = request.user
    organization = get_object_or_404(access.organizations(user), pk=pk)
    visible = access.organizations(user)
    context = {
        "organization": organization,
        "ancestors": visible.filter(access.above_q(organization, include_self=False)).order_by("path"),
        # One page of children (a province may have a thousand communes); a branch has none.
        "page": None
        if organization.is_branch
        else Paginator(
            selectors.subtree_with_counts(visible.filter(access.subtree_q([organization]))).filter(
                depth=organization.depth + 1
            ),
            selectors.CHILDREN_PER_PAGE,
        ).get_page(request.GET.get("page")),
        "query": "",
        "can_edit": access.can_edit_organization(user, organization),
        "can_read_members": access.can_read_members_of(user, organization),
    }
    if organization.is_branch:
        context["counts"] = selectors.branch_counts(organization)
        context["positions"] = selectors.current_positions(organization)
        if context["can_read_members"]:
            access_log_note(request, action=AccessLog.Action.VIEW_BRANCH, organization_id=organization.pk)
            context["members"] = organization.members.active().only(
                "full_name", "status", "exempt_since", "temporarily_attached", "date_of_birth", "branch_id"
            )
    else:
        context["summary"] = selectors.organization_summary(organization)
    return context


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
