"""The commune's removal list (xóa tên, issue 20; docs/domain.md#removal-from-the-register): its own
page and .xlsx, the months and meetings behind each member, the decisions recorded with who and when."""

import datetime
import io
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from meetings.models import Attendance, Category, Mark, Meeting, MeetingKind, MeetingStatus
from members.models import LeaveReason, Organization
from oversight.models import RemovalDecision, RemovalKind
from oversight.selectors.flags import Period
from oversight.selectors.removal import removal_list

from ..factories import MemberFactory, UserFactory

pytestmark = pytest.mark.system_scope

D = datetime.date
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2027, 2, 10, 9, tzinfo=TZ)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def marker(db):
    return UserFactory(username="removal-list-marker")


def held(branch, day, kind=MeetingKind.REGULAR, status=MeetingStatus.ADOPTED):
    start = datetime.datetime(day.year, day.month, day.day, 19, 30, tzinfo=TZ)
    return Meeting.objects.create(
        branch=branch,
        kind=kind,
        month=day.replace(day=1),
        status=status,
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=2),
        actual_start=start,
        actual_end=start + datetime.timedelta(hours=2),
    )


def absent_on(branch, member, days, by, **meeting):
    for day in days:
        kind = MeetingKind.THEMATIC if day.day == 20 else MeetingKind.REGULAR
        found = Meeting.objects.filter(branch=branch, actual_start__date=day).first()
        found = found or held(branch, day, kind, **meeting)
        Attendance.objects.create(
            meeting=found, member=member, mark=Mark.UNEXCUSED, category=Category.FULL, marked_by=by
        )


def listed(branches):
    return [(c.name, c.count) for c in removal_list(branches=branches, period=Period(D(2026, 3, 1), D(2027, 2, 1)))]


def test_months_not_meetings_across_31_december(tree, marker):
    branches = Organization.objects.filter(pk__in=[tree.branch.pk, tree.sibling.pk])
    ha = MemberFactory(branch=tree.branch, full_name="Bùi Thị Hà")
    absent_on(tree.branch, ha, [D(2026, 11, 5), D(2026, 12, 5), D(2027, 1, 5)], marker)  # across 31/12
    two = MemberFactory(branch=tree.branch, full_name="Đỗ Văn Hai")
    absent_on(tree.branch, two, [D(2026, 11, 5), D(2026, 12, 5), D(2026, 12, 20)], marker)  # two in December
    three = MemberFactory(branch=tree.sibling, full_name="Lê Văn Ba")
    absent_on(tree.sibling, three, [D(2026, 10, 5), D(2026, 11, 5), D(2026, 12, 5), D(2026, 12, 20)], marker)
    assert listed(branches) == [("Lê Văn Ba", 3), ("Bùi Thị Hà", 3)]  # by branch, then name; not Hai (2 months)
    cases = removal_list(branches=branches, period=Period(D(2026, 3, 1), D(2027, 2, 1)))
    [case] = [c for c in cases if c.name == "Bùi Thị Hà"]
    assert [a.day for a in case.absences] == [D(2026, 11, 5), D(2026, 12, 5), D(2027, 1, 5)]


def test_cancelled_meetings_exempt_and_departed_members_are_not_listed(tree, marker, frozen):
    branches = Organization.objects.filter(pk=tree.branch.pk)
    cancelled = MemberFactory(branch=tree.branch, full_name="Phạm Văn Hủy")
    absent_on(tree.branch, cancelled, [D(2026, 10, 5), D(2026, 11, 5)], marker)
    absent_on(tree.branch, cancelled, [D(2026, 12, 6)], marker, status=MeetingStatus.CANCELLED)
    exempt = MemberFactory(branch=tree.branch, full_name="Ngô Văn Miễn", exempt_since=D(2026, 12, 1))
    absent_on(tree.branch, exempt, [D(2026, 10, 5), D(2026, 11, 5), D(2026, 12, 5)], marker)
    gone = MemberFactory(branch=tree.branch, full_name="Trần Văn Đi")
    absent_on(tree.branch, gone, [D(2026, 10, 5), D(2026, 11, 5), D(2026, 12, 5)], marker)
    gone.left_on, gone.leave_reason = D(2027, 1, 20), LeaveReason.REMOVAL
    gone.save()
    assert listed(branches) == []


