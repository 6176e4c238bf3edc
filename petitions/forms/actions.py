"""One small form per action of ``petitions.services.workflow.ACTIONS`` (its ``form`` column), as
the petition page shows them.

Field names are the keyword arguments of the action's service (``petitions.services.workflow``),
so the view passes ``cleaned_data`` on as it is; ``version`` is the petition's version when the
page was shown (a change made meanwhile is refused, not overwritten).
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.forms.widgets import ACCEPT
from meetings.models import Meeting, MeetingStatus
from meetings.months import local_datetime
from members.dates import plausible_date
from members.ids import parse_id
from members.names import person_name
from members.text import LONG_TEXT_MAX
from petitions import access
from petitions.models import Petition, ToldHow
from workdays.calendar import add_working_days, is_working_day, nearest_working_day

from .fields import MeetingChoiceField, UserChoiceField, date_field


def _text(label, *, required=True, message=None, rows=2):
    errors = {"required": message} if message else {}
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT_MAX,
        error_messages=errors,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# What a stale edit is told (petitions.services.workflow._begin says it too).
STALE = _("Someone else changed this petition meanwhile; reload the page and try again.")


class ActionForm(forms.Form):
    """``version``: the petition's version when the page was shown. A post without it, or with
    anything but a version in digits 0-9 (a page cut short, a script), cannot say whether
    someone changed the petition in between: it is refused as stale, with the page's message
    rather than a hidden field's error nobody sees."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action: str, petition: Petition, commune, **kwargs):
        kwargs.setdefault("initial", {})["version"] = petition.version
        kwargs.setdefault("prefix", action)
        self.action = action
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.commune = commune

    def clean(self):
        data = super().clean()
        version = parse_id(data.get("version") or "")
        if version is None:
            self.add_error(None, forms.ValidationError(STALE, code="stale"))
        data["version"] = version
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    def _bodies(self, name="body"):
        # How many active officers each body has: one without any is marked in its option.
        self.fields[name].queryset = access.bodies(self.commune).annotate(
            active_officers=Count("officers", filter=Q(officers__is_active=True))
        )
        self.fields[name].empty_label = _("Choose…")

    def _officers(self, name="officer"):
        self.fields[name].queryset = access.officers(self.commune)
        self.fields[name].empty_label = _("Nobody yet (the body's queue)")

    def _meetings(self, name="meeting", *, come=False):
        # Meetings from the day before it was raised on (a meeting in the evening, time zones);
        # a day raised stored as 01/01/0001 (before the dates were checked) has no day before.
        raised_on = self.petition.raised_on
        since = raised_on - datetime.timedelta(days=1) if raised_on > datetime.date.min else raised_on
        meetings = (
            Meeting.objects.filter(branch_id=self.petition.branch_id, month__gte=since.replace(day=1))
            .exclude(status=MeetingStatus.CANCELLED)
            .order_by("-planned_start")
        )
        if come:
            # Only meetings held or on their day (``workflow.meeting_has_come``, in SQL).
            tomorrow = timezone.localdate() + datetime.timedelta(days=1)
            meetings = meetings.exclude(status=MeetingStatus.POSTPONED).filter(
                Q(actual_start__lt=local_datetime(tomorrow, datetime.time.min))
                | Q(actual_start__isnull=True, planned_start__lt=local_datetime(tomorrow, datetime.time.min))
            )
        self.fields[name].queryset = meetings
        self.fields[name].empty_label = _("Choose…")


class BodyChoiceField(forms.ModelChoiceField):
    """A body; one with no officer on the system says so in its option (nobody would hold it)."""

    def label_from_instance(self, obj):
        if getattr(obj, "active_officers", 1) == 0:
            return _("%(body)s (no officer on the system: nobody will hold it)") % {"body": obj.name}
        return obj.name


# The most working days a deadline may be given as (about three months).
MAX_WORKING_DAYS = 60


