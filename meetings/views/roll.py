"""Roll call on a phone, the attendance sheet, and the guests at a meeting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from meetings import access, counting, offline, selectors, services
from meetings.counting import AWAY, EXEMPT, SUSPENDED, TRANSFERRED, RollEntry
from meetings.forms.roll import GuestForm, GuestRecordForm, MarkForm
from meetings.models import PRESENT_MARKS, Category, KeyedWrite, Mark, Meeting
from meetings.offline import NOT_APPLIED_HEADER
from meetings.rows import SLOT, escape, join, url_maker
from meetings.views import lookups
from members.models import AccessLog

# The one-tap buttons of a roll row, in order. Each is named after its mark, which also gives
# its colour in static/css/chibo.css (.roll), so that no row repeats a list of classes.
ROLL_BUTTONS = [
    {"value": Mark.PRESENT, "label": gettext_lazy("Present")},
    {"value": Mark.LATE, "label": gettext_lazy("Late")},
    {"value": Mark.LEFT_EARLY, "label": gettext_lazy("Left early")},
    {"value": Mark.EXCUSED, "label": gettext_lazy("Absent, with reason")},
    {"value": Mark.UNEXCUSED, "label": gettext_lazy("Absent, no reason")},
]


class RollRows:
    """The rows of a roll (one member's line each), as HTML.

    The one source of a row's markup: the roll page lists up to 300 of them and a tap returns
    one (static/js/roll.js swaps it in). Built here rather than by a template included per row,
    which took most of the page's time (about 200 ms for 300 rows); the static parts (labels,
    the CSRF field, the tap URL) are prepared once per request. Built with ``meetings.rows``: every
    value from the database or the user goes through its ``escape``. A row carries no class lists:
    the .roll rules of static/css/chibo.css style it.
    """

    def __init__(self, request, meeting: Meeting, *, can_mark: bool, show_reasons: bool = False):
        self.can_mark = can_mark
        self.show_reasons = show_reasons
        self._action = url_maker("meetings:roll_mark", meeting.pk, SLOT, html=True)
        self._csrf = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">' if can_mark else ""
        )
        buttons = [(str(button["value"]), escape(button["label"])) for button in ROLL_BUTTONS]
        # The five buttons as each mark (or none) shows them, built once for all rows.
        pressed = ' aria-pressed="true"'
        self._buttons = {
            state: "".join(
                f'<button name="{value}"{pressed if state == value else ""}>{text}</button>' for value, text in buttons
            )
            for state in [None, *(value for value, _text in buttons)]
        }
        # Members not expected that day (exempt, transferred away, suspended) can only be marked as attending.
        self._attending_buttons = {
            state: "".join(
                f'<button name="{value}"{pressed if state == value else ""}>{text}</button>'
                for value, text in buttons
                if value in PRESENT_MARKS
            )
            for state in [None, *(value for value, _text in buttons)]
        }
        self._mark_label = escape(_("Mark %(name)s"))
        self._exempt = escape(_("exempt"))
        self._transferred = escape(_("transferred out"))
        self._away = escape(_("temporarily transferred away"))
        self._suspended = escape(_("suspended from party activity"))
        self._reason = escape(_("Reason for absence"))
        self._save_reason = escape(_("Save reason"))
        self._not_marked = escape(_("Not marked"))

    def row(
        self, entry: RollEntry, number: int | None, *, error: str = "", focus: bool = False, done: str = ""
    ) -> SafeString:
        """One member's line: name, category, then the buttons (or the mark, for who cannot mark)."""
        mark = entry.mark
        name = escape(entry.label or entry.member.full_name)
        parts = [f'<li id="roll-{entry.member.pk}"', ' class="on">' if mark else ">", '<span class="fw-semibold">']
        if number:
            parts.append(f"{number}. ")
        parts += [name, "</span>"]
        # Full members are the usual case: only the other categories are named.
        category, excluded = entry.category, entry.excluded
        if category != Category.FULL or excluded:
            note = escape(entry.category_label) if category != Category.FULL else ""
            if excluded in (EXEMPT, TRANSFERRED, AWAY, SUSPENDED):
                if note:
                    note += " · "
                note += {EXEMPT: self._exempt, AWAY: self._away, SUSPENDED: self._suspended}.get(
                    excluded, self._transferred
                )
            parts += ["<small>", note, "</small>"]
        if error:
            parts += ['<div class="text-danger small" role="alert">', escape(error), "</div>"]
        elif done:  # what the tap did, said on its row (a reason saved)
            parts += ['<div class="text-success small" role="status">', escape(done), "</div>"]
        if self.can_mark:
            # One tap: roll.js shows the mark at once, posts it (retrying while the network is down:
            # a repeated mark changes nothing) and swaps this row; without JavaScript the form posts
            # and the page comes back at this row.
            action = self._action(entry.member.pk)
            label = self._mark_label % {"name": name}  # name is escaped
            parts += [
                f'<form method="post" action="{action}">',
                self._csrf,
                f'<div role="group" aria-label="{label}">',
                self._button_row(mark, attending_only=bool(excluded)),
                "</div></form>",
            ]
            if mark == Mark.EXCUSED:
                reason = entry.attendance.reason if entry.attendance else ""
                autofocus = " autofocus" if focus and not reason else ""
                parts += [
                    f'<form method="post" action="{action}" class="roll-r" novalidate>',
                    self._csrf,
                    '<input type="hidden" name="mark" value="excused">',
                    f'<input name="reason" value="{escape(reason)}" maxlength="300" class="form-control" '
                    f'placeholder="{self._reason}" aria-label="{self._reason}"{autofocus}>',
                    f'<button class="btn btn-secondary">{self._save_reason}</button></form>',
                ]
        elif mark:
            parts += ['<div><span class="badge text-bg-light border">', escape(entry.mark_label), "</span>"]
            if self.show_reasons and entry.attendance and entry.attendance.reason:
                parts += ["<small> ", escape(entry.attendance.reason), "</small>"]
            parts.append("</div>")
        else:
            parts += ['<div class="text-secondary small">', self._not_marked, "</div>"]
        parts.append("</li>\n")
        return join(parts)

    def _button_row(self, mark: str | None, *, attending_only: bool) -> str:
        buttons = self._attending_buttons if attending_only else self._buttons
        return buttons.get(mark, buttons[None])

    def rows(self, entries: list[RollEntry]) -> SafeString:
        """Numbered from 1, as the page lists them."""
        return join(self.row(entry, number) for number, entry in enumerate(entries, 1))


