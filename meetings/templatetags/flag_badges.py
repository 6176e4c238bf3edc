"""Badges the flags page repeats hundreds of times (a month, a quarter, a month of the annual
rating), built in Python: the same markup through a template included per badge took most of
the page's time. Every value from the database goes through ``escape``; the markup is literal.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone, localtime
from django.utils.translation import gettext as _

register = template.Library()

# Stands for the meeting's id in its URL, reversed once per call rather than once per badge.
_MEETING_SLOT = 918273645

_HELD, _MISSING = "held", "missing"  # meetings.selectors.flags.State


@lru_cache(maxsize=8)
def _meeting_url_parts(prefix: str, urlconf) -> tuple[str, str]:
    head, tail = reverse("meetings:detail", args=[_MEETING_SLOT], urlconf=urlconf).rsplit(str(_MEETING_SLOT), 1)
    return escape(head), escape(tail)


def _meeting_url():
    head, tail = _meeting_url_parts(get_script_prefix(), get_urlconf())
    return lambda pk: f"{head}{pk}{tail}"


def _badges(cells, labels) -> SafeString:
    """A month's or a quarter's state (meetings.selectors.flags.MonthCell / QuarterCell), linked
    to its meeting when there is one."""
    url = _meeting_url()
    states = {_HELD: escape(_("held")), _MISSING: escape(_("missing"))}
    not_yet = escape(_("not yet"))
    parts = []
    for cell, label in zip(cells, labels, strict=True):
        state = states.get(cell.state, not_yet)
        data = escape(cell.state)
        link = cell.link
        if link:
            colour = {_HELD: "text-bg-success", _MISSING: "text-bg-danger"}.get(cell.state, "text-bg-light border")
            sign = {_HELD: "✓", _MISSING: "✗"}.get(cell.state, "…")
            parts.append(
                f'<a class="badge text-decoration-none {colour}" href="{url(link.pk)}" title="{state}" '
                f'data-state="{data}">{escape(label)} {sign}<span class="visually-hidden"> {state}</span></a>\n'
            )
        else:
            colour, sign = ("text-bg-danger", "✗") if cell.state == _MISSING else ("text-bg-light border", "…")
            parts.append(
                f'<span class="badge {colour}" title="{state}" data-state="{data}">{escape(label)} {sign}'
                f'<span class="visually-hidden"> {state}</span></span>\n'
            )
    # Safe: the markup above is literal and every value in it has been escaped.
    return mark_safe("".join(parts))  # noqa: S308


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
    """The months of an annual rating (meetings.selectors.ratings.AnnualRating): each month's
    level, linked to its meeting, or "—" when not scored."""
    url = _meeting_url()
    not_scored = escape(_("not scored"))
    parts = []
    for cell in rating.months:
        month = f"{cell.month.month:02d}"
        if cell.meeting_id:
            colour = _LEVEL_COLOURS.get(cell.level, "text-bg-danger")
            label = escape(str(cell.label))
            parts.append(
                f'<a class="badge text-decoration-none {colour}" href="{url(cell.meeting_id)}" '
                f'title="{label} ({escape(cell.score)})">{month}: {label}</a>\n'
            )
        else:
            parts.append(f'<span class="badge text-bg-light border" title="{not_scored}">{month}: —</span>\n')
    # Safe: the markup above is literal and every value in it has been escaped.
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag
def issue_links(issues) -> SafeString:
    """The meetings behind one flag of a branch (meetings.selectors.flags.MeetingIssue): each
    meeting's day, linked to it, and what is wrong with it."""
    url = _meeting_url()
    short_date = get_format("SHORT_DATE_FORMAT")  # (formats.date_format looks it up at every call)
    zone = get_current_timezone()
    parts = []
    for issue in issues:
        day = escape(format_date(localtime(issue.meeting.start, zone), short_date))
        detail = f'<span class="small text-secondary"> ({escape(issue.detail)})</span>' if issue.detail else ""
        parts.append(f'<a class="small text-nowrap" href="{url(issue.meeting.pk)}">{day}</a>{detail}')
    # Safe: the markup above is literal and every value in it has been escaped.
    return mark_safe(",\n".join(parts))  # noqa: S308
