"""The flags page's badges and rows, built in Python (oversight.templatetags.flag_badges): light
markup (the look is in static/css/flags.css), escaped, linked to the right meeting."""

import datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from oversight.selectors.flags import (
    BranchFlags,
    Issues,
    MeetingIssue,
    MonthCell,
    QuarterCell,
    RemovalGrounds,
    State,
)
from oversight.selectors.ratings import AnnualRating, MonthLevel
from oversight.templatetags import flag_badges

from ..meetings.conftest import at

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
    assert html.count("<a ") == 2 and html.count("<span ") == 2
    # The colour comes from data-state (static/css/flags.css); a held month's ✓ needs no title.
    assert f'<a href="{reverse("meetings:detail", args=[7])}" data-state="held">09/2026 ✓</a>' in html
    assert '<span title="missing" data-state="missing">10/2026 ✗</span>' in html
    assert (
        f'<a href="{reverse("meetings:detail", args=[8])}" title="not yet" data-state="not_yet">11/2026 …</a>' in html
    )


def test_quarter_badges_use_the_quarter_label():
    html = flag_badges.quarter_badges([QuarterCell(D(2026, 7, 1), State.MISSING)])
    assert ">Q3/2026 ✗<" in html


def test_issue_links_give_the_local_day_and_escape_the_detail():
    late_evening = datetime.datetime(2026, 10, 5, 18, 30, tzinfo=datetime.UTC)  # 6 October in Hà Nội
    issues = [MeetingIssue(meeting(5, late_evening), 'Lê <Văn> "A"'), MeetingIssue(meeting(6), "")]
    html = flag_badges.issue_links(issues)
    assert html == (
        f'<a href="{reverse("meetings:detail", args=[5])}">06/10/2026</a>'
        "<span> (Lê &lt;Văn&gt; &quot;A&quot;)</span>,\n"
        f'<a href="{reverse("meetings:detail", args=[6])}">05/10/2026</a>'
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


def _row(**fields):
    branch = SimpleNamespace(pk=3, code="b<3>", name="Chi bộ <thôn> A")
    rules = SimpleNamespace(min_attendance_rate=85, max_absences_in_row=3)
    row = BranchFlags(branch=branch, rules=rules, **fields)
    return row


def test_flag_rows_show_each_branch_with_its_severity_rating_badges_and_flags():
    row = _row(
        months=[MonthCell(D(2026, 10, 1), State.MISSING)],
        quarters=[QuarterCell(D(2026, 10, 1), State.HELD, [meeting(9)])],
        unexcused=Issues([MeetingIssue(meeting(5), "Lê Văn A", people=[1])], per_person=True),
        removal=[RemovalGrounds(member_id=1, name="Lê <Văn> A", days=[D(2026, 3, 5), D(2026, 9, 5), D(2026, 10, 5)])],
    )
    row.rating = AnnualRating(year=2026, months=[MonthLevel(D(2026, 1, 1), "good", 92, 11)], complete=False)
    html = Template("{% load flag_badges %}{% flag_rows rows %}").render(Context({"rows": [row, _row()]}))
    assert html.count('<div class="list-group-item px-md-3" data-branch="b&lt;3&gt;">') == 2
    assert f'<a class="fw-semibold" href="{reverse("meetings:list")}?branch=3">Chi bộ &lt;thôn&gt; A</a>' in html
    assert 'data-severity="serious">Serious · 3</span>' in html  # a missing month, one person, removal
    assert 'data-severity="none">OK</span>' in html
    # One Good month is not a Good year (counting.annual_level): Average so far.
    assert 'data-rating="average">Year 2026: <span class="badge text-bg-warning">Average</span>' in html
    assert "(so far)" in html and "Good 1, Fair 0, Average 0, Poor 0, not scored 0" in html
    assert '<span title="missing" data-state="missing">10/2026 ✗</span>' in html
    assert f'<a href="{reverse("meetings:detail", args=[9])}" data-state="held">Q4/2026 ✓</a>' in html
    assert '<div data-flag="unexcused"><b>Absent without reason: 1 person</b>' in html
    assert "<b>Absent without reason in 3 months of 12: 1 person</b>" in html
    assert "Lê &lt;Văn&gt; A (05/03/2026, 05/09/2026, 05/10/2026)" in html


def test_flag_rows_escape_every_value_with_the_rows_escape():
    dangerous = """<script>alert("x")</script> 'y'"""
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#x27;y&#x27;"
    row = _row(
        unexcused=Issues([MeetingIssue(meeting(5), dangerous, people=[1])], per_person=True),
        removal=[RemovalGrounds(member_id=1, name=dangerous, days=[D(2026, 3, 5)])],
    )
    row.branch = SimpleNamespace(pk=3, code=dangerous, name=dangerous)
    html = flag_badges.flag_rows([row])
    assert "<script>" not in html and "'y'" not in html
    assert f'data-branch="{escaped}"' in html
    assert f'?branch=3">{escaped}</a>' in html
    assert f"<span> ({escaped})</span>" in html  # the issue's detail
    assert f"{escaped} (05/03/2026)" in html  # grounds for removal
