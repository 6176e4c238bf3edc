"""The announced days off and make-up working days, kept by commune staff."""

import datetime

import holidays
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import access

from . import services
from .forms import AnnouncedDayForm
from .models import AnnouncedDay


def _keeper(request) -> None:
    # National data: any commune staff may keep it (the government's announcement is the same
    # for everyone); other users do not see the page.
    if not access.can_keep_working_days(request.user):
        raise Http404


@login_required
def announced_days(request):
    _keeper(request)
    year = timezone.localdate().year
    form = AnnouncedDayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.announced_day_add(**form.cleaned_data, by=request.user)
        messages.success(request, _("Saved."))
        return redirect("workdays:days")
    public = sorted(holidays.country_holidays("VN", years=[year, year + 1], language="vi").items())
    context = {
        "form": form,
        "announced": AnnouncedDay.objects.filter(day__gte=datetime.date(year, 1, 1)),
        "public_holidays": public,
    }
    return render(request, "workdays/days.html", context)


@login_required
@require_POST
def announced_day_remove(request):
    """The day goes in the form, not the URL: the list is national, so no id belongs to a scope."""
    _keeper(request)
    try:
        day = datetime.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        raise Http404 from None
    services.announced_day_remove(announced=get_object_or_404(AnnouncedDay, day=day))
    messages.success(request, _("Removed."))
    return redirect("workdays:days")
