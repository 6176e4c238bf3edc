"""Only expected members get absence marks (docs/domain.md#attendance, issue 20): the exempt, the
temporarily transferred away and the transferred out can only be marked as attending."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from meetings import services
from meetings.counting import count_entries
from meetings.models import Attendance, Mark
from meetings.selectors.roll import _entries
from members.models import LeaveReason

from ..factories import MemberFactory

pytestmark = pytest.mark.system_scope

D = datetime.date
# The meeting fixture is held on 5/12/2026.
DAY = D(2026, 12, 5)


def mark_url(meeting, member):
    return reverse("meetings:roll_mark", args=[meeting.pk, member.pk])


@pytest.fixture
def people(tree):
    return {
        "exempt": MemberFactory(branch=tree.branch, full_name="Lê Văn Miễn", exempt_since=DAY),
        "away": MemberFactory(
            branch=tree.branch,
            full_name="Trần Thị Đi",
            away_from=D(2026, 11, 1),
            away_until=DAY,
            away_branch=tree.sibling,
        ),
        "transferred": MemberFactory(
            branch=tree.branch, full_name="Ngô Văn Chuyển", left_on=DAY, leave_reason=LeaveReason.TRANSFER
        ),
    }


@pytest.mark.parametrize("who", ["exempt", "away", "transferred"])
@pytest.mark.parametrize("mark", [Mark.EXCUSED, Mark.UNEXCUSED])
def test_a_member_not_expected_cannot_be_marked_absent(secretary, meeting, people, who, mark):
    with pytest.raises(ValidationError) as refused:
        services.roll.record_mark(meeting=meeting, member=people[who], mark=mark, by=secretary.user)
    assert refused.value.code == "not_expected"
    assert people[who].full_name in refused.value.message
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("who", ["exempt", "away", "transferred"])
@pytest.mark.parametrize("mark", [Mark.PRESENT, Mark.LATE, Mark.LEFT_EARLY])
def test_a_member_not_expected_who_attends_is_recorded_and_counts(secretary, meeting, people, who, mark):
    services.roll.record_mark(meeting=meeting, member=people[who], mark=mark, by=secretary.user)
    counts = count_entries(_entries(meeting))
    assert (counts.expected, counts.present, counts.attended_not_required) == (1, 1, 1)


def test_the_boundary_days_exempt_from_the_day_after_and_back_the_day_after(secretary, meeting, tree):
    # Exempt from the day after the meeting, back from a temporary transfer the day before: expected.
    later = MemberFactory(branch=tree.branch, exempt_since=DAY + datetime.timedelta(days=1))
    back = MemberFactory(
        branch=tree.branch,
        away_from=D(2026, 11, 1),
        away_until=DAY - datetime.timedelta(days=1),
        away_branch=tree.sibling,
    )
    for member in (later, back):
        services.roll.record_mark(meeting=meeting, member=member, mark=Mark.UNEXCUSED, by=secretary.user)
    assert Attendance.objects.filter(mark=Mark.UNEXCUSED).count() == 2


def test_the_attached_member_at_the_receiving_branch_can_be_absent(secretary, meeting, tree, staff):
    # The other side of a temporary transfer: expected where they are attached.
    visitor = MemberFactory(branch=tree.sibling, away_from=D(2026, 11, 1), away_branch=tree.branch)
    services.roll.record_mark(meeting=meeting, member=visitor, mark=Mark.UNEXCUSED, by=staff.user)
    assert Attendance.objects.get(member=visitor).mark == Mark.UNEXCUSED


def test_the_tap_says_why_in_vietnamese(secretary, meeting, people):
    with translation.override("vi"):
        response = secretary.post(
            mark_url(meeting, people["exempt"]),
            {"mark": "unexcused"},
            HTTP_HX_REQUEST="true",
            HTTP_ACCEPT_LANGUAGE="vi",
        )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "miễn sinh hoạt" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_message_is_vietnamese(secretary, meeting, people):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.roll.record_mark(meeting=meeting, member=people["away"], mark=Mark.UNEXCUSED, by=secretary.user)
    assert "không thể điểm danh vắng" in refused.value.message


def test_without_javascript_the_refusal_comes_back_as_a_message(secretary, meeting, people):
    response = secretary.post(mark_url(meeting, people["away"]), {"mark": "excused"}, follow=True)
    assert response.status_code == 200
    with translation.override("vi"):
        assert "không thể điểm danh vắng" in response.content.decode()


def test_the_roll_labels_them_and_offers_only_attending(secretary, meeting, people):
    html = secretary.get(reverse("meetings:roll", args=[meeting.pk])).content.decode()
    for who, label in (
        ("exempt", "exempt"),
        ("away", "temporarily transferred away"),
        ("transferred", "transferred out"),
    ):
        row = html.split(f'id="roll-{people[who].pk}"', 1)[1].split("</li>", 1)[0]
        with translation.override("vi"):
            assert label in row or translation.gettext(label) in row
        assert 'name="present"' in row
        assert 'name="excused"' not in row and 'name="unexcused"' not in row


def test_one_tap_for_everyone_leaves_them_unmarked(secretary, meeting, people, tree):
    member = MemberFactory(branch=tree.branch)
    services.roll.mark_remaining_present(meeting=meeting, by=secretary.user)
    assert list(Attendance.objects.values_list("member_id", flat=True)) == [member.pk]
