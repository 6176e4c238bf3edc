"""The month's content guidance: list, publish, read, attach files."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import access, months, services, tasks
from meetings.forms.agenda import AttachmentForm
from meetings.forms.guidance import GuidanceForm
from meetings.views import lookups
from members.models import Organization


def _staff_orgs(user):
    return Organization.objects.filter(pk__in=[org.pk for org in access.staff_organizations(user)]).order_by("path")


@login_required
def guidance_list(request):
    guidances = access.visible_guidance(request.user).select_related("organization").order_by("-month", "-published_at")
    page = Paginator(guidances, lookups.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/guidance/guidance_list.html",
        {"page": page, "can_publish": bool(access.staff_organizations(request.user))},
    )


@login_required
def guidance_create(request):
    organizations = _staff_orgs(request.user)
    if not organizations.exists():
        raise Http404
    today = timezone.localdate()
    initial = {"month": months.add_months(months.first_of_month(today), 1)}
    form = GuidanceForm(
        lookups.posted(request),
        request.FILES if request.method == "POST" else None,
        organizations=organizations,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guidance = services.guidance.guidance_publish(
            organization=data["organization"],
            month=data["month"],
            title=data["title"],
            body=data["body"],
            files=[data["file"]] if data.get("file") else [],
            by=request.user,
        )
        transaction.on_commit(partial(tasks.guidance_queue_insert, guidance.pk))
        messages.success(
            request, _("Guidance published to every branch under %(org)s.") % {"org": guidance.organization}
        )
        return redirect("meetings:guidance_detail", pk=guidance.pk)
    return render(request, "meetings/guidance/guidance_form.html", {"form": form})


@login_required
def guidance_detail(request, pk):
    user = request.user
    guidance = get_object_or_404(access.visible_guidance(user).select_related("organization", "published_by"), pk=pk)
    meetings = (
        access.meetings(user)
        .filter(agenda_items__guidance=guidance)
        .select_related("branch")
        .order_by("branch__path", "planned_start")
    )
    can_manage = access.can_manage_guidance(user, guidance)
    return render(
        request,
        "meetings/guidance/guidance_detail.html",
        {
            "guidance": guidance,
            "attachments": guidance.attachments.all(),
            "meetings": meetings,
            "can_manage": can_manage,
            "attachment_form": AttachmentForm() if can_manage else None,
        },
    )


@login_required
@require_POST
def guidance_upload(request, pk):
    guidance = get_object_or_404(access.visible_guidance(request.user).select_related("organization"), pk=pk)
    if not access.can_manage_guidance(request.user, guidance):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.uploads.attachment_upload(guidance=guidance, upload=form.cleaned_data["file"], by=request.user)
        messages.success(request, _("File uploaded."))
        return redirect("meetings:guidance_detail", pk=guidance.pk)
    return render(
        request,
        "meetings/guidance/guidance_detail.html",
        {
            "guidance": guidance,
            "attachments": guidance.attachments.all(),
            "meetings": [],
            "can_manage": True,
            "attachment_form": form,
        },
        status=400,
    )
