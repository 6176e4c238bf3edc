"""The agenda: add, edit, remove and reorder in place (htmx), copy from last month, templates."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from meetings import selectors, services
from meetings.models import DEFAULT_AGENDA, AgendaItem, AgendaItemKind, AgendaTemplate, Guidance, MeetingStatus

from ..factories import UserFactory
from .conftest import at, make_meeting

pytestmark = pytest.mark.system_scope

HX = {"HTTP_HX_REQUEST": "true"}


def english(client):
    """Messages are checked in their English msgid: the user chose English (the language cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


D = datetime.date


def _agenda(meeting, *titles):
    for title in titles:
        services.agenda.agenda_item_add(meeting=meeting, title=title, kind=AgendaItemKind.OTHER)


def _titles(meeting):
    return list(meeting.agenda_items.order_by("position", "pk").values_list("title", flat=True))


def _positions(meeting):
    return list(meeting.agenda_items.order_by("position", "pk").values_list("position", flat=True))


def _fragment_titles(response, meeting):
    """The titles in the order the returned fragment shows them."""
    html = response.content.decode()
    titles = _titles(meeting)
    return sorted(titles, key=lambda title: html.index(f'<div class="fw-semibold">{title}</div>'))


def _assert_fragment(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "meetings/agenda/_items.html"
    assert html.lstrip().startswith('<section id="agenda"')
    assert "<html" not in html and "<nav" not in html


# --- htmx in place -----------------------------------------------------------------------


def test_secretary_adds_an_item_in_place(secretary, meeting):
    _agenda(meeting, "Khai mạc")
    response = secretary.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {"title": "Bàn việc làm đường liên thôn", "kind": "discussion", "presenter": "Đ/c Hùng", "planned_minutes": 30},
        **HX,
    )
    _assert_fragment(response)
    assert "Bàn việc làm đường liên thôn" in response.content.decode()
    assert _titles(meeting) == ["Khai mạc", "Bàn việc làm đường liên thôn"]
    item = meeting.agenda_items.get(title="Bàn việc làm đường liên thôn")
    assert (item.kind, item.presenter, item.planned_minutes, item.position) == ("discussion", "Đ/c Hùng", 30, 1)
    # Said next to the form, with where it went; the new item stands out.
    html = response.content.decode()
    assert 'role="status" id="agenda-done">Đã thêm mục “Bàn việc làm đường liên thôn” ở vị trí 2' in html
    assert f'list-group-item-success" id="agenda-item-{item.pk}"' in html


def test_an_item_added_without_htmx_is_confirmed_and_the_page_opens_at_it(secretary, meeting):
    _agenda(meeting, "Khai mạc")
    response = secretary.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "Góp ý", "kind": "other"})
    item = meeting.agenda_items.get(title="Góp ý")
    assert response["Location"].endswith(f"#agenda-item-{item.pk}")
    assert "Đã thêm mục “Góp ý” ở vị trí 2" in secretary.get(response["Location"]).content.decode()


def test_adding_without_a_title_returns_the_form_with_the_error(secretary, meeting):
    response = secretary.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": " ", "kind": "other"}, **HX)
    _assert_fragment(response)
    html = response.content.decode()
    assert "is-invalid" in html and '<details class="d-print-none mb-2" open>' in html
    assert not meeting.agenda_items.exists()


def test_removing_an_item_closes_up_the_order(secretary, meeting):
    _agenda(meeting, "A", "B", "C")
    b = meeting.agenda_items.get(title="B")
    response = secretary.post(reverse("meetings:agenda_delete", args=[b.pk]), **HX)
    _assert_fragment(response)
    assert f'id="agenda-item-{b.pk}"' not in response.content.decode()
    assert _titles(meeting) == ["A", "C"]
    assert _positions(meeting) == [0, 1]


@pytest.mark.parametrize(
    ("title", "direction", "expected"),
    [
        ("B", "up", ["B", "A", "C"]),
        ("B", "down", ["A", "C", "B"]),
        ("A", "up", ["A", "B", "C"]),  # already first: nothing moves
        ("C", "down", ["A", "B", "C"]),  # already last
    ],
)
def test_reordering_moves_an_item_up_or_down(secretary, meeting, title, direction, expected):
    _agenda(meeting, "A", "B", "C")
    item = meeting.agenda_items.get(title=title)
    response = secretary.post(reverse("meetings:agenda_move", args=[item.pk, direction]), **HX)
    _assert_fragment(response)
    assert _titles(meeting) == expected
    assert _fragment_titles(response, meeting) == expected
    assert _positions(meeting) == [0, 1, 2]


