"""Commune staff set their meeting rules and scoring rubric."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from meetings import services
from meetings.forms.rules import MeetingRulesForm, RubricFormSet
from meetings.models import MeetingRules
from meetings.views import lookups


@login_required
def meeting_rules_home(request):
    return lookups.first_kept_node(request, "meetings:rules")


@login_required
def meeting_rules(request, pk):
    """Commune staff set their local practice: lengths, thresholds and the scoring rubric."""
    organization = lookups.kept_node(request, pk)
    current = MeetingRules.objects.for_branch(organization)
    form = MeetingRulesForm(lookups.posted(request), instance=current)
    # Default labels are stored as English msgids; show them in the user's language.
    initial = [{**criterion, "label": _(criterion["label"])} for criterion in current.rubric]
    rubric = RubricFormSet(lookups.posted(request), initial=initial, prefix="rubric")
    if request.method == "POST" and form.is_valid() and rubric.is_valid():
        services.rules.meeting_rules_save(
            organization=organization,
            values={name: form.cleaned_data[name] for name in form.Meta.fields},
            rubric=[f.cleaned_data for f in rubric.forms if f.cleaned_data.get("label")],
            by=request.user,
        )
        messages.success(request, _("Saved. Flags and scores of the branches follow these rules from now on."))
        return redirect("meetings:rules", pk=organization.pk)
    inherited = current.pk and current.organization_id != organization.pk
    return render(
        request,
        "meetings/rules.html",
        {"organization": organization, "form": form, "rubric": rubric, "inherited_from": inherited and current},
    )
