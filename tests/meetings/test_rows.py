"""meetings.rows, the one way to build rows in Python: its escape is Django's, and the roll's rows
pass every value from the database or the user through it."""

from types import SimpleNamespace as NS

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape as django_escape

from meetings import rows
from meetings.views.roll import RollRows

DANGEROUS = """<script>alert("x")</script> & 'y'"""
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;y&#x27;"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_escape_gives_what_django_escape_gives():
    assert rows.escape(DANGEROUS) == ESCAPED == django_escape(DANGEROUS)
    assert rows.escape(7) == "7"


def test_url_maker_for_markup_reverses_once_and_puts_the_id_in():
    make = rows.url_maker("meetings:roll_mark", 4, rows.SLOT, html=True)
    assert make(12) == reverse("meetings:roll_mark", args=[4, 12])


def _entry(mark, **fields):
    member = NS(pk=12, full_name="unused")
    values = {"category": "full", "category_label": "", "excluded": "", "attendance": None, "mark_label": DANGEROUS}
    return NS(member=member, label=DANGEROUS, mark=mark, **(values | fields))


def test_roll_rows_escape_names_reasons_and_errors():
    request = RequestFactory().get("/")
    meeting = NS(pk=4)
    marking = RollRows(request, meeting, can_mark=True)
    html = marking.row(_entry("excused", attendance=NS(reason=DANGEROUS)), 1, error=DANGEROUS)
    assert "<script>" not in html and "'y'" not in html
    assert f'<span class="fw-semibold">1. {ESCAPED}</span>' in html
    assert f'aria-label="Mark {ESCAPED}"' in html
    assert f'value="{ESCAPED}"' in html  # the reason typed
    assert f'role="alert">{ESCAPED}</div>' in html
    assert f'action="{reverse("meetings:roll_mark", args=[4, 12])}"' in html
    reading = RollRows(request, meeting, can_mark=False, show_reasons=True)
    html = reading.row(_entry("excused", attendance=NS(reason=DANGEROUS)), None)
    assert "<script>" not in html
    assert f'<span class="badge text-bg-light border">{ESCAPED}</span><small> {ESCAPED}</small>' in html
