"""Django admin is for superusers only; everyone else uses the site."""


def test_admin_is_for_superusers_only(staff, django_user_model):
    assert staff.get("/admin/meetings/meeting/").status_code == 302  # to the admin login
    admin = django_user_model.objects.create_superuser("root", password="x-123-long-pass")
    staff.force_login(admin)
    assert staff.get("/admin/meetings/meeting/").status_code == 200
    assert staff.get("/admin/members/member/").status_code == 200


THIRD_PARTY_PAGES = [
    "/admin/auth/user/",
    "/admin/auth/group/",
    "/admin/axes/accessattempt/",
    "/admin/otp_totp/totpdevice/",
]


def test_the_pages_of_auth_axes_and_django_otp_are_for_superusers_only_and_show_no_recovery_code(
    staff, django_user_model
):
    """An admin-site account with every permission reads none of them; superusers read them,
    except recovery codes, which are not in the admin at all (and are stored hashed)."""
    from django.contrib.auth.models import Permission

    clerk = django_user_model.objects.create_user("thuky", password="x-123-long-pass", is_staff=True)
    clerk.user_permissions.set(Permission.objects.all())
    staff.force_login(clerk)
    for url in [*THIRD_PARTY_PAGES, "/admin/otp_static/staticdevice/", "/admin/otp_static/statictoken/"]:
        assert staff.get(url).status_code in (302, 403, 404), url
    assert "otp_static" not in staff.get("/admin/").content.decode()

    admin = django_user_model.objects.create_superuser("root", password="x-123-long-pass")
    staff.force_login(admin)
    for url in THIRD_PARTY_PAGES:
        assert staff.get(url).status_code == 200, url
    assert staff.get("/admin/otp_static/staticdevice/").status_code == 404
    assert staff.get("/admin/otp_static/statictoken/").status_code == 404
