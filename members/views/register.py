"""The member register: list, search, detail, create, edit, record leaving."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from members import access
from members.audit import access_log_note
from members.filters import MemberFilter
from members.forms.picker import use_branch_picker
from members.forms.register import LeaveForm, MemberForm
from members.ids import query_id
from members.links import SLOT, url_maker
from members.models import AccessLog, CardConflict, Member, Position
from members.services import cards, register

PAGE_SIZE = 50
SEARCH_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows, and knows whether there are more. A common name searched
    across a province matches tens of thousands of members ("nguyen van": 57,000 of 500,000);
    counting them all took 65 ms, counting to the cap 3 ms, and nobody pages past the twentieth."""

    def __init__(self, object_list, per_page, *, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _found(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.cap)

    @property
    def more(self) -> bool:
        return self._found > self.cap


@login_required
def member_list(request):
    user = request.user
    members = access.members(user).select_related("branch")
    branches = access.branches(user).order_by("path")
    member_filter = MemberFilter(request.GET, queryset=members, branches=branches)
    use_branch_picker(member_filter.form.fields["branch"], user)
    if request.GET.get("q", "").strip():
        paginator = CappedPaginator(member_filter.qs, PAGE_SIZE, cap=SEARCH_CAP)
    else:
        paginator = Paginator(member_filter.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    member_url = url_maker("members:member", SLOT)
    for member in page:
        member.url = member_url(member.pk)
    branch_id = query_id(request, "branch", strict=False)
    access_log_note(
        request,
        action=AccessLog.Action.VIEW_MEMBER_LIST,
        organization_id=branch_id if branch_id is not None and member_filter.is_valid() else None,
    )
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
    member = get_object_or_404(access.members(request.user).select_related("branch", "sms_opted_out_by__member"), pk=pk)
    can_edit = access.can_edit_member(request.user, member)
    access_log_note(request, action=AccessLog.Action.VIEW_MEMBER, member_id=member.pk, organization_id=member.branch_id)
    context = {
        "member": member,
        "can_edit": can_edit,
        # A cadre sees their own record but not always their own branch: no link that leads to a 404.
        "branch_visible": access.can_open_organization(request.user, member.branch),
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
    if (branch_id := query_id(request, "branch", strict=False)) is not None:
        initial["branch"] = branches.filter(pk=branch_id).first()
    form = MemberForm(
        request.POST or None, branches=branches, readable_members=access.members(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        member = register.member_save(
            member=form.save(commit=False), by=request.user, sms_opt_out=form.cleaned_data["sms_opt_out"]
        )
        messages.success(request, _("Added %(name)s.") % {"name": member.full_name})
        return redirect(member)
    _record_card_conflict(request, form, None)
    return render(request, "members/member_form.html", {"form": form})


@login_required
def member_edit(request, pk):
    member = _editable_member(request, pk)
    form = MemberForm(
        request.POST or None,
        instance=member,
        branches=access.editable_branches(request.user),
        readable_members=access.members(request.user),
    )
    if request.method == "POST" and form.is_valid():
        register.member_save(
            member=form.save(commit=False), by=request.user, sms_opt_out=form.cleaned_data["sms_opt_out"]
        )
        messages.success(request, _("Saved."))
        return redirect(member)
    _record_card_conflict(request, form, member)
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


def _record_card_conflict(request, form: MemberForm, member: Member | None) -> None:
    """A card number held by a member the user may not see: leave it for the commune staff."""
    if form.card_conflict is None:
        return
    branch = form.cleaned_data.get("branch") or (member.branch if member else None)
    if branch is not None:
        cards.card_conflict_record(
            by=request.user, branch=branch, holder=form.card_conflict, source=CardConflict.Source.FORM
        )


def _editable_member(request, pk) -> Member:
    member = get_object_or_404(access.members(request.user).select_related("branch"), pk=pk)
    if not access.can_edit_member(request.user, member):
        raise Http404
    access_log_note(request, action=AccessLog.Action.VIEW_MEMBER, member_id=member.pk, organization_id=member.branch_id)
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
