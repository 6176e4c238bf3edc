"""The organisation page: what members shows of a node, and the apps' panels (a branch's rating)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from members.views.organizations import organization_page_context
from portal.panels import organization_panels


@login_required
def organization_detail(request, pk):
    context = organization_page_context(request, pk)
    context["panels"] = organization_panels(request, context["organization"])
    return render(request, "members/organization_detail.html", context)
