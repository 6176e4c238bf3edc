"""The organisation tree, the branch picker, editing a node, and what the organisation page shows of
members (the page itself is portal's: it adds the apps' panels)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import access, selectors
from members.audit import access_log_note
from members.forms.organizations import OrganizationForm, PositionEndForm, PositionForm
from members.models import BRANCH_MINIMUM, AccessLog, Organization, OrganizationKind, Position
from members.services.organizations import organization_save
from members.services.positions import position_elect, position_end


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
        context["full_minimum"] = BRANCH_MINIMUM
        if access.can_keep_positions(user, organization):
            context.update(_positions_context(organization, PositionForm(branch=organization)))
        if context["can_read_members"]:
            access_log_note(request, action=AccessLog.Action.VIEW_BRANCH, organization_id=organization.pk)
            context["members"] = organization.members.active().only(
                "full_name", "status", "exempt_since", "temporarily_attached", "date_of_birth", "branch_id"
            )
    else:
        context["summary"] = selectors.organization_summary(organization)
        if organization.kind == OrganizationKind.COMMUNE and access.can_edit_organization(user, organization):
            # The commune's flag: branches below the minimum of full members (Điều lệ Đảng).
            context["small_branches"] = list(selectors.small_branches(visible.filter(access.subtree_q([organization]))))
            context["full_minimum"] = BRANCH_MINIMUM
    return context


def _positions_context(branch: Organization, form: PositionForm) -> dict:
    return {"position_form": form, "end_form": PositionEndForm(), "history": selectors.position_history(branch)}


def _keepable_branch(request, pk) -> Organization:
    """A branch whose office holders the user keeps; 404 otherwise (outsiders cannot tell it exists)."""
    branch = get_object_or_404(access.organizations(request.user), pk=pk)
    if not access.can_keep_positions(request.user, branch):
        raise Http404
    return branch


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def positions(request, pk):
    """The branch's office holders kept by commune staff: record an election or appointment (the
    post handed over the same day), end a term, the history. 404 for anyone else."""
    branch = _keepable_branch(request, pk)
    form = PositionForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            position = position_elect(
                member=data["member"],
                branch=branch,
                kind=data["kind"],
                started_on=data["started_on"],
                decision_number=data["decision_number"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Recorded: %(name)s, %(position)s from %(day)s.")
                % {
                    "name": position.member.full_name,
                    "position": position.get_kind_display().lower(),
                    "day": position.started_on.strftime("%d/%m/%Y"),
                },
            )
            return redirect(reverse("members:organization", args=[branch.pk]) + "#positions")
    context = {"organization": branch, **_positions_context(branch, form)}
    return render(request, "members/positions.html", context)


@login_required
@require_POST
def position_end_view(request, pk):
    """End a term on its last day in office (commune staff); the secretary's role follows."""
    position = get_object_or_404(Position.objects.select_related("branch", "member"), pk=pk)
    branch = _keepable_branch(request, position.branch_id)
    form = PositionEndForm(request.POST)
    if form.is_valid():
        try:
            position_end(position=position, last_day=form.cleaned_data["ended_on"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The term of %(name)s is ended.") % {"name": position.member.full_name})
    else:
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    return redirect(reverse("members:positions", args=[branch.pk]))


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
