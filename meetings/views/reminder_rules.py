"""Commune staff set when their branches' members, secretaries, officers and leaders are reminded."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from meetings import services
from meetings.forms.reminder_rules import ReminderRulesForm
from meetings.models import ReminderRules
from meetings.views import lookups


@login_required
def reminder_rules(request, pk):
    organization = lookups.kept_node(request, pk)
    current = ReminderRules.objects.for_branch(organization)
    form = ReminderRulesForm(lookups.posted(request), instance=current)
    if request.method == "POST" and form.is_valid():
        services.reminder_rules.reminder_rules_save(
            organization=organization,
            values={name: form.cleaned_data[name] for name in form.Meta.fields},
            by=request.user,
        )
        messages.success(request, _("Saved. Reminders scheduled from now on follow these timings."))
        return redirect("meetings:reminder_rules", pk=organization.pk)
    inherited = current.pk and current.organization_id != organization.pk
    return render(
        request,
        "meetings/reminder_rules.html",
        {"organization": organization, "form": form, "inherited_from": inherited and current},
    )
