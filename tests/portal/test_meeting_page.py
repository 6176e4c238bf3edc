"""The meeting page (portal/views/meetings.py): what meetings shows, for everyone in scope, in the
same number of queries whatever the meeting's size. The petitions panel on it:
tests/petitions/test_meeting_panel.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import Attachment, Attendance, Category, Guest, Mark, MeetingStatus

from ..factories import MemberFactory
from ..meetings.conftest import make_meeting

pytestmark = pytest.mark.system_scope


@pytest.mark.parametrize("persona", ["secretary", "staff", "leader", "plain_member", "cadre"])
def test_everyone_in_scope_reads_the_meeting_page(request, meeting, persona):
    client = request.getfixturevalue(persona)
    response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200
    can_manage = persona in ("secretary", "staff")
    assert response.context["can_manage"] is can_manage
    assert response.context["is_cadre"] is (persona == "cadre")
    assert (reverse("meetings:move", args=[meeting.pk]) in response.content.decode()) is can_manage


def test_the_meeting_page_header(secretary, meeting):
    response = secretary.get(reverse("meetings:detail", args=[meeting.pk]))
    html = response.content.decode()
    assert "Chi bộ thôn Song Khê" in html
    assert "05/12/2026 19:30–21:30" in html
    assert "Nhà văn hóa thôn Song Khê" in html
    assert meeting.get_status_display() in html
    for key in ("meeting", "agenda_items", "roll", "guests", "minutes", "resolution", "can_manage", "is_cadre"):
        assert key in response.context, key
    for partial in ("meetings/_roll_summary.html", "meetings/_guests.html", "meetings/_records.html"):
        assert partial in [t.name for t in response.templates]


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def _fill(meeting, members: int, items: int, user):
    branch_members = MemberFactory.create_batch(members, branch=meeting.branch)
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=m, mark=Mark.PRESENT, category=Category.FULL, marked_by=user)
        for m in branch_members[: members - 2]
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=m, mark=Mark.EXCUSED, reason="Ốm", category=Category.FULL, marked_by=user)
        for m in branch_members[members - 2 :]
    )
    for n in range(items):
        item = services.agenda.agenda_item_add(meeting=meeting, title=f"Mục {n}")
        Attachment.objects.create(
            agenda_item=item,
            file=f"meetings/{n}.pdf",
            name=f"{n}.pdf",
            content_type="application/pdf",
            size=1,
            uploaded_by=user,
        )
    for n in range(items // 3):
        Guest.objects.create(meeting=meeting, name=f"Khách {n}")


def test_the_meeting_page_runs_the_same_queries_for_10_or_300_members(staff, tree):
    small = make_meeting(tree.branch, status=MeetingStatus.HELD)
    large = make_meeting(tree.sibling, status=MeetingStatus.HELD)
    _fill(small, members=10, items=3, user=staff.user)
    _fill(large, members=300, items=15, user=staff.user)
    small_count = _queries(staff, reverse("meetings:detail", args=[small.pk]))
    large_count = _queries(staff, reverse("meetings:detail", args=[large.pk]))
    assert small_count == large_count
    assert small_count <= 30
