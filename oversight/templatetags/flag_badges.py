"""Badges the flags page repeats hundreds of times (a month, a quarter, a month of the annual
rating), built in Python with ``meetings.rows``: the same markup through a template included per
badge took most of the page's time. Every value goes through ``rows.escape``; the markup is
literal; the badges show facts the selectors decided (states, levels, labels, tallies).

``flag_rows`` builds every branch of a flags page at once, in light markup: the look of its
badges comes from static/css/flags.css (by their data attributes) rather than from classes
repeated on each of several hundred badges, which kept a province page over 100 KB.
"""

from __future__ import annotations

import datetime

from django import template
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.timezone import get_current_timezone, localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.models.minutes import ScoreLevel
from meetings.rows import SLOT, escape, join, url_maker
from oversight.selectors.flags import removal_texts

register = template.Library()

_HELD, _MISSING = "held", "missing"  # oversight.selectors.flags.State


class _Texts:
    """What every badge of a page repeats, looked up once per page: the meeting URL, the states'
    words, and the days and months already formatted (Django's date formatting is slow)."""

    def __init__(self):
        self.url = url_maker("meetings:detail", SLOT, html=True)
        self.states = {_HELD: escape(_("held")), _MISSING: escape(_("missing"))}
        self.not_yet = escape(_("not yet"))
        self.short_date = get_format("SHORT_DATE_FORMAT")  # (formats.date_format looks it up at every call)
        self.year_month = get_format("YEAR_MONTH_FORMAT")
        self.zone = get_current_timezone()
        self._days: dict = {}
        self._months: dict = {}

    def day(self, value) -> str:
        """A date, or a moment as its local day, in the short date format; escaped."""
        text = self._days.get(value)
        if text is None:
            local = localtime(value, self.zone) if isinstance(value, datetime.datetime) else value
            text = self._days[value] = escape(format_date(local, self.short_date))
        return text

    def month(self, value) -> str:
        text = self._months.get(value)
        if text is None:
            text = self._months[value] = format_date(value, self.year_month)
        return text


def _badges(cells, labels, texts: _Texts | None = None) -> SafeString:
    """A month's or a quarter's state (oversight.selectors.flags.MonthCell / QuarterCell), linked
    to its meeting when there is one; the state in ``data-state`` (flags.css gives the colour)."""
    texts = texts or _Texts()
    parts = []
    for cell, label in zip(cells, labels, strict=True):
        state = cell.state
        sign = _SIGNS.get(state, "…")
        # A held one needs no title: its ✓ says it (and the page's legend); the others say why.
        title = "" if state == _HELD else f' title="{texts.states.get(state, texts.not_yet)}"'
        link = cell.link
        if link:
            parts.append(
                f'<a href="{texts.url(link.pk)}"{title} data-state="{escape(state)}">{escape(label)} {sign}</a>'
            )
        else:
            parts.append(f'<span{title} data-state="{escape(state)}">{escape(label)} {sign}</span>')
    return join(parts, "\n")


_SIGNS = {_HELD: "✓", _MISSING: "✗"}


@register.simple_tag
def month_badges(cells) -> SafeString:
    """The regular meeting of each month of the period."""
    year_month = get_format("YEAR_MONTH_FORMAT")
    return _badges(cells, [format_date(cell.month, year_month) for cell in cells])


@register.simple_tag
def quarter_badges(cells) -> SafeString:
    """The thematic meeting of each quarter of the period."""
    return _badges(cells, [cell.label for cell in cells])


_LEVEL_COLOURS = {"good": "text-bg-success", "fair": "text-bg-primary", "average": "text-bg-warning"}


@register.simple_tag
def rating_month_badges(rating) -> SafeString:
    """The months of an annual rating (oversight.selectors.ratings.AnnualRating): each month's
    level, linked to its meeting; a score awaiting confirmation with "?"; "not met" for a month
    without a held regular meeting; "—" when not scored."""
    url = url_maker("meetings:detail", SLOT, html=True)
    not_scored = escape(_("not scored"))
    not_met = escape(_("no regular meeting held: counts as Poor"))
    not_met_short = escape(_("not met"))
    awaiting = escape(_("awaiting confirmation of the score: not counted yet"))
    parts = []
    for cell in rating.months:
        month = f"{cell.month.month:02d}"
        if cell.not_met:
            parts.append(f'<span class="badge text-bg-danger" title="{not_met}">{month}: {not_met_short}</span>\n')
        elif cell.awaiting:
            label = escape(str(cell.proposed_label))
            parts.append(
                f'<a class="badge text-decoration-none text-bg-light border" data-awaiting="1" '
                f'href="{url(cell.meeting_id)}" title="{awaiting} ({escape(cell.score)})">{month}: {label}?</a>\n'
            )
        elif cell.level:
            colour = _LEVEL_COLOURS.get(cell.level, "text-bg-danger")
            label = escape(cell.label)
            parts.append(
                f'<a class="badge text-decoration-none {colour}" href="{url(cell.meeting_id)}" '
                f'title="{label} ({escape(cell.score)})">{month}: {label}</a>\n'
            )
        else:
            parts.append(f'<span class="badge text-bg-light border" title="{not_scored}">{month}: —</span>\n')
    return join(parts)


