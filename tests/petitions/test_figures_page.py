"""The figures page on a small known set (the numbers of tests/petitions/test_review.py::test_figures)."""

import re

import pytest
import time_machine
from django.urls import reverse

from .conftest import NOW, D, make_meeting, make_petition
from .test_pages import S


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def known(tree, catalogue, root):
    song_khe, phu_thinh = tree.branch, tree.sibling
    make_petition(song_khe, catalogue.roads, root, S.ANSWERED, raised_on=D(2026, 11, 2), deadline=D(2026, 11, 20),
                  answered_on=D(2026, 11, 13))  # fmt: skip
    make_petition(song_khe, catalogue.water, root, S.REPORTED_BACK, raised_on=D(2026, 11, 9),
                  deadline=D(2026, 11, 13), answered_on=D(2026, 11, 17),
                  reported_back_at_meeting=make_meeting(song_khe, D(2026, 11, 20)))  # fmt: skip
    make_petition(song_khe, catalogue.roads, root, S.ANSWERED_AT_MEETING, raised_on=D(2026, 11, 16),
                  answered_on=D(2026, 11, 16), meeting=make_meeting(song_khe, D(2026, 11, 16)))  # fmt: skip
    make_petition(phu_thinh, catalogue.roads, root, S.FORWARDED, raised_on=D(2026, 11, 2), deadline=D(2026, 11, 30),
                  body=catalogue.farmers)  # fmt: skip
    make_petition(phu_thinh, catalogue.other, root, raised_on=D(2026, 12, 1))
    make_petition(song_khe, catalogue.roads, root, raised_on=D(2026, 10, 1))  # before the period


def test_the_figures_page_shows_the_numbers_and_bars(leader, known):
    response = leader.get(reverse("petitions:figures"), {"start": "01/11/2026", "end": "31/12/2026"})
    assert response.status_code == 200
    html = response.content.decode()
    totals = re.search(r'id="totals".*?</section>', html, re.S)[0]
    numbers = re.findall(r"<strong>([^<]+)</strong>", totals)
    # raised, open, overdue, answered, on time, median working days, answered and resident told
    assert numbers == ["5", "2", "1", "3", "66,7%", "6", "0"]
    song_khe = re.search(r"<th scope=\"row\" class=\"fw-normal\">Chi bộ thôn Song Khê</th>(.*?)</tr>", html, re.S)[1]
    assert re.findall(r'<td class="text-end">([^<]+)</td>', song_khe) == ["3", "0", "0", "3", "66,7%", "6", "0"]
    # One bar per branch, category and body, each part with its <title>; no script on the page.
    assert html.count('<svg class="pt-chart"') == 3
    assert "<title>Chi bộ thôn Phú Thịnh: trễ hạn 1</title>" in html
    assert "<script>" not in html and "style=" not in html


def test_the_default_period_is_this_year_so_far(leader, known):
    page = leader.get(reverse("petitions:figures"))
    assert "Kiến nghị nêu từ 01/01/2026 đến 10/12/2026." in page.content.decode()
    assert page.context["figures"].total.raised == 6


def test_a_bad_period_says_so(leader, known):
    page = leader.get(reverse("petitions:figures"), {"start": "31/12/2026", "end": "01/11/2026"})
    assert "Ngày kết thúc không được trước ngày bắt đầu." in page.content.decode()
