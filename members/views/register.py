"""The member register: list, search, detail, create, edit, record leaving."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from members import access
from members.filters import MemberFilter
from members.forms.register import LeaveForm, MemberForm
from members.models import AccessLog, Member, Position
from members.services import register

PAGE_SIZE = 50


@login_required
def member_list(request):
    user = request.user
    members = access.members(user).select_related("branch")
    branches = access.branches(user).order_by("path")
    member_filter = MemberFilter(request.GET, queryset=members, branches=branches)
    page = Paginator(member_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/member_list.html",
        {
            "filter": member_filter,
            "page": page,
            "query": query.urlencode(),
            "can_add": access.editable_branches(user).exists(),
        },
    )


@login_required
def member_detail(request, pk):
    member = get_object_or_404(access.members(request.user).select_related("branch"), pk=pk)
    can_edit = access.can_edit_member(request.user, member)
    register.access_log_record(user=request.user, action=AccessLog.Action.VIEW_MEMBER, member_id=member.pk)
    context = {
        "member": member,
        "can_edit": can_edit,
        "positions": member.positions.select_related("branch").order_by("-started_on"),
    }
    if can_edit:
        # Change history is classified too: only those who may edit see it.
        context["history"] = _history(member)
    return render(request, "members/member_detail.html", context)


@login_required
def member_create(request):
    branches = access.editable_branches(request.user).order_by("path")
    if not branches.exists():
        raise Http404
    initial = {}
    if (branch_id := request.GET.get("branch", "")).isdigit():
        initial["branch"] = branches.filter(pk=branch_id).first()
    form = MemberForm(request.POST or None, branches=branches, initial=initial)
    if request.method == "POST" and form.is_valid():
        member = register.member_save(member=form.save(commit=False), by=request.user)
        messages.success(request, _("Added %(name)s.") % {"name": member.full_name})
        return redirect(member)
    return render(request, "members/member_form.html", {"form": form})


@login_required
def member_edit(request, pk):
    member = _editable_member(request, pk)
    form = MemberForm(request.POST or None, instance=member, branches=access.editable_branches(request.user))
    if request.method == "POST" and form.is_valid():
        register.member_save(member=form.save(commit=False), by=request.user)
        messages.success(request, _("Saved."))
        return redirect(member)
    return render(request, "members/member_form.html", {"form": form, "member": member})


@login_required
def member_leave(request, pk):
    member = _editable_member(request, pk)
    if member.has_left:
        messages.info(request, _("This member has already left."))
        return redirect(member)
    form = LeaveForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        register.member_leave(
            member=member,
            left_on=form.cleaned_data["left_on"],
            reason=form.cleaned_data["leave_reason"],
            note=form.cleaned_data["leave_note"],
            by=request.user,
        )
        messages.success(request, _("Recorded that %(name)s left.") % {"name": member.full_name})
        return redirect(member)
    return render(request, "members/member_leave.html", {"form": form, "member": member})


def _editable_member(request, pk) -> Member:
    member = get_object_or_404(access.members(request.user).select_related("branch"), pk=pk)
    if not access.can_edit_member(request.user, member):
        raise Http404
    register.access_log_record(user=request.user, action=AccessLog.Action.VIEW_MEMBER, member_id=member.pk)
    return member


def _history(member: Member) -> list[dict]:
    """Member and position changes, newest first: who, when, old and new values."""
    entries = []
    previous = None
    for record in member.history.select_related("history_user").order_by("history_date", "history_id"):
        changes = []
        if previous is not None:
            changes = [
                {"field": Member._meta.get_field(c.field).verbose_name, "old": c.old, "new": c.new}
                for c in record.diff_against(previous).changes
            ]
        entries.append({"record": record, "subject": _("Member record"), "changes": changes})
        previous = record
    position_history = Position.history.filter(member_id=member.pk).select_related("history_user")
    for record in position_history:
        entries.append({"record": record, "subject": record.get_kind_display(), "changes": [], "position": True})
    return sorted(entries, key=lambda e: e["record"].history_date, reverse=True)