class ForwardForm(ActionForm):
    body = BodyChoiceField(
        label=_("Responsible body"), queryset=None, error_messages={"required": _("Choose the body that will answer.")}
    )
    officer = UserChoiceField(label=_("Officer in charge"), queryset=None, required=False)
    working_days = forms.IntegerField(
        label=_("Deadline in working days"),
        required=False,
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        help_text=_("N working days from today (weekends and holidays are not counted), or a date below."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    deadline = date_field(_("Deadline"), validators=[plausible_date])
    note = _text(_("Note"), required=False)

    def __init__(self, *args, default_deadline=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._bodies()
        self._officers()
        if default_deadline:
            self.fields["deadline"].help_text = _("Empty: the category's default, %(day)s.") % {
                "day": default_deadline.strftime("%d/%m/%Y")
            }

    def clean(self):
        data = super().clean()
        days, deadline = data.get("working_days"), data.get("deadline")
        organization = self.petition.branch
        if days and deadline:
            self.add_error("working_days", _("Give the deadline in working days or as a date, not both."))
        elif days:
            data["deadline"] = add_working_days(timezone.localdate(), days, organization=organization)
        elif deadline and not is_working_day(deadline, organization=organization):
            after = nearest_working_day(deadline, earlier=False, organization=organization)
            # The next working day is offered in the field, to send again as it is.
            offered = self.data.copy()
            offered[self.add_prefix("deadline")] = after.strftime("%d/%m/%Y")
            self.data = offered
            self.add_error(
                "deadline",
                _("%(day)s is not a working day; the next working day, %(next)s, is filled in.")
                % {"day": deadline.strftime("%d/%m/%Y"), "next": after.strftime("%d/%m/%Y")},
            )
        return data

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data.pop("working_days", None)
        return data


class AssignForm(ActionForm):
    body = BodyChoiceField(
        label=_("Responsible body"), queryset=None, error_messages={"required": _("Choose the body that will answer.")}
    )
    officer = UserChoiceField(label=_("Officer in charge"), queryset=None, required=False)
    note = _text(_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bodies()
        self._officers()
        self.initial.setdefault("body", self.petition.body_id)
        self.initial.setdefault("officer", self.petition.officer_id)


class SetDeadlineForm(ActionForm):
    deadline = date_field(_("Deadline"), required=True, validators=[plausible_date])
    note = _text(_("Note"), required=False)


class ExtendDeadlineForm(ActionForm):
    deadline = date_field(_("New deadline"), required=True, validators=[plausible_date])
    reason = _text(_("Reason"), message=_("Say why the deadline is extended."))


class StartForm(ActionForm):
    """Nothing to fill in: the officer takes the petition."""


class AnswerForm(ActionForm):
    answer = _text(_("Answer"), message=_("Write the answer."), rows=4)
    answered_on = date_field(_("Answered on"), help_text=_("Empty: today."), validators=[plausible_date])


class AnswerAtMeetingForm(ActionForm):
    answer = _text(_("Answer given at the meeting"), message=_("Write the answer."), rows=3)
    meeting = MeetingChoiceField(
        label=_("Meeting"), queryset=None, error_messages={"required": _("Choose the meeting.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._meetings(come=True)
        self.initial.setdefault("meeting", self.petition.meeting_id)


class EscalateForm(ActionForm):
    to = forms.CharField(
        label=_("Sent to"),
        max_length=200,
        error_messages={"required": _("Say where the petition was sent.")},
        help_text=_("e.g. UBND tỉnh, Sở Nông nghiệp và Môi trường"),
    )
    on = date_field(_("Sent on"), help_text=_("Empty: today."), validators=[plausible_date])
    expected_answer_by = date_field(
        _("Answer expected by"),
        required=True,
        help_text=_("The follow-up date: the petition is chased and counted overdue after it, within two years."),
        required_message=_("Give the day the answer from above is expected (the follow-up date)."),
        validators=[plausible_date],
    )
    note = _text(_("Note"), required=False)


class DeclineForm(ActionForm):
    """A refusal ("không giải quyết"): the body will not do what is asked, and says why."""

    reason = _text(_("Reason"), message=_("Say why the petition is declined."))
    on = date_field(_("Decided on"), help_text=_("Empty: today."), validators=[plausible_date])


class NotCompetentForm(ActionForm):
    """Not within the commune's competence: the commune cannot decide it; who does."""

    competent_body = forms.CharField(
        label=_("Who decides it"),
        max_length=200,
        error_messages={"required": _("Say who decides the petition, since the commune cannot.")},
        help_text=_("e.g. Tòa án nhân dân khu vực, Văn phòng đăng ký đất đai tỉnh"),
    )
    reason = _text(_("Reason or guidance for the resident"), required=False)
    on = date_field(_("Decided on"), help_text=_("Empty: today."), validators=[plausible_date])


class ReportBackForm(ActionForm):
    meeting = MeetingChoiceField(
        label=_("Reported back at meeting"),
        queryset=None,
        error_messages={"required": _("Choose the meeting.")},
        help_text=_("Only meetings held, or held today."),
    )
    note = _text(_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._meetings(come=True)


class ReportOutcomeForm(ReportBackForm):
    """The same form for a refusal, "not within the commune's competence" or an escalation."""


class TellResidentForm(ActionForm):
    """The resident who raised it was told the outcome: how, when, by whom."""

    how = forms.ChoiceField(
        label=_("How"), choices=ToldHow.choices, error_messages={"required": _("Say how the resident was told.")}
    )
    on = date_field(_("Told on"), help_text=_("Empty: today."), validators=[plausible_date])
    told_by = forms.CharField(
        label=_("Told by"),
        max_length=120,
        error_messages={"required": _("Say who told the resident.")},
        help_text=_("e.g. the branch secretary, the village head"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.initial.setdefault("told_by", person_name(user))


class CommentForm(ActionForm):
    text = _text(_("Comment"), message=_("Write the comment."))


class AttachForm(ActionForm):
    upload = forms.FileField(
        label=_("File"),
        error_messages={"required": _("Choose a file.")},
        help_text=_("PDF, Word, Excel, JPG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