def _roll_url(meeting: Meeting, member_id: int | None = None) -> str:
    url = reverse("meetings:roll", args=[meeting.pk])
    return f"{url}#roll-{member_id}" if member_id else url


@login_required
def roll_call(request, pk):
    meeting = lookups.meeting_or_404(request, pk, related=("branch",))
    user = request.user
    lookups.log_read(request, meeting, AccessLog.Action.VIEW_ROLL)
    sheet = selectors.roll.roll_sheet(meeting)
    can_mark = access.can_manage_meeting(user, meeting)
    offline.keep_offline(request, meeting)
    rows = RollRows(request, meeting, can_mark=can_mark, show_reasons=access.can_see_absence_reasons(user, meeting))
    others = sheet.others
    context = {
        "meeting": meeting,
        "sheet": sheet,
        "roll": sheet.counts,
        "flags": selectors.roll.roll_flags(meeting, sheet.counts),
        "can_mark": can_mark,
        "expected_rows": rows.rows(sheet.expected),
        "other_rows": rows.rows(others) if others else "",
    }
    if access.can_log_meeting(user, meeting.branch):
        context["not_applied"] = selectors.roll.not_applied(meeting)
        names = {e.member.pk: e.label or e.member.full_name for e in sheet.entries}
        context["changes"] = [
            {"record": record, "name": names.get(record.member_id, "—"), "mark": Mark(record.mark).label}
            for record in selectors.roll.roll_changes(meeting)
        ]
    return render(request, "meetings/roll/roll.html", context)


@login_required
@require_POST
def roll_mark_remaining(request, pk):
    meeting = lookups.meeting_or_404(request, pk)
    if not access.can_manage_meeting(request.user, meeting):
        raise Http404
    count = services.roll.mark_remaining_present(meeting=meeting, by=request.user)
    messages.success(
        request,
        ngettext("Marked %(count)d member present.", "Marked %(count)d members present.", count) % {"count": count},
    )
    return redirect("meetings:roll", pk=meeting.pk)


