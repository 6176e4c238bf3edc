"""A commune's meeting rules: lengths, thresholds and the scoring rubric."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.text import slugify

from meetings.models import (
    MeetingRules,
)
from members.dates import check_plausible
from members.models import Organization
from members.text import search_key


@transaction.atomic
def meeting_rules_save(
    *, organization: Organization, values: dict, rubric: list[dict], by: AbstractBaseUser | None
) -> MeetingRules:
    """Save a commune's local practice; its branches' flags and scores follow it from now on."""
    check_plausible(term_started_on=values.get("term_started_on"))
    rules = MeetingRules.objects.filter(organization=organization).first() or MeetingRules(organization=organization)
    for name, value in values.items():
        setattr(rules, name, value)
    rules.rubric = [
        {
            "key": item.get("key") or slugify(search_key(item["label"])) or f"criterion-{n}",
            "label": item["label"],
            "max": item["max"],
            **({"full_for_good": True} if item.get("full_for_good") else {}),
        }
        for n, item in enumerate(rubric, start=1)
    ]
    rules._history_user = by
    rules.save()
    return rules