def test_without_htmx_the_form_posts_go_back_to_the_meeting_page(secretary, meeting):
    _agenda(meeting, "A", "B")
    response = secretary.post(reverse("meetings:agenda_move", args=[meeting.agenda_items.get(title="B").pk, "up"]))
    assert response.status_code == 302
    assert response.url == reverse("meetings:detail", args=[meeting.pk]) + "#agenda"
    assert _titles(meeting) == ["B", "A"]


def test_the_meeting_page_includes_the_same_agenda_partial(secretary, meeting):
    _agenda(meeting, "Khai mạc")
    response = secretary.get(reverse("meetings:detail", args=[meeting.pk]))
    assert "meetings/agenda/_items.html" in [t.name for t in response.templates]
    assert 'hx-post="{}"'.format(reverse("meetings:agenda_add", args=[meeting.pk])) in response.content.decode()


def test_editing_an_item(secretary, meeting):
    _agenda(meeting, "Khai mạc")
    item = meeting.agenda_items.get()
    url = reverse("meetings:agenda_edit", args=[item.pk])
    assert secretary.get(url).status_code == 200
    response = secretary.post(url, {"title": "Khai mạc, giới thiệu đại biểu", "kind": "opening", "planned_minutes": 5})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.kind, item.planned_minutes) == ("Khai mạc, giới thiệu đại biểu", "opening", 5)


@pytest.mark.parametrize("persona", ["leader", "plain_member", "cadre", "outsider"])
def test_readers_and_outsiders_cannot_change_the_agenda(request, meeting, persona):
    client = request.getfixturevalue(persona)
    _agenda(meeting, "A", "B")
    a = meeting.agenda_items.get(title="A")
    for url in (
        reverse("meetings:agenda_add", args=[meeting.pk]),
        reverse("meetings:agenda_delete", args=[a.pk]),
        reverse("meetings:agenda_move", args=[a.pk, "down"]),
        reverse("meetings:agenda_copy_last", args=[meeting.pk]),
        reverse("meetings:agenda_edit", args=[a.pk]),
    ):
        assert client.post(url, {"title": "X", "kind": "other"}, **HX).status_code == 404, url
    assert client.get(reverse("meetings:agenda_edit", args=[a.pk])).status_code == 404
    assert _titles(meeting) == ["A", "B"]


def test_a_secretary_cannot_touch_another_branchs_agenda(secretary, tree):
    other = make_meeting(tree.sibling)
    _agenda(other, "A", "B")
    a = other.agenda_items.get(title="A")
    assert secretary.post(reverse("meetings:agenda_add", args=[other.pk]), {"title": "X"}, **HX).status_code == 404
    assert secretary.post(reverse("meetings:agenda_delete", args=[a.pk]), **HX).status_code == 404
    assert secretary.post(reverse("meetings:agenda_move", args=[a.pk, "down"]), **HX).status_code == 404
    assert _titles(other) == ["A", "B"]


def test_after_the_minutes_are_adopted_only_commune_staff_change_the_agenda(secretary, staff, tree):
    adopted = make_meeting(tree.branch, status=MeetingStatus.ADOPTED)
    url = reverse("meetings:agenda_add", args=[adopted.pk])
    assert secretary.post(url, {"title": "X", "kind": "other"}, **HX).status_code == 404
    assert staff.post(url, {"title": "Sửa", "kind": "other"}, **HX).status_code == 200
    assert _titles(adopted) == ["Sửa"]


# --- Copy from last month ----------------------------------------------------------------------


