"""The residence pages (QĐ 213, HD 33; docs/domain.md#working-members): a branch's linked working
members from both sides, the links' proposal and acceptance, the invitation and the marks of linked
members at a residence meeting, and the yearly comment.

Each side reads only the link, the residence attendance and the comment: the residence side never
opens the member's record, the workplace side never the residence branch's meetings.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import access, selectors, services
from meetings.documents import DocumentTooSlow
from meetings.documents.residence import comments_docx, comments_pdf
from meetings.forms.residence import CommentAdoptForm, CommentForm, LinkedMarkForm, LinkEndForm, LinkForm
from meetings.models import CommentStatus, LinkedMark, MeetingStatus, ResidenceComment
from meetings.views import lookups
from members import access as member_access
from members.audit import access_log_note
from members.models import AccessLog, LinkCategory, LinkStatus, Organization, OrganizationKind
from members.services import residence as links

FIRST_YEAR = 2000


def _year(request) -> int:
    """The year asked for (``?year=``), else this year; anything else answers 404."""
    raw = request.GET.get("year", "")
    if raw == "":
        return timezone.localdate().year
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= timezone.localdate().year + 1:
        raise Http404
    return int(raw)


def _branch(request, pk) -> Organization:
    branch = get_object_or_404(Organization.objects.filter(kind=OrganizationKind.BRANCH), pk=pk)
    if not member_access.can_read_links_of(request.user, branch):
        raise Http404
    return branch


def _link(request, pk):
    return get_object_or_404(
        member_access.residence_links(request.user).select_related("member__branch", "residence_branch"), pk=pk
    )


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _forms(request, branch: Organization, data=None) -> dict:
    user = request.user
    forms = {}
    if member_access.can_record_links_for(user, branch):
        members = member_access.members(user).filter(branch=branch).active().order_by("name_key", "pk")
        forms["propose_form"] = LinkForm(
            data if data and data.get("side") == "workplace" else None,
            members=members,
            find_branch=True,
            prefix="workplace",
        )
    if member_access.can_record_residence_links(user, branch):
        members = member_access.members(user).exclude(branch=branch).active().order_by("name_key", "pk")
        forms["record_form"] = LinkForm(
            data if data and data.get("side") == "residence" else None,
            members=members,
            find_branch=False,
            prefix="residence",
        )
    return forms


@login_required
def residence_page(request, pk):
    """A branch's page of linked working members: who lives here (the residence side) and, apart,
    which of its members keep a link elsewhere (the workplace side)."""
    branch = _branch(request, pk)
    year = _year(request)
    access_log_note(request, action=AccessLog.Action.VIEW_BRANCH, organization_id=branch.pk)
    return _render_page(request, branch, year, _forms(request, branch))


def _render_page(request, branch, year, forms):
    user = request.user
    living = selectors.residence.living_here(branch, year)
    working = selectors.residence.working_here(branch, year)
    can_act_here = member_access.can_edit_organization(user, branch)
    return render(
        request,
        "meetings/residence/page.html",
        {
            "branch": branch,
            "year": year,
            "years": range(timezone.localdate().year, max(FIRST_YEAR, timezone.localdate().year - 4) - 1, -1),
            "living": [row for row in living if row.link.status != LinkStatus.ENDED],
            "living_ended": [row for row in living if row.link.status == LinkStatus.ENDED],
            "working": working,
            "can_act_here": can_act_here,
            "expected": LinkCategory.EXPECTED,
            "proposed": LinkStatus.PROPOSED,
            "ended": LinkStatus.ENDED,
            "sent": CommentStatus.SENT,
            "today": timezone.localdate(),
            **forms,
        },
    )


@login_required
@require_POST
def link_add(request, pk):
    branch = _branch(request, pk)
    forms = _forms(request, branch, request.POST)
    side = request.POST.get("side")
    form = forms.get("propose_form" if side == "workplace" else "record_form")
    if form is None:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        residence_branch = data.pop("residence_branch", None) if side == "workplace" else branch
        data.pop("residence", None), data.pop("residence_code", None)
        # The residence side's own staff (or both sides' staff at once) record it accepted.
        accepted = member_access.can_edit_organization(request.user, residence_branch)
        try:
            link = links.link_record(residence_branch=residence_branch, by=request.user, accepted=accepted, **data)
        except ValidationError as error:
            _errors(request, error)
        else:
            if link.status == LinkStatus.ACCEPTED:
                messages.success(
                    request,
                    _("%(name)s is linked to %(branch)s.")
                    % {"name": link.member.full_name, "branch": link.residence_branch.name},
                )
            else:
                messages.success(
                    request,
                    _("The link of %(name)s was proposed to %(branch)s; it will be listed once accepted.")
                    % {"name": link.member.full_name, "branch": link.residence_branch.name},
                )
            return redirect("meetings:residence", branch.pk)
    return _render_page(request, branch, timezone.localdate().year, forms)


@login_required
@require_POST
def link_accept(request, pk):
    link = _link(request, pk)
    if not member_access.can_act_for_residence(request.user, link):
        raise Http404
    try:
        links.link_accept(link=link, by=request.user)
        messages.success(request, _("%(name)s is linked to the branch.") % {"name": link.member.full_name})
    except ValidationError as error:
        _errors(request, error)
    return redirect("meetings:residence", link.residence_branch_id)


@login_required
@require_POST
def link_end(request, pk):
    link = _link(request, pk)
    residence = member_access.can_act_for_residence(request.user, link)
    if not (residence or member_access.can_act_for_workplace(request.user, link)):
        raise Http404
    form = LinkEndForm(request.POST)
    back = link.residence_branch_id if residence else link.member.branch_id
    if not form.is_valid():
        messages.error(request, _("Give the link's last day."))
        return redirect("meetings:residence", back)
    try:
        links.link_end(link=link, until=form.cleaned_data["until"], by=request.user)
        messages.success(request, _("The link of %(name)s has ended.") % {"name": link.member.full_name})
    except ValidationError as error:
        _errors(request, error)
    return redirect("meetings:residence", back)


# --- At a residence meeting -------------------------------------------------------------------


@login_required
def linked_roll(request, pk):
    """The meeting's linked working members ("đảng viên đang công tác ở nơi khác dự"), apart
    from the roll: invite them, mark who came and who did not (with the reason)."""
    meeting = get_object_or_404(access.meetings(request.user).select_related("branch"), pk=pk)
    if not member_access.can_read_links_of(request.user, meeting.branch):
        raise Http404
    can_manage = access.can_manage_meeting(request.user, meeting)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        try:
            rows = services.residence.linked_invite(meeting=meeting, by=request.user)
            messages.success(request, _("%(count)s linked members invited.") % {"count": len(rows)})
        except ValidationError as error:
            _errors(request, error)
        return redirect("meetings:linked_roll", meeting.pk)
    lookups.log_read(request, meeting, AccessLog.Action.VIEW_ROLL)
    return render(
        request,
        "meetings/residence/linked_roll.html",
        {
            "meeting": meeting,
            "pairs": selectors.residence.meeting_links(meeting),
            "can_manage": can_manage,
            "can_invite": can_manage and meeting.status != MeetingStatus.CANCELLED,
            "came": LinkedMark.CAME,
            "absent": LinkedMark.ABSENT,
            "expected": LinkCategory.EXPECTED,
        },
    )


@login_required
@require_POST
def linked_mark(request, pk, link_pk):
    meeting = get_object_or_404(access.meetings(request.user).select_related("branch"), pk=pk)
    if not access.can_manage_meeting(request.user, meeting):
        raise Http404
    link = get_object_or_404(
        member_access.residence_links(request.user)
        .filter(residence_branch_id=meeting.branch_id)
        .select_related("member"),
        pk=link_pk,
    )
    form = LinkedMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose came or did not come."))
    else:
        try:
            services.residence.linked_mark(meeting=meeting, link=link, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
    return redirect("meetings:linked_roll", meeting.pk)


# --- The yearly comment -----------------------------------------------------------------------


@login_required
def comment_edit(request, pk):
    """The year's comment on a linked member: written, adopted and sent by the residence side."""
    link = _link(request, pk)
    if not member_access.can_act_for_residence(request.user, link):
        raise Http404
    year = _year(request)
    comment = ResidenceComment.objects.filter(link=link, year=year).first()
    action = request.POST.get("action", "save")
    form = CommentForm(request.POST if request.method == "POST" and action == "save" else None, instance=comment)
    adopt_form = CommentAdoptForm(
        request.POST if request.method == "POST" and action == "adopt" else None,
        initial={"adopted_on": timezone.localdate()},
    )
    if request.method == "POST":
        try:
            if action == "save" and form.is_valid():
                services.residence.comment_save(link=link, year=year, data=form.cleaned_data, by=request.user)
                messages.success(request, _("The comment was saved."))
                return redirect(_comment_url(link, year))
            if action == "adopt" and comment is not None and adopt_form.is_valid():
                services.residence.comment_adopt(
                    comment=comment,
                    how=adopt_form.cleaned_data["adopted_by"],
                    on=adopt_form.cleaned_data["adopted_on"],
                    by=request.user,
                )
                messages.success(request, _("The comment was adopted."))
                return redirect(_comment_url(link, year))
            if action == "send" and comment is not None:
                services.residence.comment_send(comment=comment, by=request.user)
                messages.success(
                    request, _("The comment was sent to %(branch)s.") % {"branch": link.member.branch.name}
                )
                return redirect(_comment_url(link, year))
        except ValidationError as error:
            _errors(request, error)
    invited, came = services.residence.year_attendance([link.pk], year)[link.pk]
    return render(
        request,
        "meetings/residence/comment.html",
        {
            "link": link,
            "year": year,
            "comment": comment,
            "form": form,
            "adopt_form": adopt_form,
            "invited": invited,
            "came": came,
            "commentable": link.category == LinkCategory.EXPECTED,
        },
    )


