"""Django admin is for superusers only; everyone else uses the site."""


def test_admin_is_for_superusers_only(staff, django_user_model):
    assert staff.get("/admin/meetings/meeting/").status_code == 302  # to the admin login
    admin = django_user_model.objects.create_superuser("root", password="x-123-long-pass")
    staff.force_login(admin)
    assert staff.get("/admin/meetings/meeting/").status_code == 200
    assert staff.get("/admin/members/member/").status_code == 200
