"""On a 360x740 phone set to English: textareas are in the page's font (Vietnamese accents stay
whole) and every form sent empty is answered by the server in Vietnamese, never by the browser's
English bubbles ("Please fill out this field.") (issue 25)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from meetings import services
from meetings.models import Meeting, MeetingKind, MeetingStatus
from members.models import RoleKind
from petitions.models import PetitionStatus

from ..factories import UserFactory, give_role
from ..petitions.conftest import catalogue as catalogue  # the fixture
from ..petitions.conftest import make_petition
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.system_scope]

# What the browser's own validation says in English, and Django's English messages.
ENGLISH = re.compile(r"\b(Please|This field|Enter a|must be|Value must|Ensure this)\b")
# An answer of the server: a field's error or the form's alert.
ERROR = ".invalid-feedback:visible, .alert-danger:visible, [role=alert]:visible, .errorlist:visible"


@pytest.fixture
def english_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def held(tree):
    now = timezone.localtime()
    meeting = Meeting.objects.create(
        branch=tree.branch,
        kind=MeetingKind.REGULAR,
        month=now.date().replace(day=1),
        planned_start=now - datetime.timedelta(hours=3),
        planned_end=now - datetime.timedelta(hours=1),
        status=MeetingStatus.HELD,
        actual_start=now - datetime.timedelta(hours=3),
        actual_end=now - datetime.timedelta(hours=1),
    )
    for title, kind in (("Khai mạc", "opening"), ("Thảo luận", "discussion"), ("Thông qua biên bản", "minutes")):
        services.agenda.agenda_item_add(meeting=meeting, title=title, kind=kind)
    return meeting


def _empty_and_send(page, form) -> None:
    """Empties what a person can type or pick in the form, then presses its submit button."""
    form.evaluate(
        """f => { for (const el of f.elements) {
              if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button') continue;
              if (el.tagName === 'SELECT') { el.selectedIndex = [...el.options].findIndex(o => !o.value); }
              else if (el.type === 'checkbox' || el.type === 'radio') { el.checked = false; }
              else { el.value = ''; } } }"""
    )
    form.locator("button[type=submit], button:not([type])").last.click()


def _assert_vietnamese_answer(page, where: str) -> None:
    page.wait_for_load_state()
    page.locator(ERROR).first.wait_for(state="visible")
    text = page.locator("main").inner_text()
    assert not ENGLISH.search(text), (where, ENGLISH.search(text).group(), text[:500])
    # No field left with a browser bubble pending: novalidate on the form.
    assert page.evaluate("[...document.forms].every(f => f.noValidate)"), where


def test_a_textarea_is_in_the_page_font(live_server, english_phone, tree, secretary, held):
    login(english_phone, live_server, "secretary", "matkhau-123")
    english_phone.goto(f"{live_server.url}{reverse('meetings:minutes', args=[held.pk])}?step=conclusions")
    textarea = english_phone.locator("main textarea").first
    textarea.fill("đề nghị huấn luyện")
    font = textarea.evaluate("el => getComputedStyle(el).fontFamily")
    body = english_phone.evaluate("getComputedStyle(document.body).fontFamily")
    assert font == body and "monospace" not in font, (font, body)
    for tag in ("input", "select", "button"):
        script = (
            f"(() => {{ const el = document.createElement('{tag}'); document.querySelector('main').append(el);"
            " return getComputedStyle(el).fontFamily; })()"
        )
        assert english_phone.evaluate(script) == body, tag


def test_forms_sent_empty_on_an_english_phone_are_answered_in_vietnamese(
    live_server, browser, english_phone, tree, secretary, leader, held, catalogue
):
    page = english_phone
    login(page, live_server, "secretary", "matkhau-123")
    url = live_server.url
    meeting_forms = [
        ("member form", reverse("members:create"), "main form[method=post]"),
        ("minutes", f"{reverse('meetings:minutes', args=[held.pk])}?step=vote", "#minutes-text"),
        ("score", reverse("meetings:score", args=[held.pk]), "main form[method=post]"),
        ("new meeting", reverse("meetings:create"), "main form[method=post]"),
    ]
    for where, path, selector in meeting_forms:
        page.goto(f"{url}{path}")
        _empty_and_send(page, page.locator(selector).first)
        _assert_vietnamese_answer(page, where)

    # A speech sent empty (htmx swaps the item's block with its errors).
    page.goto(f"{url}{reverse('meetings:minutes', args=[held.pk])}?step=speeches")
    form = page.locator("form[hx-post*='/speeches/']").first
    form.locator("xpath=ancestor::details").evaluate_all("els => els.forEach(d => d.open = true)")
    _empty_and_send(page, form)
    _assert_vietnamese_answer(page, "speech")

    # A task of the resolution sent empty.
    page.goto(f"{url}{reverse('meetings:resolution', args=[held.pk])}")
    start = page.locator("form[action$='/resolution/start/'] button")
    if start.count():
        start.first.click()
        page.wait_for_load_state()
    page.goto(f"{url}{reverse('meetings:tasks', args=[held.pk])}")
    _empty_and_send(page, page.locator("main form[method=post]").last)
    _assert_vietnamese_answer(page, "task")

    # The officer's and the leader's actions on a petition, each sent empty.
    officer = UserFactory(username="officer")
    give_role(officer, RoleKind.OFFICER, tree.commune)
    catalogue.ubnd.officers.add(officer)
    petition = make_petition(
        tree.branch, catalogue.roads, officer, PetitionStatus.IN_PROGRESS, officer=officer, meeting=held
    )
    for username, actions in (("officer", ("answer", "comment")), ("leader", ("decline", "extend_deadline"))):
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
        other = context.new_page()
        login(other, live_server, username, "matkhau-123")
        for action in actions:
            other.goto(f"{url}{reverse('petitions:detail', args=[petition.pk])}")
            details = other.locator(f"#action-{action}")
            details.evaluate("d => d.open = true")
            _empty_and_send(other, details.locator("form"))
            _assert_vietnamese_answer(other, f"petition {action}")
            petition.refresh_from_db()
            assert petition.status == PetitionStatus.IN_PROGRESS  # refused: nothing changed
            if action == "decline":  # an empty reason is answered, not sent as nothing
                with translation.override("vi"):
                    assert gettext("Say why the petition is declined.") in other.locator("main").inner_text()
        context.close()
