"""Working days: weekends, Tết and Giỗ Tổ by the lunar calendar, and the days the government announces."""

import datetime

import pytest
from django.test import Client

from members.models import Organization, RoleKind
from workdays.calendar import add_working_days, is_working_day, package_make_up_days, working_days_between
from workdays.models import AnnouncedDay, AnnouncedDayKind

from ..factories import UserFactory, give_role

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.system_scope]


def test_a_weekend_is_skipped():
    friday = D(2026, 12, 4)
    assert add_working_days(friday, 1) == D(2026, 12, 7)  # Monday
    assert working_days_between(friday, D(2026, 12, 7)) == 1
    assert not is_working_day(D(2026, 12, 5)) and not is_working_day(D(2026, 12, 6))


def test_tet_2026_moves_a_deadline_past_the_break():
    """Tết Bính Ngọ: 16–20/02/2026 (Mon–Fri) are public holidays, known by the lunar calendar."""
    before = D(2026, 2, 13)  # Friday before Tết
    assert [is_working_day(D(2026, 2, day)) for day in range(16, 21)] == [False] * 5
    assert add_working_days(before, 1) == D(2026, 2, 23)
    assert working_days_between(before, D(2026, 2, 23)) == 1


def test_gio_to_hung_vuong_follows_the_lunar_calendar():
    assert not is_working_day(D(2027, 4, 16))  # 10/3 âm lịch in 2027 is a Friday
    assert is_working_day(D(2026, 4, 16))


def test_an_announced_make_up_saturday_counts_and_an_announced_day_off_does_not():
    friday = D(2026, 12, 4)
    AnnouncedDay.objects.create(day=D(2026, 12, 5), kind=AnnouncedDayKind.WORKDAY, note="Làm bù")
    AnnouncedDay.objects.create(day=D(2026, 12, 7), kind=AnnouncedDayKind.DAY_OFF, note="Nghỉ bù")
    assert is_working_day(D(2026, 12, 5)) and not is_working_day(D(2026, 12, 7))
    assert add_working_days(friday, 1) == D(2026, 12, 5)
    assert add_working_days(friday, 2) == D(2026, 12, 8)
    assert working_days_between(friday, D(2026, 12, 8)) == 2


def test_counting_backwards_is_negative_and_zero_days_is_the_same_day():
    assert working_days_between(D(2026, 12, 8), D(2026, 12, 4)) == -2
    assert add_working_days(D(2026, 12, 5), 0) == D(2026, 12, 5)


def test_a_long_deadline_across_tet_reads_the_announced_days_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert add_working_days(D(2026, 1, 2), 31) == D(2026, 2, 23)  # 30 days end on 13/02, then Tết


def test_the_make_up_saturday_the_holidays_data_names_is_a_working_day():
    """22/08/2026 (Saturday) is worked for Monday 31/08 (the bridge to 2/9), per the package's data."""
    saturday, friday = D(2026, 8, 22), D(2026, 8, 21)
    assert saturday in package_make_up_days(2026)
    assert is_working_day(saturday) and not is_working_day(D(2026, 8, 31))
    assert add_working_days(friday, 1) == saturday
    assert working_days_between(friday, D(2026, 8, 24)) == 2  # Saturday and Monday
    assert not is_working_day(D(2026, 8, 29))  # the next Saturday is an ordinary weekend


def test_a_national_day_off_overrides_the_packages_make_up_day():
    AnnouncedDay.objects.create(day=D(2026, 8, 22), kind=AnnouncedDayKind.DAY_OFF, note="Không làm bù")
    assert not is_working_day(D(2026, 8, 22))
    assert add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 24)


def test_a_communes_day_off_counts_only_below_it(tree):
    AnnouncedDay.objects.create(day=D(2026, 12, 7), kind=AnnouncedDayKind.DAY_OFF, organization=tree.commune)
    AnnouncedDay.objects.create(day=D(2026, 8, 22), kind=AnnouncedDayKind.DAY_OFF, organization=tree.commune)
    for branch in (tree.branch, tree.sibling, tree.commune):
        assert not is_working_day(D(2026, 12, 7), organization=branch)
        assert not is_working_day(D(2026, 8, 22), organization=branch)  # over the make-up Saturday too
    assert add_working_days(D(2026, 12, 4), 1, organization=tree.branch) == D(2026, 12, 8)
    assert working_days_between(D(2026, 12, 4), D(2026, 12, 8), organization=tree.branch) == 1
    for elsewhere in (tree.other_branch, tree.province, None):
        assert is_working_day(D(2026, 12, 7), organization=elsewhere)
        assert is_working_day(D(2026, 8, 22), organization=elsewhere)
    assert add_working_days(D(2026, 12, 4), 1, organization=tree.other_branch) == D(2026, 12, 7)


