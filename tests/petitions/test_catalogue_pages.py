"""Commune staff keep the categories and bodies; nobody else sees these pages."""

import importlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from members.models import Organization, OrganizationKind
from members.names import person_name
from petitions.models import Body, Category, Petition
from portal.services import organization_create

pytestmark = pytest.mark.system_scope


@pytest.mark.parametrize("who", ["leader", "secretary", "plain_member", "outsider", "officer"])
def test_only_the_communes_staff_open_the_catalogue(request, who, tree, catalogue):
    client = request.getfixturevalue(who)
    if who == "outsider":  # staff of phường Đức Thắng: their own commune, not Tam Hưng's
        assert client.get(reverse("petitions:catalogue_home"))["Location"].endswith(f"/{tree.other_commune.pk}/")
    else:
        assert client.get(reverse("petitions:catalogue_home")).status_code == 404
    assert client.get(reverse("petitions:catalogue", args=[tree.commune.pk])).status_code == 404
    assert client.get(reverse("petitions:category_edit", args=[catalogue.roads.pk])).status_code == 404
    assert client.post(reverse("petitions:body_edit", args=[catalogue.ubnd.pk]), {"name": "X"}).status_code == 404


def test_staff_add_rename_reorder_and_choose_officers(staff, tree, catalogue, officer):
    home = staff.get(reverse("petitions:catalogue_home"))
    url = reverse("petitions:catalogue", args=[tree.commune.pk])
    assert home["Location"] == url
    page = staff.get(url).content.decode()
    assert "Giao thông – đường sá" in page and "UBND xã Tam Hưng" in page

    response = staff.post(url, {"add": "category", "category-name": "Điện", "category-default_days": "7"})
    assert response.status_code == 302
    assert Category.objects.get(commune=tree.commune, name="Điện").default_days == 7
    # The same name again: the service's message, next to the name, what was typed kept.
    html = staff.post(
        url, {"add": "category", "category-name": "điện", "category-default_days": "400"}
    ).content.decode()
    assert "từ 1 đến 365" in html or "365" in html
    html = staff.post(url, {"add": "category", "category-name": "Điện", "category-default_days": "9"}).content.decode()
    assert 'value="Điện"' in html and "đã có" in html.lower()

    edit = reverse("petitions:category_edit", args=[catalogue.water.pk])
    assert staff.post(edit, {"name": "Nước sạch – vệ sinh", "default_days": "12", "position": "1"}).status_code == 302
    catalogue.water.refresh_from_db()
    assert (catalogue.water.name, catalogue.water.default_days, catalogue.water.position) == (
        "Nước sạch – vệ sinh",
        12,
        1,
    )

    body = reverse("petitions:body_edit", args=[catalogue.farmers.pk])
    assert person_name(officer.user) in staff.get(body).content.decode()
    response = staff.post(body, {"name": "Hội Nông dân xã Tam Hưng", "kind": "mass", "officers": [officer.user.pk]})
    assert response.status_code == 302
    assert list(Body.objects.get(pk=catalogue.farmers.pk).officers.all()) == [officer.user]


# --- A GET creates nothing (issue 21, item 9) -----------------------------------------------------


def _catalogue_rows():
    return Category.objects.count(), Body.objects.count()


def test_opening_an_empty_catalogue_shows_the_defaults_and_writes_nothing(staff, tree):
    response = staff.get(reverse("petitions:catalogue", args=[tree.commune.pk]))
    assert response.status_code == 200
    assert _catalogue_rows() == (0, 0)
    html = response.content.decode()
    assert "Nước sạch" in html and "UBND xã Tam Hưng" in html
    assert reverse("petitions:category_edit", args=[999999]).split("999999")[0] not in html  # no edit links yet
    # The first addition (a POST) saves the defaults with it.
    staff.post(
        reverse("petitions:catalogue", args=[tree.commune.pk]),
        {"add": "category", "category-name": "Điện", "category-default_days": "7"},
    )
    assert tree.commune.petition_categories.count() == 10
    assert tree.commune.petition_bodies.filter(name="UBND xã Tam Hưng").exists()


def test_the_record_form_offers_the_defaults_and_saving_creates_them(secretary, tree):
    url = reverse("petitions:record") + f"?branch={tree.branch.pk}"
    response = secretary.get(url)
    assert response.status_code == 200
    assert _catalogue_rows() == (0, 0)
    assert 'value="default:3"' in response.content.decode()  # Nước sạch
    form = response.context["form"]
    data = {
        "title": "Sửa giếng nước",
        "category": "default:3",
        "resident_name": "Nguyễn Văn Dân",
        "priority": "normal",
        "submit_key": str(form.initial["submit_key"]),
    }
    saved = secretary.post(url, data)
    assert saved.status_code == 302, saved.context["form"].errors
    assert tree.commune.petition_categories.count() == 9
    assert Petition.objects.get(title="Sửa giếng nước").category.name == "Nước sạch"
    assert secretary.post(url, {**data, "category": "default:99"}).status_code == 200  # refused, not a crash


def test_a_new_commune_starts_with_its_catalogue(tree, django_user_model):
    commune = organization_create(
        parent=tree.province, fields={"name": "Đảng bộ xã Hòa Bình", "kind": OrganizationKind.COMMUNE, "code": "hb"}
    )
    assert commune.petition_bodies.filter(name="UBND xã Hòa Bình").exists()
    assert commune.petition_categories.count() == 9
    # A commune saved in the admin gets it too (portal registers members' organisation admin again).
    other = Organization.objects.add_child(
        Organization.objects.get(pk=tree.province.pk),
        create_kwargs={"name": "Đảng bộ xã An Lạc", "kind": OrganizationKind.COMMUNE, "code": "al"},
    )
    request = RequestFactory().post("/admin/")
    request.user = django_user_model.objects.create_superuser("root", password="x-123-long-pass")
    admin.site._registry[Organization].save_model(request, other, None, change=False)
    assert other.petition_categories.count() == 9


def test_the_migration_gives_communes_without_a_catalogue_the_defaults_and_keeps_the_others(tree, catalogue):
    migration = importlib.import_module("petitions.migrations.0006_default_catalogues")
    Category.objects.filter(commune=tree.other_commune).delete()
    Body.objects.filter(commune=tree.other_commune).delete()
    catalogue.water.delete()  # Tam Hưng's staff removed one: it stays removed
    migration.create_defaults(apps, None)
    assert tree.other_commune.petition_categories.count() == 9
    assert tree.other_commune.petition_bodies.filter(name="UBND phường Đức Thắng").exists()
    assert not tree.commune.petition_categories.filter(name="Nước sạch").exists()
    assert Organization.objects.get(pk=tree.branch.pk).kind == OrganizationKind.BRANCH
    assert not Category.objects.filter(commune__kind=OrganizationKind.BRANCH).exists()
