"""The minutes, the speeches and the quality score."""

from __future__ import annotations

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetings.counting import check_votes
from meetings.models import AmendedDocument
from meetings.models.records import AMENDMENT_MAX
from meetings.services.versions import StaleEdit
from members.dates import MAX_VOTES
from members.forms.fields import MemberChoiceField
from members.models import Member
from members.text import LONG_TEXT_MAX, ControlCharactersStripped, clean_name, search_key

VOTE_WIDGET = forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})


def _textarea(rows: int = 4):
    return forms.Textarea(attrs={"rows": rows})


class VersionedForm(forms.Form):
    """Carries the version the editor started from, so a stale save can be refused.

    A post whose version is missing or not a number (a page cut short, a script) cannot say whether
    someone saved in between: it is refused as stale too (``stale``; the views answer 409), with
    the "changed after you opened this page" message rather than a hidden field's error."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    # What StaleEdit names in its message: "minutes" or "resolution".
    record = "minutes"
    stale = False

    def clean(self):
        data = super().clean()
        if "version" in self._errors:
            del self._errors["version"]
            self.stale = True
            self.add_error(None, StaleEdit(saved_at=None, what=self.record).message)
        return data


class MinutesForm(ControlCharactersStripped, VersionedForm):
    opening = forms.CharField(
        label=_("Opening (purpose, guests introduced, minute-taker appointed)"),
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=_textarea(),
        help_text=_(
            "The minutes already state the time it began, the place, the chair, the minute-taker, the guests "
            "and the attendance: write only what else was said at the opening."
        ),
    )
    votes_for = forms.IntegerField(
        label=_("In favour"), required=False, min_value=0, max_value=MAX_VOTES, widget=VOTE_WIDGET
    )
    votes_against = forms.IntegerField(
        label=_("Against"), required=False, min_value=0, max_value=MAX_VOTES, widget=VOTE_WIDGET
    )
    votes_abstain = forms.IntegerField(
        label=_("Abstaining"), required=False, min_value=0, max_value=MAX_VOTES, widget=VOTE_WIDGET
    )
    closing = forms.CharField(
        label=_("Closing"),
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=_textarea(),
        help_text=_(
            "The minutes already end with the time the meeting closed and the adoption of the minutes: "
            "write only what else was said at the close."
        ),
    )

    # The page's steps, each saved on its own (the speeches have forms of their own). A step's
    # form holds only its fields; the others keep their saved values (``initial``).
    STEPS = ("general", "speeches", "conclusions", "vote")
    STEP_FIELDS = {
        "general": ("chair", "minute_taker", "opening"),
        "conclusions": (),  # and one conclusion field per agenda item
        "vote": ("votes_for", "votes_against", "votes_abstain", "closing"),
    }

    def __init__(self, *args, agenda_items, voters: int, members=None, step: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.voters = voters
        self.step = step
        self.vote_errors: list[str] = []
        self.agenda_items = list(agenda_items)
        for item in self.agenda_items:
            self.fields[self.conclusion_field(item)] = forms.CharField(
                label=item.title,
                required=False,
                initial=item.conclusion,
                max_length=LONG_TEXT_MAX,
                widget=_textarea(3),
            )
        if step == "general":
            for name, label in (("chair", _("Chair")), ("minute_taker", _("Minute-taker"))):
                self.fields[name] = MemberChoiceField(queryset=members, label=label, required=False)
        if step in self.STEP_FIELDS:
            keep = {"version", *self.STEP_FIELDS[step]}
            if step == "conclusions":
                keep.update(self.conclusion_field(item) for item in self.agenda_items)
            self.left_out = [name for name in self.fields if name not in keep]
            for name in self.left_out:
                del self.fields[name]
        else:
            self.left_out = []

    @staticmethod
    def conclusion_field(item) -> str:
        return f"conclusion_{item.pk}"

    def conclusion_rows(self):
        """(agenda item, bound field) for the template."""
        return [
            (item, self[self.conclusion_field(item)])
            for item in self.agenda_items
            if self.conclusion_field(item) in self.fields
        ]

    def clean(self):
        data = super().clean()
        for name in self.left_out:  # another step's fields: as saved
            data[name] = self.initial.get(name)
        for item in self.agenda_items:
            if self.conclusion_field(item) in self.left_out:
                data[self.conclusion_field(item)] = item.conclusion
        try:
            check_votes(
                votes_for=data.get("votes_for"),
                votes_against=data.get("votes_against"),
                votes_abstain=data.get("votes_abstain"),
                voters=self.voters,
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
            self.vote_errors = error.messages  # the page links these to the vote step
        data["conclusions"] = {item.pk: data.get(self.conclusion_field(item), "") for item in self.agenda_items}
        return data


class SpeechForm(ControlCharactersStripped, forms.Form):
    """The speaker is typed; a name that is exactly one branch member's links to that member.

    The page offers the branch's members as suggestions (one <datalist>), so choosing
    from the list and typing a guest's name are the same gesture on a phone.
    """

    speaker_name = forms.CharField(
        label=_("Speaker"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "speaker-names", "autocomplete": "off"}),
        error_messages={"required": _("Choose the speaker from the list or type their name.")},
    )
    text = forms.CharField(label=_("What they said"), max_length=LONG_TEXT_MAX, widget=_textarea(3))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members

    @cached_property
    def labelled(self) -> dict:
        """Suggestion label -> member, for the names that are labels rather than plain names."""
        members = list(self.members)
        labels = Member.labels(members)
        return {labels[m.pk]: m for m in members if labels[m.pk] != m.full_name}

    def clean(self):
        data = super().clean()
        name = clean_name(data.get("speaker_name") or "")
        if name:
            # A suggestion picked from the list is a label (Member.labels): two members with the same
            # name are told apart by birth year and hamlet there, and the minutes keep the plain name.
            chosen = self.labelled.get(name)
            matches = [chosen] if chosen else list(self.members.filter(full_name=name)[:2])
            if not matches:
                # Typed without accents or capitals ("tran van tam"): the one member whose name folds
                # the same is the speaker, and the minutes print the name as the register has it.
                matches = list(self.members.filter(name_key=search_key(name))[:2])
            data["speaker"] = matches[0] if len(matches) == 1 else None
            data["speaker_name"] = data["speaker"].full_name if data["speaker"] else name
        return data


class ScoreForm(VersionedForm):
    """One field per criterion of the commune's rubric, each between 0 and its maximum."""

    def __init__(self, *args, rubric: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        for criterion in rubric:
            label = gettext(criterion["label"])
            maximum = int(criterion["max"])
            message = _("%(criterion)s: enter between 0 and %(max)s points.") % {"criterion": label, "max": maximum}
            self.fields[self.field_name(criterion)] = forms.IntegerField(
                label=f"{label} (/{maximum})",
                min_value=0,
                max_value=maximum,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": maximum}),
                error_messages={"min_value": message, "max_value": message, "required": message},
            )

    @staticmethod
    def field_name(criterion) -> str:
        return f"score_{criterion['key']}"

    def scores(self) -> dict:
        return {c["key"]: self.cleaned_data[self.field_name(c)] for c in self.rubric}


class AmendmentForm(ControlCharactersStripped, forms.Form):
    """A correction of adopted minutes or resolution: which document, and what is corrected."""

    document = forms.ChoiceField(label=_("Document"), choices=AmendedDocument.choices)
    text = forms.CharField(
        label=_("Correction"),
        max_length=AMENDMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('Say what is corrected and how, e.g. "the minute-taker was comrade …, not …".'),
    )
