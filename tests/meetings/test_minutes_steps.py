"""The minutes in steps on a phone: each part saved on its own, errors at the top of the page
linked to their fields, chair and minute-taker chosen here."""

import re

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, Minutes

from ..factories import MemberFactory

pytestmark = pytest.mark.system_scope


def _url(meeting, step=""):
    url = reverse("meetings:minutes", args=[meeting.pk])
    return f"{url}?step={step}" if step else url


def _banner(html: str) -> str:
    match = re.search(r'<div class="alert alert-danger" role="alert" id="minutes-errors".*?</div>', html, re.S)
    return match.group(0) if match else ""


def test_each_step_shows_only_its_part(secretary, meeting):
    AgendaItem.objects.create(meeting=meeting, title="Thảo luận", position=1)
    general = secretary.get(_url(meeting)).content.decode()
    assert 'name="chair"' in general and 'name="opening"' in general and 'name="votes_for"' not in general
    vote = secretary.get(_url(meeting, "vote")).content.decode()
    assert 'name="votes_for"' in vote and 'name="opening"' not in vote and 'name="chair"' not in vote
    conclusions = secretary.get(_url(meeting, "conclusions")).content.decode()
    assert 'name="conclusion_' in conclusions and 'name="votes_for"' not in conclusions
    speeches = secretary.get(_url(meeting, "speeches")).content.decode()
    assert 'list="speaker-names"' in speeches and 'name="votes_for"' not in speeches
    assert 'aria-current="step"' in speeches


def test_a_vote_that_does_not_add_up_shows_the_error_at_the_top_with_a_link(secretary, meeting):
    minutes = services.minutes.minutes_for(meeting)
    response = secretary.post(
        _url(meeting),
        {"step": "vote", "version": minutes.version, "votes_for": 5, "votes_against": 0, "votes_abstain": 0},
    )
    assert response.status_code == 200
    html = response.content.decode()
    banner = _banner(html)
    assert banner, "no error banner"
    # At the top: before the step navigation and the form, right under the heading.
    assert html.index('id="minutes-errors"') < html.index('class="minutes-steps') < html.index('id="minutes-text"')
    assert 'href="#vote"' in banner and " autofocus" in banner
    assert 'id="vote"' in html
    minutes.refresh_from_db()
    assert (minutes.votes_for, minutes.version) == (None, 1)


def test_a_field_error_links_to_the_field_and_the_field_gets_the_focus(secretary, meeting):
    minutes = services.minutes.minutes_for(meeting)
    response = secretary.post(
        _url(meeting),
        {"step": "vote", "version": minutes.version, "votes_for": "abc", "votes_against": 0, "votes_abstain": 0},
    )
    html = response.content.decode()
    banner = _banner(html)
    assert 'href="#id_votes_for"' in banner
    assert re.search(r'<input[^>]*name="votes_for"[^>]*autofocus', html)


def test_saving_a_step_keeps_the_others_and_goes_on(secretary, meeting):
    item = AgendaItem.objects.create(meeting=meeting, title="Thảo luận", position=1, conclusion="Giữ nguyên.")
    minutes = services.minutes.minutes_for(meeting)
    services.minutes.minutes_save(
        minutes=minutes,
        opening="",
        closing="Bế mạc lúc 21 giờ.",
        votes_for=None,
        votes_against=None,
        votes_abstain=None,
        expected_version=minutes.version,
        by=secretary.user,
    )
    minutes.refresh_from_db()
    response = secretary.post(
        _url(meeting), {"step": "general", "version": minutes.version, "opening": "Đồng chí Bí thư khai mạc."}
    )
    assert response.status_code == 302
    assert response.url == _url(meeting, "speeches")
    minutes.refresh_from_db()
    item.refresh_from_db()
    assert minutes.opening == "Đồng chí Bí thư khai mạc."
    assert minutes.closing == "Bế mạc lúc 21 giờ."  # another step's text is kept
    assert item.conclusion == "Giữ nguyên."
    response = secretary.post(
        _url(meeting), {"step": "conclusions", "version": minutes.version, f"conclusion_{item.pk}": "Thống nhất."}
    )
    assert response.url == _url(meeting, "vote")
    minutes.refresh_from_db()
    item.refresh_from_db()
    assert (item.conclusion, minutes.opening) == ("Thống nhất.", "Đồng chí Bí thư khai mạc.")


def test_chair_and_minute_taker_are_chosen_on_the_minutes(secretary, meeting, tree):
    chair = MemberFactory(branch=tree.branch, full_name="Đỗ Văn Chủ")
    taker = MemberFactory(branch=tree.branch, full_name="Lý Thị Ghi")
    page = secretary.get(_url(meeting)).content.decode()
    assert "Đỗ Văn Chủ" in page and "js/pick.js" in page
    assert not re.search(r'<option value="\d+" selected>', page)  # nobody chosen yet
    response = secretary.post(
        _url(meeting), {"step": "general", "version": 1, "chair": chair.pk, "minute_taker": taker.pk, "opening": ""}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.chair, meeting.minute_taker) == (chair, taker)


def test_a_stale_step_is_refused_with_the_banner_and_changes_nothing(secretary, staff, meeting, tree):
    taker = MemberFactory(branch=tree.branch)
    first = secretary.post(_url(meeting), {"step": "general", "version": 1, "opening": "Bản của bí thư."})
    assert first.status_code == 302
    second = staff.post(
        _url(meeting), {"step": "general", "version": 1, "opening": "Bản khác.", "minute_taker": taker.pk}
    )
    assert second.status_code == 409
    assert _banner(second.content.decode())
    assert "Bản khác." in second.content.decode()  # what they typed is kept
    meeting.refresh_from_db()
    assert Minutes.objects.get(meeting=meeting).opening == "Bản của bí thư."
    assert meeting.minute_taker is None  # nothing of the refused step was saved


def test_the_chosen_chair_is_shown_and_kept_when_the_step_is_saved_again(secretary, meeting, tree):
    chair = MemberFactory(branch=tree.branch, full_name="Đỗ Văn Chủ")
    meeting.chair = chair
    meeting.save()
    page = secretary.get(_url(meeting)).content.decode()
    assert f'<option value="{chair.pk}" selected>' in page
    response = secretary.post(
        _url(meeting), {"step": "general", "version": 1, "chair": chair.pk, "minute_taker": "", "opening": "Khai mạc."}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.chair == chair