@login_required
@require_POST
def roll_mark(request, pk, member_pk):
    meeting = lookups.meeting_or_404(request, pk, related=("branch",))
    if not access.can_manage_meeting(request.user, meeting):
        raise Http404
    # Found among the branch's people (a cheap query); the service checks the roll's rules.
    member = get_object_or_404(counting.roll_people(meeting), pk=member_pk)
    form = MarkForm(request.POST)
    error = done = ""
    stale = False
    if form.is_valid():
        mark = form.cleaned_data["mark"]
        # For the list of what was not applied, when the write came from a phone's queue (meetings.offline).
        request.keyed_description = f"{member.full_name}: {Mark(mark).label}"
        try:
            services.roll.record_mark(
                meeting=meeting,
                member=member,
                mark=mark,
                reason=form.cleaned_data["reason"],
                by=request.user,
                tapped_at=getattr(request, "tapped_at", None),
            )
        except services.roll.StaleMark as refused:
            error, stale = refused.message, True  # a later tap is already saved: the row shows it
        except ValidationError as refused:
            if refused.code != "not_expected":  # not on this meeting's roll: as if not found
                raise Http404 from None
            error = refused.message  # an absence mark for a member not expected that day
        else:
            if form.cleaned_data["mark"] == Mark.EXCUSED and form.cleaned_data["reason"]:
                done = _("Reason saved.")
    else:
        error = _("Not saved: choose one of the buttons.")
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        response = redirect(_roll_url(meeting, member.pk))
        if stale:
            response[NOT_APPLIED_HEADER] = KeyedWrite.Outcome.STALE
        return response
    # htmx: the row again, and the counts out of band.
    sheet = selectors.roll.roll_sheet(meeting)
    entry, number = sheet.position_of(member.pk)
    # focus: the reason box, when "absent with reason" was just tapped.
    row = RollRows(request, meeting, can_mark=True).row(entry, number, error=error, focus=True, done=done)
    # The counts and the "were present" button's count: both out of band, from the same counts.
    context = {"meeting": meeting, "roll": sheet.counts, "oob": True}
    counts = render_to_string("meetings/roll/_counts.html", context, request=request) + render_to_string(
        "meetings/roll/_remaining.html", context, request=request
    )
    response = HttpResponse(row + counts)
    if stale:
        response[NOT_APPLIED_HEADER] = KeyedWrite.Outcome.STALE
    return response


@login_required
def attendance_sheet(request, pk):
    meeting = lookups.meeting_or_404(request, pk, related=("branch",))
    lookups.log_read(request, meeting, AccessLog.Action.VIEW_ATTENDANCE)
    sheet = selectors.roll.roll_sheet(meeting)
    return render(
        request,
        "meetings/attendance_sheet.html",
        {"meeting": meeting, "entries": sheet.expected, "guests": meeting.guests.all()},
    )


@login_required
def guest_list(request, pk):
    meeting = lookups.meeting_or_404(request, pk)
    user = request.user
    can_manage = access.can_manage_meeting(user, meeting)
    if request.method == "POST" and not can_manage:
        raise Http404
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        guest = services.cadres.guest_add(
            meeting=meeting, name=form.cleaned_data["name"], title=form.cleaned_data["title"], by=user
        )
        messages.success(request, _("Added %(name)s.") % {"name": guest.name})
        return redirect("meetings:guests", meeting.pk)
    guests = list(meeting.guests.all())
    offline.keep_offline(request, meeting)
    return render(
        request,
        "meetings/roll/guests.html",
        {
            "meeting": meeting,
            "guests": guests,
            "recordable": access.recordable_guest_ids(user, meeting, guests),
            "can_manage": can_manage,
            "form": form,
        },
    )


@login_required
def guest_record(request, pk, guest_pk):
    meeting = lookups.meeting_or_404(request, pk)
    guest = get_object_or_404(meeting.guests.all(), pk=guest_pk)
    guest.meeting = meeting
    if not access.can_record_guest(request.user, guest):
        raise Http404
    form = GuestRecordForm.for_guest(guest, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.cadres.cadre_record(
            guest=guest,
            attended=form.cleaned_data["attended"],
            remarks=form.cleaned_data["remarks"],
            promises=form.cleaned_data["promises"],
            by=request.user,
        )
        messages.success(request, _("Saved."))
        return redirect("meetings:guests", meeting.pk)
    offline.keep_offline(request, meeting)
    return render(request, "meetings/roll/guest_form.html", {"meeting": meeting, "guest": guest, "form": form})


@login_required
@require_POST
def guest_remove(request, pk, guest_pk):
    meeting = lookups.meeting_or_404(request, pk)
    if not access.can_manage_meeting(request.user, meeting):
        raise Http404
    guest = get_object_or_404(meeting.guests.filter(expected=False), pk=guest_pk)
    guest.meeting = meeting
    services.cadres.guest_remove(guest=guest, by=request.user)
    messages.success(request, _("Removed %(name)s.") % {"name": guest.name})
    return redirect("meetings:guests", meeting.pk)
