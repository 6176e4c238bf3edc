"""Temporarily transferred out (chuyển sinh hoạt tạm thời): not expected at home, attached at the
receiving branch (attends, does not vote); not the same as leaving."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import counting, selectors, services
from meetings.models import Attendance, Category, Mark, Meeting, MeetingKind
from members.access import scope_for
from members.models import Member, RoleKind
from members.services.register import member_transfer_end, member_transfer_temporarily
from oversight import compliance

from .factories import MemberFactory, UserFactory, give_role

pytestmark = pytest.mark.system_scope

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def meeting_on(branch, day):
    return Meeting.objects.create(
        branch=branch,
        kind=MeetingKind.REGULAR,
        month=day.replace(day=1),
        planned_start=datetime.datetime(day.year, day.month, day.day, 19, 30, tzinfo=TZ),
        planned_end=datetime.datetime(day.year, day.month, day.day, 21, 30, tzinfo=TZ),
    )


@pytest.fixture
def away(tree):
    """A Song Khê member working at Phú Thịnh from 1/11/2026 to 31/1/2027."""
    member = MemberFactory(branch=tree.branch, full_name="Trần Văn Đi")
    return member_transfer_temporarily(
        member=member,
        away_from=datetime.date(2026, 11, 1),
        away_until=datetime.date(2027, 1, 31),
        away_branch=tree.sibling,
        by=UserFactory(),
    )


def test_not_expected_at_home_during_the_period(tree, away):
    others = MemberFactory.create_batch(3, branch=tree.branch)
    during = meeting_on(tree.branch, datetime.date(2026, 12, 5))
    before = meeting_on(tree.branch, datetime.date(2026, 10, 5))
    after = meeting_on(tree.branch, datetime.date(2027, 2, 5))
    assert away not in selectors.roll.expected_members(during)
    entry = next(e for e in selectors.roll.roll_sheet(during).entries if e.member.pk == away.pk)
    assert entry.excluded == counting.AWAY  # listed apart, like the exempt
    assert set(selectors.roll.expected_members(before)) == {away, *others}
    assert set(selectors.roll.expected_members(after)) == {away, *others}
    assert away.away_on(datetime.date(2027, 1, 31)) and not away.away_on(datetime.date(2027, 2, 1))


def test_expected_at_the_receiving_branch_as_attached_who_does_not_vote(tree, away):
    hosts = MemberFactory.create_batch(2, branch=tree.sibling)
    meeting = meeting_on(tree.sibling, datetime.date(2026, 12, 10))
    sheet = selectors.roll.roll_sheet(meeting)
    entry = next(e for e in sheet.entries if e.member.pk == away.pk)
    assert entry.category == Category.ATTACHED and entry.expected
    marker = UserFactory(username="staff-sibling")
    give_role(marker, RoleKind.COMMUNE_STAFF, tree.commune)
    attendance = services.roll.record_mark(meeting=meeting, member=away, mark=Mark.PRESENT, by=marker)
    assert attendance.category == Category.ATTACHED
    for host in hosts:
        services.roll.record_mark(meeting=meeting, member=host, mark=Mark.PRESENT, by=marker)
    counts = selectors.roll.count_roll(meeting)
    assert (counts.expected, counts.present, counts.voters, counts.voting_base) == (3, 3, 2, 2)
    # Outside the period they are not on that roll at all.
    later = meeting_on(tree.sibling, datetime.date(2027, 2, 10))
    assert away.pk not in [e.member.pk for e in selectors.roll.roll_sheet(later).entries]


def test_receiving_branchs_secretary_sees_the_attached_member(tree, away):
    user = UserFactory(username="bithu-phuthinh")
    give_role(user, RoleKind.SECRETARY, tree.sibling)
    meeting = meeting_on(tree.sibling, datetime.date(2026, 12, 10))
    with scope_for(user):
        assert away.pk in [m.pk for m in counting.roll_candidates(meeting)]
        assert Member.objects.filter(pk=away.pk).exists()


def test_flags_count_the_attached_member_at_the_receiving_branch(tree, away):
    meeting = meeting_on(tree.sibling, datetime.date(2026, 12, 10))
    people = compliance.branch_people([tree.sibling.pk])[tree.sibling.pk]
    figures = compliance.roll_figures(meeting, {}, people)
    assert figures.expected == 1 and figures.expected_by_category[Category.ATTACHED] == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"away_from": datetime.date(2027, 1, 1), "away_until": datetime.date(2026, 12, 1)}, "away_until"),
        ({"away_from": datetime.date(2026, 12, 1), "away_until": None, "to_own": True}, "away_branch"),
        ({"away_from": datetime.date(1899, 12, 31), "away_until": None}, "away_from"),
    ],
    ids=["ends before start", "to own branch", "year 1899"],
)
def test_the_service_refuses_an_implausible_transfer(tree, fields, field):
    member = MemberFactory(branch=tree.branch)
    to = tree.branch if fields.pop("to_own", False) else tree.sibling
    with pytest.raises(ValidationError) as error:
        member_transfer_temporarily(member=member, away_branch=to, by=None, **fields)
    assert field in error.value.message_dict


def test_ending_the_transfer_brings_the_member_back(tree, away):
    member_transfer_end(member=away, on=datetime.date(2026, 12, 1), by=None)
    away.refresh_from_db()
    assert away.away_until == datetime.date(2026, 11, 30)
    assert away in selectors.roll.expected_members(meeting_on(tree.branch, datetime.date(2026, 12, 5)))


def test_member_form_records_a_temporary_transfer(tree, staff):
    member = MemberFactory(branch=tree.branch, full_name="Ngô Văn Tạm")
    page = staff.get(f"/members/{member.pk}/edit/")
    assert page.status_code == 200
    data = {
        name: value
        for name, value in page.context["form"].initial.items()
        if value is not None and name not in ("user",)
    }
    data.update(
        {
            "branch": tree.branch.pk,
            "away_from": "2026-12-01",
            "away_until": "2027-03-31",
            "away_branch": tree.sibling.pk,
        }
    )
    for key in ("date_of_birth", "admitted_on", "full_member_on", "joined_branch_on"):
        if data.get(key):
            data[key] = data[key].isoformat()
    response = staff.post(f"/members/{member.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert (member.away_from, member.away_until, member.away_branch) == (
        datetime.date(2026, 12, 1),
        datetime.date(2027, 3, 31),
        tree.sibling,
    )
    assert Attendance.objects.count() == 0


def test_the_receiving_branchs_roll_page_lists_the_attached_member(tree, away, staff):
    meeting = meeting_on(tree.sibling, datetime.date(2026, 12, 10))
    page = staff.get(reverse("meetings:roll", args=[meeting.pk]))
    assert page.status_code == 200
    assert away.full_name in page.content.decode()
    home = meeting_on(tree.branch, datetime.date(2026, 12, 5))
    sheet = staff.get(reverse("meetings:roll", args=[home.pk])).context["sheet"]
    assert away.pk in [e.member.pk for e in sheet.others] and away.pk not in [e.member.pk for e in sheet.expected]
