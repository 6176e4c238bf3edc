"""Quality levels (Tốt needs attendance strictly above 85 % and nobody absent without reason), the
HD 42 default rubric, and the annual rating of a branch from its months."""

import datetime
import zoneinfo

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from meetings import counting, services
from meetings.forms.rules import MeetingRulesForm
from meetings.models import (
    DEFAULT_RUBRIC,
    Attendance,
    Category,
    Mark,
    Meeting,
    MeetingKind,
    MeetingRules,
    MeetingStatus,
    Minutes,
)
from meetings.models.minutes import ScoreLevel
from oversight import selectors as oversight_selectors
from oversight.selectors.ratings import AnnualRating, MonthLevel

from .factories import MemberFactory, UserFactory

pytestmark = pytest.mark.system_scope

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
G, F, A, P = ScoreLevel.GOOD, ScoreLevel.FAIR, ScoreLevel.AVERAGE, ScoreLevel.POOR
FULL_MARKS = {c["key"]: c["max"] for c in DEFAULT_RUBRIC}


def test_the_default_rubric_is_hd_42():
    assert [(c["key"], c["max"]) for c in DEFAULT_RUBRIC] == [
        ("time", 5),
        ("attendance", 5),
        ("preparation", 10),
        ("conduct", 30),
        ("chairing", 10),
        ("principles", 5),
        ("results", 30),
        ("closing", 5),
    ]
    assert sum(c["max"] for c in DEFAULT_RUBRIC) == 100
    assert {c["key"] for c in DEFAULT_RUBRIC if c.get("full_for_good")} == {"time", "attendance", "closing"}
    assert MeetingRules().rubric == [] and counting.rubric_of(MeetingRules()) == DEFAULT_RUBRIC


def roll(present, expected, unexcused=0):
    counts = counting.RollCounts(expected=expected, present=present, absent_unexcused=unexcused)
    counts.rate = counting.rate_of(present, expected)
    return counts


@pytest.mark.parametrize(
    ("present", "expected", "unexcused", "level"),
    [
        (17, 20, 0, F),  # 85.0 %: not above 85
        (171, 200, 0, G),  # 85.5 %
        (851, 1000, 0, G),  # 85.1 %
        (2001, 2354, 0, F),  # 85.004 % is shown as 85.0 %: judged as shown, not above 85
        (20, 20, 0, G),
        (19, 20, 1, F),  # one absent without reason
        (0, 0, 0, F),  # nobody expected, no roll: not Good
    ],
)
def test_good_needs_attendance_strictly_above_the_minimum_and_no_unexcused(present, expected, unexcused, level):
    rules = MeetingRules()
    assert counting.score_level(100, rules, FULL_MARKS, roll(present, expected, unexcused)) == level


def test_good_attendance_follows_the_communes_minimum():
    assert counting.score_level(95, MeetingRules(min_attendance_rate=80), FULL_MARKS, roll(17, 20)) == G
    assert counting.score_level(95, MeetingRules(min_attendance_rate=80), FULL_MARKS, roll(16, 20)) == F


def test_key_criteria_below_maximum_are_not_good():
    scores = dict(FULL_MARKS, closing=4)
    assert counting.score_level(99, MeetingRules(), scores, roll(20, 20)) == F


@pytest.mark.parametrize(
    ("months", "level"),
    [
        ([G] * 7 + [F] * 5, G),
        ([G] * 6 + [F] * 6, F),  # six Tốt months are not enough
        ([G] * 11 + [A], F),  # one Trung bình month: not Tốt
        ([F] * 7 + [A] * 5, F),
        ([F] * 6 + [A] * 6, A),
        ([G] * 9 + [P] * 3, P),  # three Kém months
        ([G] * 10 + [P] * 2, A),
        ([G] * 11 + [None], A),  # a month without a scored meeting is neither Khá nor Trung bình or better
        ([], A),
    ],
)
def test_annual_level(months, level):
    assert counting.annual_level(months) == level


