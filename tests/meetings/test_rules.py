"""Commune staff set their local practice (docs/domain.md#local-practice: configurable per commune)."""

from django.urls import reverse

from meetings.models import MeetingRules


def post_data(**overrides):
    data = {
        "min_minutes": 100,
        "min_minutes_combined": 130,
        "min_attendance_rate": 80,
        "max_absences_in_row": 3,
        "minutes_deadline_days": 3,
        "materials_days_before": 1,
        "level_good": 90,
        "level_fair": 70,
        "level_average": 50,
        "rubric-TOTAL_FORMS": 3,
        "rubric-INITIAL_FORMS": 0,
        "rubric-0-label": "Thời gian",
        "rubric-0-max": 10,
        "rubric-1-label": "Kết quả thực hiện nghị quyết tháng trước",
        "rubric-1-max": 60,
        "rubric-1-full_for_good": "on",
        "rubric-2-label": "Bế mạc",
        "rubric-2-max": 30,
    }
    return {**data, **overrides}


def test_staff_see_the_defaults_in_vietnamese(staff, tree):
    page = staff.get(reverse("meetings:rules", args=[tree.commune.pk]))
    assert page.status_code == 200
    assert page.context["form"]["min_minutes"].value() == 90
    # The HD 42 rubric commune staff start from.
    assert [f["label"].value() for f in page.context["rubric"].forms[:8]] == [
        "Thời gian, thời lượng",
        "Tham dự",
        "Chuẩn bị",
        "Tiến hành sinh hoạt, đảng viên tham gia",
        "Chủ trì",
        "Nguyên tắc sinh hoạt đảng",
        "Kết quả thực hiện nghị quyết tháng trước",
        "Kết thúc sinh hoạt, biên bản",
    ]
    assert [f["max"].value() for f in page.context["rubric"].forms[:8]] == [5, 5, 10, 30, 10, 5, 30, 5]


def test_staff_change_the_rules_and_branches_follow(staff, tree):
    response = staff.post(reverse("meetings:rules", args=[tree.commune.pk]), post_data())
    assert response.status_code == 302
    rules = MeetingRules.objects.for_branch(tree.branch)
    assert (rules.min_minutes, rules.min_attendance_rate, rules.minutes_deadline_days) == (100, 80, 3)
    assert [(c["label"], c["max"], c.get("full_for_good", False)) for c in rules.rubric] == [
        ("Thời gian", 10, False),
        ("Kết quả thực hiện nghị quyết tháng trước", 60, True),
        ("Bế mạc", 30, False),
    ]
    assert len({c["key"] for c in rules.rubric}) == 3
    assert rules.history.get().history_user == staff.user
    # A form from before the annual thresholds keeps them (today's values by default).
    assert (rules.good_months_for_good_year, rules.fair_months_for_fair_year, rules.poor_months_for_poor_year) == (
        7,
        7,
        3,
    )


def test_a_rubric_not_adding_up_to_100_is_refused(staff, tree):
    response = staff.post(reverse("meetings:rules", args=[tree.commune.pk]), post_data(**{"rubric-2-max": 20}))
    assert response.status_code == 200
    assert "90" in " ".join(response.context["rubric"].non_form_errors())
    assert not MeetingRules.objects.exists()


def test_levels_must_go_down(staff, tree):
    response = staff.post(reverse("meetings:rules", args=[tree.commune.pk]), post_data(level_fair=95))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not MeetingRules.objects.exists()


def test_only_commune_staff_keep_the_rules(secretary, leader, cadre, plain_member, outsider, tree):
    url = reverse("meetings:rules", args=[tree.commune.pk])
    for client in (secretary, leader, cadre, plain_member, outsider):
        assert client.get(url).status_code == 404
        assert client.post(url, post_data()).status_code == 404
    assert not MeetingRules.objects.exists()


def test_rules_home_leads_staff_to_their_commune_and_others_nowhere(staff, secretary, tree):
    response = staff.get(reverse("meetings:rules_home"))
    assert response.status_code == 302 and response["Location"] == reverse("meetings:rules", args=[tree.commune.pk])
    assert secretary.get(reverse("meetings:rules_home")).status_code == 404