@register.simple_tag
def issue_links(issues, texts: _Texts | None = None) -> SafeString:
    """The meetings behind one flag of a branch (oversight.selectors.flags.MeetingIssue): each
    meeting's day, linked to it, and what is wrong with it."""
    texts = texts or _Texts()
    parts = []
    for issue in issues:
        detail = f"<span> ({escape(issue.detail)})</span>" if issue.detail else ""
        parts.append(f'<a href="{texts.url(issue.meeting.pk)}">{texts.day(issue.meeting.start)}</a>{detail}')
    return join(parts, ",\n")


_SEVERITY_COLOURS = {"serious": "text-bg-danger", "attention": "text-bg-warning", "minor": "text-bg-secondary"}


@register.simple_tag
def flag_rows(rows) -> SafeString:
    """Every branch of a flags page (oversight.selectors.flags.BranchFlags, with its ``rating``):
    its severity, its months and quarters, the meetings behind each flag, grounds for removal."""
    texts = _Texts()
    quarters: dict = {}
    branch_url = escape(reverse("meetings:list")) + "?branch="
    # The rule's own words and figures, from the selector (the markup holds no rule).
    removal_label, removal_note = (escape(text) for text in removal_texts())
    parts = []
    for row in rows:
        branch = row.branch
        severity, flag_count = row.severity, row.flag_count
        count = f" · {flag_count}" if flag_count else ""
        month_labels = [texts.month(cell.month) for cell in row.months]
        quarter_labels = [
            quarters.get(cell.start) or quarters.setdefault(cell.start, cell.label) for cell in row.quarters
        ]
        issues = []
        for key, label, found in row.meeting_issues:
            if not found:
                continue
            tally = found.tally
            if found.per_person:
                tally = ngettext("%(counter)s person", "%(counter)s people", tally) % {"counter": tally}
            issues.append(
                f'<div data-flag="{key}"><b>{escape(label)}: {escape(tally)}</b>\n{issue_links(found, texts)}</div>'
            )
        if row.removal:
            people = len(row.removal)
            people = ngettext("%(counter)s person", "%(counter)s people", people) % {"counter": people}
            names = "; ".join(
                f"{escape(grounds.name)} ({', '.join(texts.day(day) for day in grounds.days)})"
                for grounds in row.removal
            )
            issues.append(
                f'<div data-flag="removal"><b>{removal_label}: {escape(people)}</b>\n{names}'
                f'<div class="text-secondary">{removal_note}</div></div>'
            )
        parts.append(
            f'<div class="list-group-item px-md-3" data-branch="{escape(branch.code)}"><div class="row g-2">\n'
            f'<div class="col-md-3"><a class="fw-semibold" href="{branch_url}{branch.pk}">{escape(branch.name)}</a>\n'
            f'<span class="badge ms-1 {_SEVERITY_COLOURS.get(severity, "text-bg-success")}" '
            f'data-severity="{escape(severity)}">{escape(row.severity_label)}{count}</span>'
            f"{_rating(row.rating) if row.rating else ''}</div>\n"
            f'<div class="col-md-3">{_badges(row.months, month_labels, texts)}</div>\n'
            f'<div class="col-md-2">{_badges(row.quarters, quarter_labels, texts)}</div>\n'
            f'<div class="col-md-4">{"".join(issues)}</div></div></div>'
        )
    return join(parts, "\n")


def _rating(rating) -> str:
    """A branch's annual rating (oversight.selectors.ratings.AnnualRating) in one line: its level
    and how many months at each (the branch's page shows and links each month)."""
    year = escape(_("Year %(year)s") % {"year": rating.year})
    if not rating.rated:
        return (
            f'<div class="mt-1 small" data-rating="">{year}: '
            f'<span class="badge text-bg-secondary text-wrap">{escape(_("not rated: no month scored"))}</span></div>'
        )
    so_far = "" if rating.complete else f" ({escape(_('so far'))})"
    # The level and the months at each counted once (each of AnnualRating's properties counts).
    level = rating.level
    months = rating.months_at
    tally = _("Good %(good)s, Fair %(fair)s, Average %(average)s, Poor %(poor)s, not scored %(none)s") % {
        "good": months[ScoreLevel.GOOD],
        "fair": months[ScoreLevel.FAIR],
        "average": months[ScoreLevel.AVERAGE],
        "poor": months[ScoreLevel.POOR],
        "none": months[None],
    }
    return (
        f'<div class="mt-1 small" data-rating="{escape(level)}">{year}: '
        f'<span class="badge {_LEVEL_COLOURS.get(level, "text-bg-danger")}">{escape(ScoreLevel(level).label)}</span>'
        f'{so_far} <span class="text-secondary">{escape(tally)}</span></div>'
    )
