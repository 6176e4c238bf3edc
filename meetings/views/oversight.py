"""The commune's view of its branches' meetings (flags), and calendars (.ics and feeds)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meetings import calendars, oversight
from meetings.models import CalendarFeed
from members import scope
from members.models import Organization

BRANCHES_PER_PAGE = 40
ICS_TYPE = "text/calendar; charset=utf-8"


# --- Flags ---------------------------------------------------------------------------------


class MonthField(forms.Field):
    """A month typed as 2026-11 (what <input type="month"> sends) or 11/2026."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "mm/yyyy"})
    default_error_messages = {"invalid": gettext_lazy("Enter a month as mm/yyyy.")}

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            year, month = int(match[1]), int(match[2])
        elif match := re.fullmatch(r"(\d{1,2})/(\d{4})", value):
            month, year = int(match[1]), int(match[2])
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not 1 <= month <= 12 or not 2000 <= year <= 2100:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.date(year, month, 1)

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return value


class FlagsFilterForm(forms.Form):
    start = MonthField(label=gettext_lazy("From month"), required=False)
    end = MonthField(label=gettext_lazy("To month"), required=False)
    branch = forms.ModelChoiceField(label=gettext_lazy("Branch"), queryset=Organization.objects.none(), required=False)

    def __init__(self, *args, branches, default: oversight.Period, **kwargs):
        kwargs.setdefault("initial", {"start": default.first, "end": default.last})
        super().__init__(*args, **kwargs)
        self.default = default
        self.fields["branch"].queryset = branches
        self.fields["branch"].empty_label = _("All branches")

    def clean(self):
        data = super().clean()
        start = data.get("start") or self.default.first
        end = data.get("end") or self.default.last
        if start > end:
            raise forms.ValidationError(_("The first month must not be after the last month."), code="order")
        if len(oversight.Period(first=start, last=end).months) > oversight.MAX_MONTHS:
            raise forms.ValidationError(
                _("Choose at most %(count)d months at a time.") % {"count": oversight.MAX_MONTHS}, code="too_long"
            )
        data["period"] = oversight.Period(first=start, last=end)
        return data


@login_required
def flags(request):
    """Per branch: months without a regular meeting, quarters without a thematic one, and the
    meetings that broke a rule. For commune staff and leaders; anyone else gets 404."""
    if not oversight.can_see_flags(request.user):
        raise Http404
    now = timezone.now()
    default = oversight.Period.ending(timezone.localdate(now))
    branches = scope.commune_staff_branches(request.user).order_by("path")
    form = FlagsFilterForm(request.GET or None, branches=branches, default=default)
    period, chosen = default, None
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["period"]
        chosen = form.cleaned_data["branch"]
    shown = branches.filter(pk=chosen.pk) if chosen else branches
    page = Paginator(shown, BRANCHES_PER_PAGE).get_page(request.GET.get("page"))
    rows = oversight.branch_flags(branches=page.object_list, period=period, now=now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/oversight/flags.html",
        {
            "form": form,
            "period": period,
            "page": page,
            "rows": rows,
            "flagged": sum(1 for row in rows if row.flag_count),
            "query": query.urlencode(),
        },
    )


# --- Calendars -----------------------------------------------------------------------------


@login_required
def meeting_ics(request, pk):
    """One meeting as an .ics file, for anyone who may see the meeting."""
    meeting = get_object_or_404(scope.meetings(request.user).select_related("branch"), pk=pk)
    body = calendars.meeting_ics(meeting, url=request.build_absolute_uri(meeting.get_absolute_url()))
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="sinh-hoat-{meeting.branch.code}-{meeting.month:%Y-%m}-{meeting.pk}.ics"'
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def calendar_feeds(request):
    """The user's subscription links: create one, copy it, revoke it."""
    if request.method == "POST":
        calendars.feed_create(user=request.user)
        messages.success(request, _("Your calendar link is ready. Add it to your phone's calendar."))
        return redirect("meetings:calendar_feeds")
    feeds = list(CalendarFeed.objects.filter(user=request.user).order_by("revoked_at", "-created_at"))
    for feed in feeds:
        feed.url = request.build_absolute_uri(reverse("meetings:calendar_feed", args=[feed.token]))
        feed.webcal_url = re.sub(r"^https?://", "webcal://", feed.url)
    return render(request, "meetings/oversight/calendar_feeds.html", {"feeds": feeds})


@login_required
@require_POST
def calendar_feed_revoke(request, pk):
    feed = get_object_or_404(CalendarFeed, pk=pk, user=request.user)
    calendars.feed_revoke(feed=feed)
    messages.success(request, _("The calendar link was revoked: it no longer works."))
    return redirect("meetings:calendar_feeds")


def calendar_feed(request, token):
    """The subscription itself: no login, only a valid token that has not been revoked."""
    feed = calendars.active_feed(token)
    if feed is None:
        raise Http404

    def url_for(meeting):
        return request.build_absolute_uri(meeting.get_absolute_url())

    response = HttpResponse(calendars.feed_ics(feed, url_for=url_for), content_type=ICS_TYPE)
    response["Content-Disposition"] = 'inline; filename="lich-sinh-hoat.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
