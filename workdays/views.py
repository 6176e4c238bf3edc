"""The announced days off and make-up working days: the national list, kept by province staff,
and each commune's own days off, kept by its staff (workdays.access)."""

import datetime

import holidays
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.ids import parse_id

from . import access, calendar, services
from .forms import AnnouncedDayForm
from .models import AnnouncedDay


@login_required
def announced_days(request):
    user = request.user
    if not access.can_open_days(user):
        raise Http404
    year = timezone.localdate().year
    form = AnnouncedDayForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        if not access.can_keep_days_of(user, form.cleaned_data["organization"]):
            raise Http404
        services.announced_day_add(**form.cleaned_data, by=user)
        messages.success(request, _("Saved."))
        return redirect("workdays:days")
    since = datetime.date(year, 1, 1)
    places = access.local_places(user)
    public = sorted(holidays.country_holidays("VN", years=[year, year + 1], language="vi").items())
    context = {
        "form": form,
        "keeps_national": access.can_keep_national_days(user),
        "announced": AnnouncedDay.objects.filter(organization__isnull=True, day__gte=since),
        "local": AnnouncedDay.objects.filter(
            organization__isnull=False, **({} if user.is_superuser else {"organization__in": [n.pk for n in places]})
        )
        .filter(day__gte=since)
        .select_related("organization")
        .order_by("day", "organization__path"),
        "public_holidays": public,
        "make_up_days": calendar.package_make_up_days(year, year + 1),
    }
    return render(request, "workdays/days.html", context)


@login_required
@require_POST
def announced_day_remove(request):
    """The day and its place go in the form: national days have no organisation. A day the user
    does not keep answers 404, as one that is not on the list does."""
    try:
        day = datetime.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        raise Http404 from None
    # Digits 0-9 only: int() reads "١٢" as 12, another commune's day.
    raw_place = request.POST.get("organization", "")
    place = parse_id(raw_place) if raw_place else None
    if raw_place and place is None:
        raise Http404
    announced = AnnouncedDay.objects.filter(day=day, organization_id=place).select_related("organization").first()
    if announced is None or not access.can_keep_days_of(request.user, announced.organization):
        raise Http404
    services.announced_day_remove(announced=announced)
    messages.success(request, _("Removed."))
    return redirect("workdays:days")
