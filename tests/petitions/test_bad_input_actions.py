"""Bad input on the petition pages (issue 22): a missing or malformed version is a stale edit, an
unknown catalogue addition is refused with a message, long texts and odd dates are bounded."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from members.models import Organization, OrganizationKind
from members.text import LONG_TEXT_MAX
from petitions.models import Body, Category, Petition, PetitionEvent, PetitionStatus

from .conftest import NOW, make_petition

pytestmark = pytest.mark.system_scope

S = PetitionStatus
STALE = "Người khác vừa thay đổi kiến nghị này; hãy tải lại trang và thử lại."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def act(petition, action):
    return reverse("petitions:action", args=[petition.pk, action])


def state(petition):
    row = Petition.objects.values().get(pk=petition.pk)
    return row, list(PetitionEvent.objects.filter(petition=petition).values_list("pk", flat=True))


@pytest.mark.parametrize("version", [None, "", "abc", "1.0", "١", "²", "-1", "0", "9" * 30])
def test_a_missing_or_malformed_version_is_refused_as_stale(leader, tree, catalogue, root, version):
    petition = make_petition(tree.branch, catalogue.roads, root)
    before = state(petition)
    data = {"forward-body": catalogue.ubnd.pk, "forward-deadline": "24/12/2026"}
    if version is not None:
        data["forward-version"] = version
    response = leader.post(act(petition, "forward"), data)
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert state(petition) == before


def test_a_comment_without_a_version_is_refused_too(leader, tree, catalogue, root):
    petition = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED)
    response = leader.post(act(petition, "comment"), {"comment-text": "Đã gọi điện."})
    assert STALE in response.content.decode()
    assert not PetitionEvent.objects.filter(petition=petition).exists()


def test_the_right_version_still_forwards(leader, tree, catalogue, root):
    petition = make_petition(tree.branch, catalogue.roads, root)
    data = {"forward-body": catalogue.ubnd.pk, "forward-deadline": "24/12/2026", "forward-version": "1"}
    assert leader.post(act(petition, "forward"), data).status_code == 302
    assert Petition.objects.get(pk=petition.pk).status == S.FORWARDED


# --- The catalogue's additions ---------------------------------------------------------------------


@pytest.fixture
def bare_commune(tree, staff):
    """A commune created before communes came with a catalogue, kept by the staff."""
    from members.access import forget_roles

    from ..factories import give_role

    commune = Organization.objects.add_child(
        Organization.objects.get(pk=tree.province.pk),
        create_kwargs={"name": "Đảng bộ xã Hòa Bình", "kind": OrganizationKind.COMMUNE, "code": "hb"},
    )
    give_role(staff.user, "commune_staff", commune)
    forget_roles(staff.user)
    return commune


@pytest.mark.parametrize("add", [None, "", "member", "category ", "²"])
def test_an_unknown_addition_is_refused_with_a_message_and_writes_nothing(staff, bare_commune, add):
    data = {"category-name": "Điện", "category-default_days": "7", "body-name": "Điện lực"}
    if add is not None:
        data["add"] = add
    response = staff.post(reverse("petitions:catalogue", args=[bare_commune.pk]), data)
    assert response.status_code == 400
    assert "Chưa thêm gì: đồng chí hãy chọn thêm lĩnh vực hay cơ quan giải quyết." in response.content.decode()
    assert not Category.objects.filter(commune=bare_commune).exists()
    assert not Body.objects.filter(commune=bare_commune).exists()


def test_a_refused_addition_leaves_no_default_catalogue_behind(staff, bare_commune):
    url = reverse("petitions:catalogue", args=[bare_commune.pk])
    response = staff.post(url, {"add": "category", "category-name": "", "category-default_days": "7"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not Category.objects.filter(commune=bare_commune).exists()
    assert not Body.objects.filter(commune=bare_commune).exists()
    # A valid addition brings the defaults with it.
    response = staff.post(url, {"add": "category", "category-name": "Điện", "category-default_days": "7"})
    assert response.status_code == 302
    assert Category.objects.filter(commune=bare_commune).count() > 1
    assert Body.objects.filter(commune=bare_commune).exists()


# --- Long texts ------------------------------------------------------------------------------------


def test_a_comment_over_the_bound_is_refused_with_the_limit_and_the_count(leader, tree, catalogue, root):
    petition = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED)
    text = "a" * (LONG_TEXT_MAX + 1)
    response = leader.post(act(petition, "comment"), {"comment-text": text, "comment-version": petition.version})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"tối đa {LONG_TEXT_MAX} kí tự (hiện có {LONG_TEXT_MAX + 1})" in html
    assert not PetitionEvent.objects.filter(petition=petition).exists()


def test_a_comment_at_the_bound_is_kept(leader, tree, catalogue, root):
    petition = make_petition(tree.branch, catalogue.roads, root, S.FORWARDED)
    text = "a" * LONG_TEXT_MAX
    response = leader.post(act(petition, "comment"), {"comment-text": text, "comment-version": petition.version})
    assert response.status_code == 302
    assert PetitionEvent.objects.get(petition=petition).text == text


def test_the_record_form_bounds_the_content(secretary, tree, catalogue):
    response = secretary.post(
        reverse("petitions:record") + f"?branch={tree.branch.pk}",
        {"title": "Đèn đường", "content": "a" * (LONG_TEXT_MAX + 1), "category": catalogue.roads.pk},
    )
    assert f"tối đa {LONG_TEXT_MAX} kí tự" in response.content.decode()
    assert not Petition.objects.exists()


@pytest.mark.parametrize("field", ["content", "answer", "decline_reason"])
def test_the_database_refuses_a_petition_text_over_the_bound(tree, catalogue, root, field):
    petition = make_petition(tree.branch, catalogue.roads, root)
    setattr(petition, field, "a" * (LONG_TEXT_MAX + 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        petition.save(update_fields=[field])


def test_the_database_refuses_a_timeline_text_over_the_bound(tree, catalogue, root):
    petition = make_petition(tree.branch, catalogue.roads, root)
    with pytest.raises(IntegrityError), transaction.atomic():
        PetitionEvent.objects.create(petition=petition, kind="comment", text="a" * (LONG_TEXT_MAX + 1), by=root)


# --- Dates in the list's filters and the bulk form ---------------------------------------------------


@pytest.mark.parametrize(
    "day, message",
    [
        ("01/01/0001", "Hãy nhập ngày từ năm 1900 trở đi."),
        ("0001-01-01", "Hãy nhập ngày từ năm 1900 trở đi."),
        ("31/12/9999", "Hãy nhập ngày không muộn hơn"),
    ],
)
def test_an_implausible_filter_date_is_explained_not_a_500(leader, tree, catalogue, root, day, message):
    make_petition(tree.branch, catalogue.roads, root)
    response = leader.get(reverse("petitions:list"), {"raised_from": day, "raised_to": day})
    assert response.status_code == 200 and message in response.content.decode()
    assert leader.get(reverse("petitions:export"), {"raised_from": day}).status_code == 200
    response = leader.get(reverse("petitions:figures"), {"start": day, "end": day})
    assert response.status_code == 200 and message in response.content.decode()


def test_a_bulk_forward_years_ahead_is_refused(leader, tree, catalogue, root):
    petition = make_petition(tree.branch, catalogue.roads, root)
    response = leader.post(
        reverse("petitions:bulk"),
        {"petitions": [petition.pk], "action": "forward", "body": catalogue.ubnd.pk, "deadline": "31/12/9999"},
        follow=True,
    )
    assert response.status_code == 200
    assert Petition.objects.get(pk=petition.pk).status == S.NEW
    assert datetime.date(9999, 12, 31).strftime("%d/%m/%Y") not in str(Petition.objects.values().get(pk=petition.pk))