def _comment_url(link, year) -> str:
    return f"{reverse('meetings:residence_comment', args=[link.pk])}?year={year}"


@login_required
@require_POST
def comment_used(request, pk):
    comment = get_object_or_404(
        ResidenceComment.objects.filter(status=CommentStatus.SENT).select_related("member__branch", "link"), pk=pk
    )
    if not member_access.can_act_for_workplace(request.user, comment.link):
        raise Http404
    services.residence.comment_used(comment=comment, by=request.user)
    messages.success(
        request,
        _("Recorded: the comment was used in the annual review of %(name)s.") % {"name": comment.member.full_name},
    )
    return redirect(f"{reverse('meetings:residence', args=[comment.member.branch_id])}?year={comment.year}")


def _sent_comments(request, pk):
    branch = _branch(request, pk)
    year = _year(request)
    comments = selectors.residence.sent_comments(branch, year)
    if not comments:
        raise Http404
    access_log_note(request, action=AccessLog.Action.VIEW_BRANCH, organization_id=branch.pk)
    return branch, year, comments


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def comments_docx_view(request, pk):
    branch, year, comments = _sent_comments(request, pk)
    return _download(comments_docx(comments), lookups.DOCX, f"nhan-xet-noi-cu-tru-{branch.code}-{year}.docx")


@login_required
def comments_pdf_view(request, pk):
    branch, year, comments = _sent_comments(request, pk)
    try:
        content = comments_pdf(comments)
    except DocumentTooSlow as error:  # the Word file is there, as for the minutes
        messages.error(request, str(error))
        return redirect("meetings:residence", pk=branch.pk)
    return _download(content, "application/pdf", f"nhan-xet-noi-cu-tru-{branch.code}-{year}.pdf")