def scored(branch, month, level, total=90, kind=MeetingKind.REGULAR, status=MeetingStatus.ADOPTED, confirmed=True):
    start = datetime.datetime(month.year, month.month, 5, 19, 30, tzinfo=TZ)
    meeting = Meeting.objects.create(
        branch=branch,
        kind=kind,
        month=month,
        status=status,
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=2),
        actual_start=start,
        actual_end=start + datetime.timedelta(hours=2),
    )
    confirmed_at = start + datetime.timedelta(days=1) if confirmed else None
    Minutes.objects.create(meeting=meeting, score_total=total, score_level=level, score_confirmed_at=confirmed_at)
    return meeting


def test_annual_ratings_for_many_branches_in_two_queries(tree, django_assert_num_queries):
    for month in range(1, 13):
        scored(tree.branch, datetime.date(2026, month, 1), G if month <= 7 else F)
        scored(tree.sibling, datetime.date(2026, month, 1), G if month <= 6 else F)
    # An extraordinary meeting's score and a cancelled meeting do not count for the month.
    scored(tree.sibling, datetime.date(2026, 12, 1), G, kind=MeetingKind.EXTRAORDINARY)
    with django_assert_num_queries(2):  # the rules, the meetings
        ratings = oversight_selectors.ratings.annual_ratings(
            branches=[tree.branch, tree.sibling, tree.other_branch], year=2026, today=datetime.date(2027, 1, 10)
        )
    assert ratings[tree.branch.pk].level == G
    assert ratings[tree.sibling.pk].level == F
    assert ratings[tree.sibling.pk].good_months == 6
    assert ratings[tree.other_branch.pk].not_met_months == 12  # never met: not met, but not rated either
    assert not ratings[tree.other_branch.pk].rated
    assert ratings[tree.branch.pk].complete


def test_a_running_year_is_rated_on_its_months_so_far(tree):
    for month in range(1, 11):
        scored(tree.branch, datetime.date(2026, month, 1), G)
    rating = oversight_selectors.ratings.annual_rating(tree.branch, 2026, today=datetime.date(2026, 11, 26))
    assert len(rating.months) == 10 and not rating.complete  # November counts once scored
    assert rating.level == G
    scored(tree.branch, datetime.date(2026, 11, 1), A)
    rating = oversight_selectors.ratings.annual_rating(tree.branch, 2026, today=datetime.date(2026, 11, 26))
    assert len(rating.months) == 11 and rating.level == F


