"""Admin pages refuse cleanly (a redirect or 403, never a 500) for a staff user who is not a
superuser, and the access log admin is read-only without crashing (issue 11, privacy)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, reverse

from members.models import AccessLog

pytestmark = pytest.mark.system_scope


def admin_urls(obj_pk_for) -> list[str]:
    urls = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pk = obj_pk_for(model)
        for name, args in [
            ("changelist", []),
            ("add", []),
            ("change", [pk]),
            ("delete", [pk]),
            ("history", [pk]),
        ]:
            try:
                urls.append(reverse(f"admin:{info[0]}_{info[1]}_{name}", args=args))
            except NoReverseMatch:
                continue
    return urls


@pytest.fixture
def logged(staff, tree):
    """One access log entry, so its change and delete pages have an object."""
    return AccessLog.objects.create(user=staff.user, action="view_branch", organization_id=tree.branch.pk)


def first_pk(model) -> int:
    found = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return found or 1


def test_a_staff_user_who_is_not_a_superuser_is_refused_cleanly(tree, logged):
    user = get_user_model().objects.create_user("nhan-vien", password="x-123-long-pass", is_staff=True)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    urls = admin_urls(first_pk)
    assert reverse("admin:members_accesslog_delete", args=[logged.pk]) in urls
    answers = {("GET", url): client.get(url).status_code for url in urls}
    for url in urls:
        if url.endswith(("/delete/", "/change/", "/add/")):
            answers[("POST", url)] = client.post(url, {"post": "yes"}).status_code
    # Refused (403), sent to the admin login (302), or a page about an object that is not there (404).
    broken = {key: code for key, code in answers.items() if code not in (302, 403, 404)}
    assert not broken, broken
    for name in ("change", "delete"):
        url = reverse(f"admin:members_accesslog_{name}", args=[logged.pk])
        assert answers[("GET", url)] == answers[("POST", url)] == 403
    assert AccessLog.objects.filter(pk=logged.pk).exists()


def test_the_access_log_admin_is_read_only_for_superusers(logged):
    root = get_user_model().objects.create_superuser("root", password="x-123-long-pass")
    client = Client(raise_request_exception=False)
    client.force_login(root)
    assert client.get(reverse("admin:members_accesslog_changelist")).status_code == 200
    assert client.get(reverse("admin:members_accesslog_change", args=[logged.pk])).status_code == 200  # view only
    assert client.get(reverse("admin:members_accesslog_add")).status_code == 403
    assert client.get(reverse("admin:members_accesslog_delete", args=[logged.pk])).status_code == 403
    assert client.post(reverse("admin:members_accesslog_delete", args=[logged.pk]), {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=logged.pk).exists()
    assert client.get(reverse("admin:members_cardconflict_changelist")).status_code == 200
    assert client.get(reverse("admin:members_cardconflict_add")).status_code == 403
