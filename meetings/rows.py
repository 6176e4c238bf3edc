"""Rows built in Python: the one way to build the markup of lists of hundreds of rows (the roll,
the flags page), where a template included per row took most of the page's time
(docs/decisions/0002-roll-rows-in-python.md). Short lists (the agenda) stay in templates.

Every such row uses the two helpers here and no others:

- ``escape``: every value from the database, the user or a translation goes through it; the
  markup around it is literal;
- ``url_maker`` (``members.links``, with ``html=True``): a URL reversed and escaped once per list,
  a row's id put in per row.

A row receives facts already decided (states, levels, labels, tallies from ``meetings.counting``
and the selectors); it holds no party rule and no threshold, only how a fact looks.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from members.links import SLOT, url_maker

__all__ = ["SLOT", "escape", "join", "url_maker"]


def escape(value) -> str:
    """``value`` as text escaped for HTML: the same output as ``django.utils.html.escape`` (both
    are the standard library's ``html.escape``: & < > " '), as a plain ``str``. Django's adds a
    lazy-text check and a ``SafeString`` per call, which for a roll of 300 rows measured 1.8 ms
    instead of 1.2 ms; the rows call this thousands of times a page."""
    return html.escape(str(value))


def join(parts: Iterable[str], separator: str = "") -> SafeString:
    """Rows' parts as safe markup. Callers keep the rule of this module: literal markup, every
    value through ``escape``, every URL from ``url_maker(..., html=True)``."""
    return mark_safe(separator.join(parts))  # noqa: S308
