"""The cadre report counted in SQL (``cadre_counts``) agrees with the per-meeting report."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import MeetingKind, MeetingStatus
from members.models import Organization
from oversight import selectors as oversight_selectors
from oversight.views import cadres as cadre_views

from ..factories import MemberFactory
from ..meetings.conftest import at, make_meeting
from ..meetings.test_cadres import _year_of_meetings, assign, cadre_member, today  # noqa: F401 - fixtures

pytestmark = pytest.mark.system_scope


def _both(tree, **period):
    branches = Organization.objects.get_descendants(tree.commune)
    old = oversight_selectors.cadres.cadre_report(branches=branches, **period)
    counts = list(oversight_selectors.cadres.cadre_counts(branches=branches, **period))
    new = oversight_selectors.cadres.cadre_count_rows(
        counts, branches=branches, start=period["start"], end=period["end"]
    )
    return old, new


def _line(row):
    return (row.cadre.pk, row.expected, row.attended, row.rate, row.titles, [b.pk for b in row.branches])


@pytest.mark.parametrize(
    ("start", "end", "today_"),
    [
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), datetime.date(2026, 8, 20)),
        (datetime.date(2026, 4, 1), datetime.date(2026, 5, 31), datetime.date(2026, 8, 20)),
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), datetime.date(2027, 1, 10)),
        (datetime.date(2026, 2, 1), datetime.date(2026, 3, 10), datetime.date(2026, 3, 5)),
    ],
)
def test_counted_in_sql_equals_the_per_meeting_report(staff, tree, cadre_member, start, end, today_):  # noqa: F811
    song_khe = _year_of_meetings(tree.branch)
    phu_thinh = _year_of_meetings(tree.sibling, months=range(1, 7))
    song_khe[5].status = MeetingStatus.CANCELLED
    song_khe[5].save()
    phu_thinh[2].status = MeetingStatus.POSTPONED
    phu_thinh[2].save()
    assign(staff, cadre_member, tree.branch, started_on=datetime.date(2026, 3, 1))
    assign(staff, cadre_member, tree.sibling, started_on=datetime.date(2026, 1, 1), ended_on=datetime.date(2026, 4, 30))
    other = MemberFactory(branch=tree.branch, full_name="Lý Văn Khác")
    assign(staff, other, tree.sibling, started_on=datetime.date(2026, 5, 1))
    assign(staff, other, tree.branch, started_on=datetime.date(2026, 2, 1), ended_on=datetime.date(2026, 2, 28))
    idle = MemberFactory(branch=tree.branch, full_name="An Văn Rảnh")
    assign(staff, idle, tree.sibling, started_on=datetime.date(2026, 11, 1))
    came = {song_khe[2], song_khe[3], song_khe[6], phu_thinh[0], phu_thinh[3]}
    for meeting in came | {song_khe[4], phu_thinh[1]}:
        meeting.guests.filter(cadre=cadre_member).update(attended=meeting in came)
    phu_thinh[4].guests.filter(cadre=other).update(attended=True)

    old, new = _both(tree, start=start, end=end, today=today_)
    assert [_line(row) for row in new] == [_line(row) for row in old]
    assert any(row.expected for row in new)


def test_the_period_is_counted_in_local_days(staff, tree, cadre_member):  # noqa: F811
    """Meetings just inside and just outside the period's local midnights (UTC+7: half past
    midnight is the day before in UTC), and one held on another day than planned."""

    def meeting_at(day, hour, minute=0, **fields):
        start = at(day, hour, minute)
        return make_meeting(
            tree.branch,
            day=day,
            kind=MeetingKind.EXTRAORDINARY,  # several in a month
            planned_start=start,
            planned_end=start + datetime.timedelta(minutes=20),
            **fields,
        )

    april, may = datetime.date(2026, 4, 1), datetime.date(2026, 5, 31)
    before = meeting_at(april - datetime.timedelta(days=1), 23, 50)
    first = meeting_at(april, 0, 30)
    last = meeting_at(may, 23, 50)
    after = meeting_at(may + datetime.timedelta(days=1), 0, 30)
    moved = meeting_at(
        datetime.date(2026, 6, 2), 19, actual_start=at(may, 23, 40), actual_end=at(may, 23, 55)
    )  # planned in June, held on the period's last day
    assign(staff, cadre_member, tree.branch, started_on=datetime.date(2026, 3, 1))
    for meeting in (before, first, last, after, moved):
        meeting.guests.filter(cadre=cadre_member).update(attended=True)

    for today_, expected in ((datetime.date(2026, 8, 20), 3), (may, 3), (may - datetime.timedelta(days=1), 1)):
        old, new = _both(tree, start=april, end=may, today=today_)
        assert [_line(row) for row in new] == [_line(row) for row in old]
        assert [(row.expected, row.attended) for row in new] == [(expected, expected)]


def test_the_report_page_is_paged(staff, tree, cadre_member, django_assert_max_num_queries):  # noqa: F811
    _year_of_meetings(tree.branch, months=[1, 2])
    for i in range(2):
        assign(staff, MemberFactory(branch=tree.sibling, full_name=f"Cán Bộ {i}"), tree.branch)
    # A cadre whose own record is outside the staff's commune still has their line.
    assign(staff, MemberFactory(branch=tree.other_branch, full_name="Cán Bộ Tỉnh"), tree.branch)
    with django_assert_max_num_queries(11):  # the page's count comes with its rows
        page = staff.get(reverse("oversight:cadre_report"), {"start": "2026-01-01", "end": "2026-12-31"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 3
    assert [row.expected for row in page.context["rows"]] == [2, 2, 2]
    assert "Cán Bộ Tỉnh" in page.content.decode()


def test_the_pages_follow_the_paginators_rules(staff, tree, monkeypatch):
    """Three cadres two a page, by name: a page past the end or below 1 shows the last page, and
    a page that is not a number the first (as ``Paginator.get_page``)."""
    monkeypatch.setattr(cadre_views, "CADRES_PER_PAGE", 2)
    for name in ("Cán Bộ Ba", "Cán Bộ Một", "Cán Bộ Hai"):
        assign(staff, MemberFactory(branch=tree.sibling, full_name=name), tree.branch)
    first, last = (1, ["Cán Bộ Ba", "Cán Bộ Hai"]), (2, ["Cán Bộ Một"])
    expected = {"": first, "1": first, "x": first, "1.5": first}
    expected |= {"2": last, "3": last, "99": last, "0": last, "-1": last}
    period = {"start": "2026-01-01", "end": "2026-12-31"}
    for number, (shown, names) in expected.items():
        response = staff.get(reverse("oversight:cadre_report"), {**period, "page": number})
        page = response.context["page"]
        assert (page.paginator.count, page.paginator.num_pages, page.number) == (3, 2, shown), number
        assert [row.cadre.full_name for row in response.context["rows"]] == names, number
