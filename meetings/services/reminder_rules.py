"""A commune's reminder timings."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from meetings.models import ReminderRules
from members.models import Organization


@transaction.atomic
def reminder_rules_save(*, organization: Organization, values: dict, by: AbstractBaseUser | None) -> ReminderRules:
    """Save when the organisation's branches are reminded. Reminders already queued keep their
    time; those scheduled from now on (a notice, a move, the daily chases) follow the new one."""
    rules = ReminderRules.objects.filter(organization=organization).first() or ReminderRules(organization=organization)
    for name, value in values.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules._history_user = by
    rules.save()
    return rules
