"""Links for long lists: a URL reversed once per list instead of once per row."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.html import escape

# Stands for a row's id in ``url_maker``.
SLOT = 918273645


def url_maker(name: str, *args, html: bool = False) -> Callable[[int], str]:
    """``reverse(name, args=args)`` once, with ``SLOT`` among the args standing for a row's id;
    the function returned puts an id in. A list of many rows reverses each of its links once
    rather than once a row (reversing is a large part of rendering such a list).

    ``html=True``: the URL escaped once for markup built in Python (``meetings.rows``), so that
    the rows need not escape it again; a template escapes the plain one itself."""
    head, tail = reverse(name, args=args).rsplit(str(SLOT), 1)
    if html:
        head, tail = escape(head), escape(tail)
    return lambda pk: f"{head}{int(pk)}{tail}"
