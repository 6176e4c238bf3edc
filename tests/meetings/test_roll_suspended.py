"""Suspension from party activity (đình chỉ sinh hoạt đảng, issue 20): the suspended member is on
the roll with the status, is not expected, cannot be marked absent and is not in the voting base
(Quy định 24-QĐ/TW §9.3.2), for the period of the decision and not a day longer."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from meetings import services
from meetings.counting import SUSPENDED, count_entries, standing_on
from meetings.models import Attendance, Mark
from meetings.selectors.roll import _entries
from members.services.register import member_suspend

from ..factories import MemberFactory

pytestmark = pytest.mark.system_scope

D = datetime.date
# The meeting fixture is held on 5/12/2026.
DAY = D(2026, 12, 5)


@pytest.fixture
def suspended(tree):
    member = MemberFactory(branch=tree.branch, full_name="Phạm Văn Đình")
    return member_suspend(
        member=member, suspended_from=D(2026, 11, 1), suspended_until=DAY, decision="15-QĐ/ĐU", by=None
    )


@pytest.mark.parametrize("mark", [Mark.EXCUSED, Mark.UNEXCUSED])
def test_a_suspended_member_cannot_be_marked_absent(secretary, meeting, suspended, mark):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.roll.record_mark(meeting=meeting, member=suspended, mark=mark, by=secretary.user)
    assert refused.value.code == "not_expected"
    assert "đình chỉ sinh hoạt đảng" in refused.value.message
    assert not Attendance.objects.exists()


def test_left_out_of_the_expected_count_and_the_voting_base(secretary, meeting, suspended, tree):
    others = [MemberFactory(branch=tree.branch) for _ in range(2)]
    for member in others:
        services.roll.record_mark(meeting=meeting, member=member, mark=Mark.PRESENT, by=secretary.user)
    counts = count_entries(_entries(meeting))
    assert (counts.expected, counts.voting_base, counts.not_expected) == (2, 2, 1)


def test_one_who_comes_is_present_but_does_not_vote(secretary, meeting, suspended):
    services.roll.record_mark(meeting=meeting, member=suspended, mark=Mark.PRESENT, by=secretary.user)
    counts = count_entries(_entries(meeting))
    assert (counts.present, counts.voters, counts.voting_base) == (1, 0, 0)


def test_the_period_boundaries(suspended):
    assert standing_on(suspended, DAY, None).excluded == SUSPENDED  # the last day included
    assert standing_on(suspended, D(2026, 11, 1), None).excluded == SUSPENDED  # the first day too
    assert standing_on(suspended, DAY + datetime.timedelta(days=1), None).excluded == ""
    assert standing_on(suspended, D(2026, 10, 31), None).excluded == ""


def test_the_roll_shows_the_status_and_offers_only_attending(secretary, meeting, suspended):
    html = secretary.get(reverse("meetings:roll", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    row = html.split(f'id="roll-{suspended.pk}"', 1)[1].split("</li>", 1)[0]
    assert "đình chỉ sinh hoạt đảng" in row
    assert 'name="present"' in row
    assert 'name="unexcused"' not in row


def test_a_suspension_needs_its_start_and_decision(tree):
    member = MemberFactory(branch=tree.branch)
    with pytest.raises(ValidationError) as refused:
        member_suspend(member=member, suspended_from=DAY, suspended_until=None, decision=" ", by=None)
    assert "suspension_decision" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        member_suspend(member=member, suspended_from=DAY, suspended_until=D(2026, 12, 1), decision="1", by=None)
    assert "suspended_until" in refused.value.message_dict
