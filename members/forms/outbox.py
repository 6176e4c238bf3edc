"""Filtering the staff outbox by status and kind."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationStatus


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *NotificationStatus.choices]
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *((kind, kind) for kind in kinds)]