def test_copy_the_agenda_of_last_months_meeting(secretary, tree):
    staff_user = UserFactory()
    november = make_meeting(tree.branch, day=D(2026, 11, 5), status=MeetingStatus.ADOPTED)
    last_guidance = Guidance.objects.create(
        organization=tree.commune, month=D(2026, 11, 1), title="Định hướng tháng 11", body="…", published_by=staff_user
    )
    _agenda(november, "Khai mạc", "Báo cáo tháng", "Thảo luận")
    november.agenda_items.filter(title="Báo cáo tháng").update(presenter="Đ/c Lan", planned_minutes=20)
    services.agenda.agenda_item_add(meeting=november, title="Phổ biến văn bản", kind=AgendaItemKind.GUIDANCE)
    AgendaItem.objects.create(meeting=november, position=9, title="Định hướng tháng 11", guidance=last_guidance)
    make_meeting(tree.branch, day=D(2026, 10, 5))  # older, not used

    december = make_meeting(tree.branch, day=D(2026, 12, 5))
    this_guidance = Guidance.objects.create(
        organization=tree.commune, month=D(2026, 12, 1), title="Định hướng tháng 12", body="…", published_by=staff_user
    )
    AgendaItem.objects.create(meeting=december, position=0, title="Định hướng tháng 12", guidance=this_guidance)
    _agenda(december, "Mục cũ sẽ bị thay")

    response = secretary.post(reverse("meetings:agenda_copy_last", args=[december.pk]), **HX)
    _assert_fragment(response)
    assert _titles(december) == [
        "Khai mạc",
        "Báo cáo tháng",
        "Thảo luận",
        "Phổ biến văn bản",
        "Định hướng tháng 12",  # this month's guidance stays, after the guidance item
    ]
    copied = december.agenda_items.get(title="Báo cáo tháng")
    assert (copied.presenter, copied.planned_minutes) == ("Đ/c Lan", 20)
    assert _positions(december) == [0, 1, 2, 3, 4]
    assert _titles(november)[:3] == ["Khai mạc", "Báo cáo tháng", "Thảo luận"]  # the source is untouched


def test_copy_with_no_earlier_meeting_says_so(secretary, meeting):
    _agenda(meeting, "A")
    response = english(secretary).post(reverse("meetings:agenda_copy_last", args=[meeting.pk]), **HX)
    _assert_fragment(response)
    assert "no earlier meeting" in response.content.decode()
    assert _titles(meeting) == ["A"]


def test_a_cancelled_meeting_is_not_copied(tree):
    cancelled = make_meeting(tree.branch, day=D(2026, 11, 5), status=MeetingStatus.CANCELLED)
    _agenda(cancelled, "Không dùng")
    december = make_meeting(tree.branch, day=D(2026, 12, 5))
    assert selectors.agenda.last_meeting_before(december) is None


# --- Agenda templates ---------------------------------------------------------------------------


def _template_post(rows):
    data = {
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"items-{i}-{key}"] = value
    return data


def test_commune_staff_edit_their_communes_template(staff, tree):
    url = reverse("meetings:agenda_template", args=[tree.commune.pk])
    response = staff.get(url)
    assert response.status_code == 200
    assert DEFAULT_AGENDA[0]["title"] in response.content.decode()  # starts from the default
    response = staff.post(
        url,
        _template_post(
            [
                {"title": "Thảo luận", "kind": "discussion", "minutes": "60", "ORDER": "2"},
                {"title": "Khai mạc", "kind": "opening", "minutes": "5", "ORDER": "1"},
                {"title": "Bỏ đi", "kind": "other", "minutes": "", "ORDER": "3", "DELETE": "on"},
                {"title": "", "kind": "other", "minutes": "", "ORDER": ""},
            ]
        ),
    )
    assert response.status_code == 302
    assert AgendaTemplate.objects.get(organization=tree.commune).items == [
        {"title": "Khai mạc", "kind": "opening", "minutes": 5},
        {"title": "Thảo luận", "kind": "discussion", "minutes": 60},
    ]
    meeting = services.schedule.meeting_create(
        branch=tree.branch,
        planned_start=at(D(2026, 12, 5), 19, 30),
        planned_end=at(D(2026, 12, 5), 21, 30),
    )
    assert _titles(meeting) == ["Khai mạc", "Thảo luận"]


def test_the_template_home_leads_staff_to_their_commune(staff, tree):
    response = staff.get(reverse("meetings:agenda_template_home"))
    assert response.url == reverse("meetings:agenda_template", args=[tree.commune.pk])


@pytest.mark.parametrize("persona", ["secretary", "leader", "plain_member", "cadre", "outsider"])
def test_only_commune_staff_edit_the_template(request, tree, persona):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("meetings:agenda_template", args=[tree.commune.pk])).status_code == 404
    if persona != "outsider":  # the outsider is staff of another commune: led to their own
        assert client.get(reverse("meetings:agenda_template_home")).status_code == 404


def test_outsider_staff_cannot_reach_another_communes_template(outsider, tree):
    url = reverse("meetings:agenda_template", args=[tree.commune.pk])
    assert outsider.post(url, _template_post([{"title": "X", "kind": "other", "ORDER": "1"}])).status_code == 404
    assert not AgendaTemplate.objects.exists()
