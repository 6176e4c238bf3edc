"""Bad input, second pass (issue 22): requests that answered 500 now get a Vietnamese message or
a 404, and change nothing."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse

from members.ids import parse_id, query_id
from members.models import Member, RoleKind
from notifications.models import ChannelPreference
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.system_scope

# --- /notifications/preferences/ ---------------------------------------------------------------


def test_an_email_over_254_characters_is_refused_and_nothing_is_saved(db):
    me = UserFactory(username="me", email="me@example.org")
    ChannelPreference.objects.create(user=me, email_enabled=True, sms_enabled=False, phone="")
    client = Client()
    client.force_login(me)
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".example.org"
    assert len(email) > 254

    response = client.post(
        reverse("notifications:preferences"),
        {"email_enabled": "on", "sms_enabled": "on", "phone": "0912345678", "email": email},
    )

    assert response.status_code == 200
    assert "tối đa 254 kí tự" in response.content.decode()
    preference = ChannelPreference.objects.get(user=me)
    assert (preference.sms_enabled, preference.phone) == (False, "")
    me.refresh_from_db()
    assert me.email == "me@example.org"


# --- /login/ ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_a_username_over_the_limit_is_refused_before_django_axes_sees_it(db, url):
    UserFactory(username="bithu")
    client = Client()

    response = client.post(url, {"username": "x" * 300, "password": "sai-mat-khau"})

    assert response.status_code == 200
    assert "Tên đăng nhập dài tối đa 150 ký tự." in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_username_at_the_limit_still_counts_as_a_failure(db):
    response = Client().post("/login/", {"username": "x" * 150, "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert AccessAttempt.objects.filter(username="x" * 150).exists()


# --- Ids in query strings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("0012", 12),
        ("²", None),
        ("١٢", None),
        ("１２", None),
        ("-1", None),
        ("0", None),
        (" 12", None),
        ("1e3", None),
        ("9" * 19, None),
        (str(2**63 - 1), 2**63 - 1),
        ("9" * 400, None),
        (7, 7),
        (True, None),
        (None, None),
    ],
)
def test_an_id_is_ascii_digits_only(raw, expected):
    assert parse_id(raw) == expected


def test_query_id_answers_404_or_ignores():
    request = RequestFactory().get("/", {"branch": "²", "empty": ""})
    assert query_id(request, "missing") is None
    assert query_id(request, "empty") is None
    assert query_id(request, "branch", strict=False) is None
    with pytest.raises(Http404):
        query_id(request, "branch")


@pytest.fixture
def province_staff(tree):
    """A user above a commune: the member list shows the searchable branch picker."""
    user = UserFactory(username="province")
    give_role(user, RoleKind.COMMUNE_STAFF, tree.province)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("value", ["²", "١", "３", "9" * 40])
def test_a_non_ascii_digit_in_a_query_id_is_not_a_500(staff, province_staff, tree, value):
    members_before = Member.objects.count()

    assert staff.get("/meetings/new/", {"branch": value}).status_code == 404
    assert staff.get("/members/new/", {"branch": value}).status_code == 200
    assert staff.get(reverse("meetings:cadre_assignment_create"), {"branch": value}).status_code == 200
    assert staff.get(reverse("members:list"), {"branch": value}).status_code == 200
    assert province_staff.get(reverse("members:list"), {"branch": value}).status_code == 200
    assert province_staff.get(reverse("meetings:list"), {"branch": value}).status_code == 200
    assert staff.get("/petitions/new/", {"meeting": value}).status_code == 404
    assert staff.get("/petitions/new/", {"branch": value}).status_code == 404

    assert Member.objects.count() == members_before


def test_an_ascii_branch_id_still_fills_the_forms(staff, tree):
    response = staff.get("/meetings/new/", {"branch": str(tree.branch.pk)})
    assert response.status_code == 200
    assert response.context["form"].initial["branch"] == tree.branch
    response = staff.get("/members/new/", {"branch": str(tree.branch.pk)})
    assert response.context["form"].initial["branch"] == tree.branch
