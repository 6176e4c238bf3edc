"""The cadre report counted in SQL (``cadre_counts``) agrees with the per-meeting report."""

import datetime

import pytest
from django.urls import reverse

from meetings import selectors
from meetings.models import MeetingStatus
from members.models import Organization

from ..factories import MemberFactory
from .test_cadres import _year_of_meetings, assign, cadre_member, today  # noqa: F401 - fixtures


def _both(tree, **period):
    branches = Organization.objects.get_descendants(tree.commune)
    old = selectors.cadres.cadre_report(branches=branches, **period)
    counts = list(selectors.cadres.cadre_counts(branches=branches, **period))
    new = selectors.cadres.cadre_count_rows(counts, branches=branches, start=period["start"], end=period["end"])
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


def test_the_report_page_is_paged(staff, tree, cadre_member, django_assert_max_num_queries):  # noqa: F811
    _year_of_meetings(tree.branch, months=[1, 2])
    for i in range(2):
        assign(staff, MemberFactory(branch=tree.sibling, full_name=f"Cán Bộ {i}"), tree.branch)
    # A cadre whose own record is outside the staff's commune still has their line.
    assign(staff, MemberFactory(branch=tree.other_branch, full_name="Cán Bộ Tỉnh"), tree.branch)
    with django_assert_max_num_queries(12):
        page = staff.get(reverse("meetings:cadre_report"), {"start": "2026-01-01", "end": "2026-12-31"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 3
    assert [row.expected for row in page.context["rows"]] == [2, 2, 2]
    assert "Cán Bộ Tỉnh" in page.content.decode()
