"""The flags page's badges, built in Python (meetings.templatetags.flag_badges): the same markup
the per-badge templates gave, escaped, linked to the right meeting."""

import datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from meetings.selectors.flags import MeetingIssue, MonthCell, QuarterCell, State
from meetings.selectors.ratings import AnnualRating, MonthLevel
from meetings.templatetags import flag_badges

from .conftest import at

D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def meeting(pk, start=None, status="held"):
    return SimpleNamespace(pk=pk, status=status, start=start or at(D(2026, 10, 5), 19))


def test_month_badges_link_held_and_planned_months_and_show_the_others_plainly():
    cells = [
        MonthCell(D(2026, 9, 1), State.HELD, [meeting(7)]),
        MonthCell(D(2026, 10, 1), State.MISSING),
        MonthCell(D(2026, 11, 1), State.NOT_YET, [meeting(8, status="planned")]),
        MonthCell(D(2026, 12, 1), State.NOT_YET),
    ]
    html = flag_badges.month_badges(cells)
    assert html.count("<a ") == 2 and html.count('<span class="badge') == 2
    assert (
        f'<a class="badge text-decoration-none text-bg-success" href="{reverse("meetings:detail", args=[7])}" '
        'title="held" data-state="held">09/2026 ✓<span class="visually-hidden"> held</span></a>'
    ) in html
    assert (
        '<span class="badge text-bg-danger" title="missing" data-state="missing">10/2026 ✗'
        '<span class="visually-hidden"> missing</span></span>'
    ) in html
    assert f'href="{reverse("meetings:detail", args=[8])}" title="not yet" data-state="not_yet">11/2026 …' in (html)


def test_quarter_badges_use_the_quarter_label():
    html = flag_badges.quarter_badges([QuarterCell(D(2026, 7, 1), State.MISSING)])
    assert ">Q3/2026 ✗<" in html


def test_issue_links_give_the_local_day_and_escape_the_detail():
    late_evening = datetime.datetime(2026, 10, 5, 18, 30, tzinfo=datetime.UTC)  # 6 October in Hà Nội
    issues = [MeetingIssue(meeting(5, late_evening), 'Lê <Văn> "A"'), MeetingIssue(meeting(6), "")]
    html = flag_badges.issue_links(issues)
    assert html == (
        f'<a class="small text-nowrap" href="{reverse("meetings:detail", args=[5])}">06/10/2026</a>'
        '<span class="small text-secondary"> (Lê &lt;Văn&gt; &quot;A&quot;)</span>,\n'
        f'<a class="small text-nowrap" href="{reverse("meetings:detail", args=[6])}">05/10/2026</a>'
    )


def test_rating_months_link_scored_months_and_mark_the_others():
    rating = AnnualRating(
        year=2026,
        months=[
            MonthLevel(D(2026, 1, 1), "good", 92, 11),
            MonthLevel(D(2026, 2, 1)),
            MonthLevel(D(2026, 3, 1), "poor", 40, 12),
        ],
    )
    html = Template("{% load flag_badges %}{% rating_month_badges rating %}").render(Context({"rating": rating}))
    assert (
        f'<a class="badge text-decoration-none text-bg-success" href="{reverse("meetings:detail", args=[11])}" '
        'title="Good (92)">01: Good</a>'
    ) in html
    assert '<span class="badge text-bg-light border" title="not scored">02: —</span>' in html
    assert 'class="badge text-decoration-none text-bg-danger"' in html and ">03: Poor</a>" in html
