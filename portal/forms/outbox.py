"""Filtering the staff outbox by status and kind."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationStatus

# What each kind of message is, for people (the kinds are the apps' template folder names).
KIND_LABELS = {
    "meeting.notice": _("Meeting notice"),
    "meeting.reminder": _("Meeting reminder"),
    "meeting.agenda_empty": _("Agenda still empty"),
    "meeting.materials_missing": _("Materials not posted"),
    "meeting.minutes_overdue": _("Minutes not adopted"),
    "meeting.minutes_overdue_commune": _("Minutes not adopted (to the commune)"),
    "petition.answered": _("Petition answered"),
    "petition.due_soon": _("Petition due soon"),
    "petition.overdue": _("Petition overdue"),
    "petition.overdue_leader": _("Petition overdue (to leaders)"),
    "digest.weekly": _("Weekly digest"),
    "residence.link_proposed": _("Working member introduced to the residence"),
    "residence.link_accepted": _("Working member accepted by the residence"),
    "residence.invitation": _("Invitation to a residence meeting"),
    "residence.comment_sent": _("Residence comment sent"),
    "residence.comments_overdue": _("Residence comments overdue"),
    "residence.comments_overdue_commune": _("Residence comments overdue (to the commune)"),
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *NotificationStatus.choices]
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *((kind, kind_label(kind)) for kind in kinds)]