def test_a_provinces_day_off_counts_in_all_its_communes(tree):
    AnnouncedDay.objects.create(day=D(2026, 12, 7), kind=AnnouncedDayKind.DAY_OFF, organization=tree.province)
    assert not is_working_day(D(2026, 12, 7), organization=tree.branch)
    assert not is_working_day(D(2026, 12, 7), organization=tree.other_branch)
    assert is_working_day(D(2026, 12, 7))


def test_a_branchs_deadline_reads_national_and_local_days_once(tree, django_assert_num_queries):
    AnnouncedDay.objects.create(day=D(2026, 2, 13), kind=AnnouncedDayKind.DAY_OFF, organization=tree.commune)
    branch = Organization.objects.get(pk=tree.branch.pk)
    with django_assert_num_queries(1):
        assert add_working_days(D(2026, 1, 2), 30, organization=branch) == D(2026, 2, 23)


# --- Who keeps which days ---------------------------------------------------------------


@pytest.fixture
def province_staff(tree):
    user = UserFactory(username="province")
    give_role(user, RoleKind.COMMUNE_STAFF, tree.province)
    client = Client()
    client.force_login(user)
    return client


def test_province_staff_keep_the_national_list(province_staff):
    response = province_staff.post("/workdays/", {"day": "2026-12-05", "kind": "workday", "note": "Làm bù"})
    assert response.status_code == 302
    assert AnnouncedDay.objects.filter(day=D(2026, 12, 5), organization=None).exists()
    assert province_staff.get("/workdays/").status_code == 200
    again = province_staff.post("/workdays/", {"day": "2026-12-05", "kind": "day_off", "note": ""})
    assert again.status_code == 200 and AnnouncedDay.objects.count() == 1  # one day, one entry
    assert "Ngày này đã có trong danh sách." in again.content.decode()
    assert province_staff.post("/workdays/remove/", {"day": "2026-12-05"}).status_code == 302
    assert not AnnouncedDay.objects.exists()
    assert province_staff.post("/workdays/remove/", {"day": "not a date"}).status_code == 404


def test_commune_staff_cannot_edit_the_national_list(staff):
    AnnouncedDay.objects.create(day=D(2026, 12, 5), kind=AnnouncedDayKind.WORKDAY, note="Làm bù")
    page = staff.get("/workdays/")
    assert page.status_code == 200 and "05/12/2026" in page.content.decode()  # seen, read-only
    added = staff.post("/workdays/", {"day": "2026-12-07", "kind": "day_off", "organization": "", "note": ""})
    assert added.status_code == 200  # the whole country is not theirs to choose
    assert not AnnouncedDay.objects.filter(day=D(2026, 12, 7)).exists()
    assert staff.post("/workdays/remove/", {"day": "2026-12-05"}).status_code == 404
    assert staff.post("/workdays/remove/", {"day": "2026-12-05", "organization": ""}).status_code == 404
    assert AnnouncedDay.objects.filter(day=D(2026, 12, 5)).exists()


def test_commune_staff_keep_their_communes_own_days_off(tree, staff, outsider):
    commune = str(tree.commune.pk)
    response = staff.post(
        "/workdays/", {"day": "2026-12-07", "kind": "day_off", "organization": commune, "note": "Lễ hội làng"}
    )
    assert response.status_code == 302
    assert AnnouncedDay.objects.get(day=D(2026, 12, 7)).organization == tree.commune
    # A commune cannot decree a make-up working day, nor add days to another commune.
    worked = staff.post("/workdays/", {"day": "2026-12-12", "kind": "workday", "organization": commune, "note": ""})
    other = str(tree.other_commune.pk)
    elsewhere = staff.post("/workdays/", {"day": "2026-12-14", "kind": "day_off", "organization": other, "note": ""})
    assert worked.status_code == elsewhere.status_code == 200
    assert AnnouncedDay.objects.count() == 1
    # Another commune's staff neither see nor remove it.
    assert "Lễ hội làng" not in outsider.get("/workdays/").content.decode()
    assert outsider.post("/workdays/remove/", {"day": "2026-12-07", "organization": commune}).status_code == 404
    assert "Lễ hội làng" in staff.get("/workdays/").content.decode()
    assert staff.post("/workdays/remove/", {"day": "2026-12-07", "organization": commune}).status_code == 302
    assert not AnnouncedDay.objects.exists()


def test_others_do_not_see_the_page(secretary, leader, plain_member, cadre):
    AnnouncedDay.objects.create(day=D(2026, 12, 5), kind=AnnouncedDayKind.WORKDAY)
    for other in (secretary, leader, plain_member, cadre):
        assert other.get("/workdays/").status_code == 404
        assert other.post("/workdays/", {"day": "2026-12-07", "kind": "day_off", "note": ""}).status_code == 404
        assert other.post("/workdays/remove/", {"day": "2026-12-05"}).status_code == 404
    assert AnnouncedDay.objects.count() == 1
