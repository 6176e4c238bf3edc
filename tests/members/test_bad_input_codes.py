"""Bad input, second pass (issue 22): an organisation's short code is explained in Vietnamese
(lowercase Latin letters without accents, digits, hyphens), and the code made from what was typed
is offered: "tam hung" and "Tam Hưng" -> "tam-hung", "TH/01" -> "th-01"."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from members.codes import CodeField, code_from, is_code
from members.models import Organization, OrganizationKind
from members.services.organizations import organization_add

pytestmark = pytest.mark.system_scope

RULE = "Mã viết tắt chỉ gồm chữ cái Latin thường không dấu, chữ số và dấu gạch ngang (-)."


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("tam hung", "tam-hung"),
        ("Tam Hưng", "tam-hung"),
        ("TH/01", "th-01"),
        ("  Đồng Tâm__Xóm 2 ", "dong-tam-xom-2"),
        ("Chi bộ thôn Song Khê", "chi-bo-thon-song-khe"),
        ("09١", "09"),
        ("///", ""),
    ],
)
def test_code_from(typed, code):
    assert code_from(typed) == code
    assert code == "" or is_code(code)


@pytest.mark.parametrize("code", ["tam-hung", "th-01", "hn", "tdp-7"])
def test_codes(code):
    assert is_code(code)


@pytest.mark.parametrize("code", ["tam hung", "Tam-Hung", "tâm-hưng", "th_01", "-th", "th-", "th--01", "th\n", "٣"])
def test_not_codes(code):
    assert not is_code(code)


def edit(client, organization, code):
    return client.post(
        reverse("members:organization_edit", args=[organization.pk]), {"name": organization.name, "code": code}
    )


@pytest.mark.parametrize(("typed", "offered"), [("tam hung", "tam-hung"), ("Tam Hưng", "tam-hung"), ("TH/01", "th-01")])
def test_the_form_explains_the_code_in_vietnamese_and_offers_one(staff, tree, typed, offered):
    response = edit(staff, tree.branch, typed)

    assert response.status_code == 200
    page = response.content.decode()
    assert RULE in page
    assert f"Đồng chí có thể dùng “{offered}”." in page
    assert "slug" not in page.lower()
    tree.branch.refresh_from_db()
    assert tree.branch.code == "song-khe"


def test_the_offered_code_is_accepted(staff, tree):
    assert "“th-01”" in edit(staff, tree.branch, "TH/01").content.decode()
    assert edit(staff, tree.branch, "th-01").status_code == 302
    tree.branch.refresh_from_db()
    assert tree.branch.code == "th-01"


def test_nothing_to_offer_still_explains(staff, tree):
    page = edit(staff, tree.branch, "///").content.decode()
    assert RULE in page
    assert "Đồng chí có thể dùng" not in page


def test_a_code_stored_under_the_older_rule_may_stay(staff, tree):
    Organization.objects.filter(pk=tree.branch.pk).update(code="Song_Khe")
    tree.branch.refresh_from_db()
    assert edit(staff, tree.branch, "Song_Khe").status_code == 302
    response = edit(staff, tree.branch, "Song_Khe_2")
    assert response.status_code == 200
    assert "Đồng chí có thể dùng “song-khe-2”." in response.content.decode()


def test_the_service_refuses_what_is_not_a_code(tree):
    with pytest.raises(ValidationError) as error:
        organization_add(
            parent=tree.province, fields={"name": "Đảng bộ xã Tam Hưng 2", "kind": "commune", "code": "TH/02"}
        )
    assert "code" in error.value.message_dict
    assert not Organization.objects.filter(name="Đảng bộ xã Tam Hưng 2").exists()
    node = organization_add(
        parent=tree.province,
        fields={"name": "Đảng bộ xã Tam Hưng 2", "kind": OrganizationKind.COMMUNE, "code": "th-02"},
    )
    assert node.code == "th-02"


def test_the_admin_uses_the_same_field(db, django_user_model):
    request = RequestFactory().get("/admin/members/organization/add/")
    request.user = django_user_model(is_superuser=True, is_staff=True)
    form_class = admin.site._registry[Organization].get_form(request)
    assert isinstance(form_class.base_fields["code"], CodeField)
    form = form_class(data={"name": "Đảng bộ xã Mới", "kind": "commune", "code": "Xã Mới", "_position": "first-child"})
    assert not form.is_valid()
    assert "“xa-moi”" in " ".join(form.errors["code"])
