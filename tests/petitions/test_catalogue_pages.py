"""Commune staff keep the categories and bodies; nobody else sees these pages."""

import pytest
from django.urls import reverse

from members.names import person_name
from petitions.models import Body, Category


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
