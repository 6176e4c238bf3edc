"""Ids read from a query string (``?branch=12``, ``?meeting=7``): one parser for every view.

``str.isdigit()`` is true for "²" and "١٢", which ``int()`` then refuses or reads as another
number; only ASCII digits are an id here, and only as many as a database id can hold.
"""

from __future__ import annotations

from django.http import Http404

# The largest id a (big) integer primary key holds.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """``value`` as an id: a string of ASCII digits (1 to ``MAX_ID``), or an int; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def query_id(request, name: str, *, strict: bool = True) -> int | None:
    """The id in ``request.GET[name]``; None when the parameter is absent or empty.

    Anything else that is not an id answers 404 (``strict``, the default: a link to a record
    that cannot exist), or is ignored (``strict=False``: the id only pre-fills a form)."""
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    found = parse_id(raw)
    if found is None and strict:
        raise Http404
    return found