def grounds(tree, marker):
    ha = MemberFactory(branch=tree.branch, full_name="Bùi Thị Hà")
    absent_on(tree.branch, ha, [D(2026, 11, 5), D(2026, 12, 5), D(2027, 1, 5)], marker)
    return ha


def test_staff_record_decisions_with_who_and_when(tree, marker, staff, frozen):
    ha = grounds(tree, marker)
    url = reverse("oversight:removal_decide", args=[ha.pk])
    response = staff.post(url, {"kind": RemovalKind.REMINDED, "note": "Chi ủy đã gặp", "next": "?branch=1"})
    assert response.status_code == 302 and response.url.endswith(f"?branch=1#member-{ha.pk}")
    staff.post(url, {"kind": RemovalKind.PROPOSED})
    decisions = list(RemovalDecision.objects.filter(member=ha).order_by("at", "pk"))
    assert [(d.kind, d.by, d.at) for d in decisions] == [
        (RemovalKind.REMINDED, staff.user, NOW),
        (RemovalKind.PROPOSED, staff.user, NOW),
    ]
    assert staff.post(url, {"kind": "expelled"}).status_code == 302  # refused with a message
    assert RemovalDecision.objects.filter(member=ha).count() == 2
    page = staff.get(reverse("oversight:removal")).content.decode()
    assert f'id="member-{ha.pk}"' in page and 'data-decision="proposed"' in page
    assert "Đề nghị xóa tên" in page and "Chi ủy đã gặp" in page
    assert reverse("meetings:detail", args=[Meeting.objects.filter(branch=tree.branch).first().pk]) in page


def test_leaders_read_only_and_outsiders_get_404(tree, marker, leader, outsider, secretary, frozen):
    ha = grounds(tree, marker)
    page = leader.get(reverse("oversight:removal"))
    assert page.status_code == 200 and f'id="member-{ha.pk}"' in page.content.decode()
    assert reverse("oversight:removal_decide", args=[ha.pk]) not in page.content.decode()
    decide = reverse("oversight:removal_decide", args=[ha.pk])
    for client in (leader, outsider, secretary):
        assert client.post(decide, {"kind": RemovalKind.CONSIDERED}).status_code == 404
    assert not RemovalDecision.objects.exists()
    assert secretary.get(reverse("oversight:removal")).status_code == 404
    assert secretary.get(reverse("oversight:removal_export")).status_code == 404
    assert f'id="member-{ha.pk}"' not in outsider.get(reverse("oversight:removal")).content.decode()


def test_the_flags_page_links_the_list(tree, staff, frozen):
    assert reverse("oversight:removal") in staff.get(reverse("oversight:flags")).content.decode()


def test_the_xlsx_has_the_list_and_the_decisions(tree, marker, staff, frozen):
    ha = grounds(tree, marker)
    RemovalDecision.objects.create(member=ha, kind=RemovalKind.CONSIDERED, by=staff.user, at=NOW)
    RemovalDecision.objects.create(member=ha, kind=RemovalKind.REMINDED, note="=HYPERLINK()", by=staff.user, at=NOW)
    response = staff.get(reverse("oversight:removal_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="xoa-ten-tu-thang-03-2026-den-thang-02-2027.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    branch, name, count, months, meetings, decision, note, by, _at, earlier = rows[1]
    assert (branch, name, count) == ("Chi bộ thôn Song Khê", "Bùi Thị Hà", 3)
    assert months == "11/2026, 12/2026, 01/2027" and meetings == "05/11/2026, 05/12/2026, 05/01/2027"
    assert decision == "Đã nhắc nhở" and not str(note).startswith("=") and "Đã xem xét" in earlier


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_fixed_number_of_queries(tree, marker, staff, frozen):
    url = reverse("oversight:removal")
    export = reverse("oversight:removal_export")

    def grow(count):
        for n in range(count):
            member = MemberFactory(branch=tree.branch if n % 2 else tree.sibling)
            absent_on(member.branch, member, [D(2026, 11, 5), D(2026, 12, 5), D(2027, 1, 5)], marker)
            RemovalDecision.objects.create(member=member, kind=RemovalKind.REMINDED, by=UserFactory(), at=NOW)

    grow(2)
    small = (_queries(staff, url), _queries(staff, export))
    grow(10)
    big = (_queries(staff, url), _queries(staff, export))
    assert small == big, (small, big)
    # Session, user, roles; the absences, the members, the decisions (with who recorded them); the
    # page also the branch picker's and the menu's counts; and the access log's one INSERT.
    assert big == (9, 7)