def test_branch_page_shows_the_annual_rating_with_its_months(tree, staff):
    for month in range(1, 13):
        scored(tree.branch, datetime.date(2025, month, 1), G if month <= 8 else F)
    page = staff.get(reverse("members:organization", args=[tree.branch.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="annual-rating"' in html
    assert 'data-rating="good"' in html  # 2025: eight Tốt months, the rest Khá
    assert html.count('class="badge text-decoration-none text-bg-success"') >= 8


def roll_of(meeting, present, unexcused=0, excused=0):
    """Full members with these marks at the meeting."""
    marker = UserFactory(username="roll-marker")
    marks = [Mark.PRESENT] * present + [Mark.UNEXCUSED] * unexcused + [Mark.EXCUSED] * excused
    for how in marks:
        member = MemberFactory(branch=meeting.branch)
        Attendance.objects.create(meeting=meeting, member=member, mark=how, category=Category.FULL, marked_by=marker)


@pytest.mark.parametrize(
    ("present", "unexcused", "excused", "level"),
    [(17, 0, 3, F), (18, 0, 2, G), (19, 1, 0, F)],
    ids=["85.0 percent", "90 percent", "one unexcused"],
)
def test_the_score_service_levels_with_the_roll(tree, present, unexcused, excused, level):
    meeting = scored(tree.branch, datetime.date(2026, 12, 1), "", status=MeetingStatus.HELD)
    roll_of(meeting, present, unexcused, excused)
    minutes = Minutes.objects.get(meeting=meeting)
    services.minutes.score_save(
        minutes=minutes, scores=FULL_MARKS, rules=MeetingRules(), expected_version=minutes.version, by=None
    )
    minutes.refresh_from_db()
    assert (minutes.score_total, minutes.score_level) == (100, level)


def test_a_year_without_a_scored_month_is_not_rated():
    rating = AnnualRating(year=2025, months=[MonthLevel(month=datetime.date(2025, m, 1)) for m in range(1, 13)])
    assert not rating.rated
    html = render_to_string("oversight/_annual_rating.html", {"rating": rating})
    assert 'data-rating=""' in html and "chưa xếp loại" in html


# --- The annual rating: confirmed scores only, months not met, the commune's thresholds -----------


@pytest.mark.parametrize(
    ("months", "level"),
    [
        ([G] * 11 + [counting.NOT_MET], A),  # a month not met: not Tốt, nor Khá
        ([G] * 10 + [counting.NOT_MET] * 2, A),  # 2 months not met: not yet Kém
        ([G] * 9 + [counting.NOT_MET] * 3, P),  # 3 months not met: Kém, like 3 Kém months
        ([G] * 9 + [counting.NOT_MET, P, P], P),
    ],
)
def test_a_month_not_met_counts_as_poor(months, level):
    assert counting.annual_level(months) == level


def test_the_thresholds_are_the_rules(tree):
    months = [G] * 7 + [F] * 5
    assert counting.annual_level(months, MeetingRules()) == G
    assert counting.annual_level(months, MeetingRules(good_months_for_good_year=8)) == F
    assert counting.annual_level([F] * 6 + [A] * 6, MeetingRules(fair_months_for_fair_year=6)) == F
    assert counting.annual_level([G] * 10 + [P] * 2, MeetingRules(poor_months_for_poor_year=2)) == P


def test_a_communes_thresholds_rate_its_branches(tree):
    for month in range(1, 13):
        scored(tree.branch, datetime.date(2025, month, 1), G if month <= 7 else F)
    today = datetime.date(2026, 1, 10)
    assert oversight_selectors.ratings.annual_rating(tree.branch, 2025, today=today).level == G
    MeetingRules.objects.create(organization=tree.commune, good_months_for_good_year=8)
    assert oversight_selectors.ratings.annual_rating(tree.branch, 2025, today=today).level == F


def test_a_month_without_a_held_regular_meeting_is_not_met(tree):
    today = datetime.date(2026, 1, 10)
    for month in range(1, 13):
        if month in (3, 8):  # March: none at all; August: only a thematic one, and a cancelled regular one
            continue
        # Two meetings in one month count one month (the last scored one, as planned).
        scored(tree.branch, datetime.date(2025, month, 1), G)
    scored(tree.branch, datetime.date(2025, 8, 1), G, kind=MeetingKind.THEMATIC)
    scored(tree.branch, datetime.date(2025, 8, 1), G, status=MeetingStatus.CANCELLED)
    rating = oversight_selectors.ratings.annual_rating(tree.branch, 2025, today=today)
    assert [m.month.month for m in rating.months if m.not_met] == [3, 8]
    assert rating.not_met_months == 2 and rating.good_months == 10
    assert rating.level == A  # 2 months not met: below Khá, not Kém
    scored(tree.branch, datetime.date(2025, 3, 1), G)  # March held after all
    rating = oversight_selectors.ratings.annual_rating(tree.branch, 2025, today=today)
    assert rating.not_met_months == 1 and rating.level == A


def test_three_months_not_met_make_a_poor_year(tree):
    for month in range(2, 11):  # January, November and December 2025 without a meeting
        scored(tree.branch, datetime.date(2025, month, 1), G)
    rating = oversight_selectors.ratings.annual_rating(tree.branch, 2025, today=datetime.date(2026, 1, 10))
    assert [m.month.month for m in rating.months if m.not_met] == [1, 11, 12]
    assert rating.level == P


def test_the_current_month_is_not_yet_not_met(tree):
    for month in range(1, 11):
        scored(tree.branch, datetime.date(2026, month, 1), G)
    rating = oversight_selectors.ratings.annual_rating(tree.branch, 2026, today=datetime.date(2026, 11, 26))
    assert rating.not_met_months == 0 and len(rating.months) == 10 and rating.level == G
    rating = oversight_selectors.ratings.annual_rating(tree.branch, 2026, today=datetime.date(2026, 12, 1))
    assert rating.not_met_months == 1 and rating.level == A  # November is over without a meeting


def test_an_unconfirmed_score_does_not_count(tree):
    today = datetime.date(2026, 1, 10)
    for month in range(1, 13):
        scored(tree.branch, datetime.date(2025, month, 1), G, confirmed=month <= 7)
    rating = oversight_selectors.ratings.annual_rating(tree.branch, 2025, today=today)
    assert rating.awaiting_months == 5 and rating.good_months == 7
    assert rating.level == A  # five months are not Khá or better until confirmed
    august = rating.months[7]
    assert august.awaiting and august.level is None and august.proposed == G
    html = render_to_string("oversight/_annual_rating.html", {"rating": rating})
    assert 'data-awaiting="5"' in html
    confirmed_at = datetime.datetime(2026, 1, 2, tzinfo=TZ)
    Minutes.objects.filter(meeting__branch=tree.branch).update(score_confirmed_at=confirmed_at)
    rating = oversight_selectors.ratings.annual_rating(tree.branch, 2025, today=today)
    assert rating.awaiting_months == 0 and rating.level == G


def test_who_confirms_a_score(tree, cadre, staff, secretary):
    from meetings import access
    from meetings.models import CadreAssignment

    meeting = scored(tree.branch, datetime.date(2026, 11, 1), G, confirmed=False)
    url = reverse("meetings:score_confirm", args=[meeting.pk])
    version = Minutes.objects.get(meeting=meeting).version
    # No cadre assigned on the day: commune staff confirm; the branch's secretary never does.
    assert access.can_confirm_score(staff.user, meeting)
    assert secretary.post(url, {"version": version}).status_code == 404
    CadreAssignment.objects.create(
        cadre=MemberFactory(branch=tree.sibling),
        title="Phó Bí thư Đảng ủy",
        branch=tree.branch,
        started_on=datetime.date(2026, 1, 1),
    )
    assert not access.can_confirm_score(staff.user, meeting)
    assert staff.post(url, {"version": version}).status_code == 404
    assert access.can_confirm_score(cadre.user, meeting)
    assert cadre.post(url, {"version": version}).status_code == 302
    assert Minutes.objects.get(meeting=meeting).score_confirmed_by == cadre.user


def test_staff_confirm_where_no_cadre_is_assigned(tree, staff):
    meeting = scored(tree.branch, datetime.date(2026, 11, 1), G, confirmed=False)
    page = staff.get(reverse("meetings:score", args=[meeting.pk])).content.decode()
    assert reverse("meetings:score_confirm", args=[meeting.pk]) in page
    version = Minutes.objects.get(meeting=meeting).version
    assert staff.post(reverse("meetings:score_confirm", args=[meeting.pk]), {"version": version}).status_code == 302
    assert Minutes.objects.get(meeting=meeting).score_confirmed_by == staff.user


def test_the_rules_page_keeps_the_thresholds(tree, staff):
    url = reverse("meetings:rules", args=[tree.commune.pk])
    page = staff.get(url).content.decode()
    assert 'name="good_months_for_good_year" value="7"' in page
    form = MeetingRulesForm(instance=MeetingRules.objects.for_branch(tree.commune))
    data = {**{name: form.initial.get(name) for name in form.Meta.fields}, "term_started_on": ""}
    data.update(good_months_for_good_year=8, number_by_year="")
    rubric = {"rubric-TOTAL_FORMS": len(DEFAULT_RUBRIC), "rubric-INITIAL_FORMS": len(DEFAULT_RUBRIC)}
    for n, criterion in enumerate(DEFAULT_RUBRIC):
        rubric |= {f"rubric-{n}-label": criterion["label"], f"rubric-{n}-max": criterion["max"]}
    response = staff.post(url, {**{k: v for k, v in data.items() if v is not None}, **rubric})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert MeetingRules.objects.for_branch(tree.branch).good_months_for_good_year == 8
    data.update(good_months_for_good_year=13)
    assert staff.post(url, {**{k: v for k, v in data.items() if v is not None}, **rubric}).status_code == 200
