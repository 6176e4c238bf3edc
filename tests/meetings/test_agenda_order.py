"""Agenda ordering and the controls a phone user taps: a new item goes before the closing items,
the edited item stays in view, removing asks first and is not beside "Edit"."""

import re

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import DEFAULT_AGENDA, AgendaItemKind

pytestmark = pytest.mark.system_scope

HX = {"HTTP_HX_REQUEST": "true"}


def _default_agenda(meeting):
    for row in DEFAULT_AGENDA:
        services.agenda.agenda_item_add(meeting=meeting, title=row["title"], kind=row["kind"])


def _kinds(meeting):
    return list(meeting.agenda_items.order_by("position", "pk").values_list("kind", flat=True))


def _titles(meeting):
    return list(meeting.agenda_items.order_by("position", "pk").values_list("title", flat=True))


def test_the_default_agenda_built_item_by_item_keeps_its_running_order(meeting):
    _default_agenda(meeting)
    assert _titles(meeting) == [row["title"] for row in DEFAULT_AGENDA]


def test_a_new_item_goes_before_the_closing_items_not_after_adopting_the_minutes(meeting):
    _default_agenda(meeting)
    services.agenda.agenda_item_add(meeting=meeting, title="Góp ý dự thảo văn kiện", kind=AgendaItemKind.OTHER)
    titles = _titles(meeting)
    assert titles[-1] == "Thông qua biên bản cuộc họp"
    new = titles.index("Góp ý dự thảo văn kiện")
    assert titles[new - 1] == "Đảng viên thảo luận"
    assert titles[new + 1] == "Chủ trì kết luận, phân công nhiệm vụ"
    assert list(meeting.agenda_items.order_by("position").values_list("position", flat=True)) == list(
        range(len(DEFAULT_AGENDA) + 1)
    )


def test_a_closing_item_goes_to_its_place_among_the_closing_items(meeting):
    services.agenda.agenda_item_add(meeting=meeting, title="Khai mạc", kind=AgendaItemKind.OPENING)
    services.agenda.agenda_item_add(meeting=meeting, title="Biên bản", kind=AgendaItemKind.MINUTES)
    services.agenda.agenda_item_add(meeting=meeting, title="Biểu quyết", kind=AgendaItemKind.VOTE)
    services.agenda.agenda_item_add(meeting=meeting, title="Chấm điểm", kind=AgendaItemKind.SCORING)
    services.agenda.agenda_item_add(meeting=meeting, title="Thảo luận", kind=AgendaItemKind.DISCUSSION)
    assert _titles(meeting) == ["Khai mạc", "Thảo luận", "Biểu quyết", "Chấm điểm", "Biên bản"]


def test_without_closing_items_a_new_item_goes_last(meeting):
    services.agenda.agenda_item_add(meeting=meeting, title="A", kind=AgendaItemKind.OPENING)
    services.agenda.agenda_item_add(meeting=meeting, title="B", kind=AgendaItemKind.OTHER)
    assert _titles(meeting) == ["A", "B"]


def test_adding_through_the_page_puts_the_item_before_the_closing_items(secretary, meeting):
    _default_agenda(meeting)
    response = secretary.post(
        reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "Việc mới", "kind": "other"}, **HX
    )
    assert response.status_code == 200
    assert _kinds(meeting)[-5:] == ["tasks", "vote", "admission", "scoring", "minutes"]
    html = response.content.decode()
    assert html.index("Việc mới") < html.index("Thông qua biên bản cuộc họp")


def test_after_editing_the_page_comes_back_at_the_edited_item(secretary, meeting):
    services.agenda.agenda_item_add(meeting=meeting, title="Khai mạc", kind=AgendaItemKind.OPENING)
    item = meeting.agenda_items.get()
    response = secretary.post(
        reverse("meetings:agenda_edit", args=[item.pk]), {"title": "Khai mạc hội nghị", "kind": "opening"}
    )
    assert response.status_code == 302
    assert response.url == reverse("meetings:detail", args=[meeting.pk]) + f"#agenda-item-{item.pk}"


def test_removing_asks_first_and_is_not_beside_edit(secretary, meeting):
    services.agenda.agenda_item_add(meeting=meeting, title="A", kind=AgendaItemKind.OTHER)
    services.agenda.agenda_item_add(meeting=meeting, title="B", kind=AgendaItemKind.OTHER)
    item = meeting.agenda_items.get(title="A")
    html = secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    delete_url = reverse("meetings:agenda_delete", args=[item.pk])
    edit_url = reverse("meetings:agenda_edit", args=[item.pk])
    # The remove button sits inside a closed <details>: a first tap opens it, a second confirms.
    details = re.search(r"<details[^>]*>(?:(?!</details>).)*?" + re.escape(delete_url), html, re.S)
    assert details is not None
    assert '<details class="mt-1 d-print-none" open' not in details.group(0)
    tools = re.search(
        r'<div class="agenda-tools d-print-none">(.*?)</div>', html[html.index(f'id="agenda-item-{item.pk}"') :], re.S
    )
    assert edit_url in tools.group(1)
    assert delete_url not in tools.group(1)
    # No browser confirm() needed: the page asks in plain HTML.
    assert "hx-confirm" not in html[html.index(delete_url) - 300 : html.index(delete_url)]
