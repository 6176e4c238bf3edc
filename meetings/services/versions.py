"""Saves that cannot lose an edit: two people may edit the same minutes or resolution. Each save
says which ``version`` it started from; the UPDATE only matches that version, so the second of
two editors is refused (``StaleEdit``) instead of overwriting."""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _


class StaleEdit(Exception):
    """Someone saved the record after this editor loaded it."""

    def __init__(self, *, saved_at: datetime.datetime | None, what: str = "minutes"):
        self.saved_at = saved_at
        self.what = what
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.saved_at is None:
            # Not known when (a post without a usable version: meetings.forms.minutes.VersionedForm).
            if self.what == "resolution":
                return _(
                    "This resolution changed after you opened this page; reload to see the changes. "
                    "Your text is kept below."
                )
            return _(
                "These minutes changed after you opened this page; reload to see the changes. Your text is kept below."
            )
        time = timezone.localtime(self.saved_at).strftime("%H:%M")
        if self.what == "resolution":
            return _(
                "Someone else saved this resolution at %(time)s; reload to see their changes. Your text is kept below."
            ) % {"time": time}
        return _(
            "Someone else saved these minutes at %(time)s; reload to see their changes. Your text is kept below."
        ) % {"time": time}


def save_versioned(model, *, obj, fields: dict, expected_version: int, by, what: str):
    """UPDATE … WHERE version = expected; 0 rows means someone saved in between."""
    now = timezone.now()
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_by=by, updated_at=now
    )
    if not updated:
        current = model.objects.filter(pk=obj.pk).values_list("updated_at", flat=True).first()
        raise StaleEdit(saved_at=current, what=what)
    obj.refresh_from_db()
    model.history.bulk_history_create([obj], update=True, default_user=by)
    return obj
