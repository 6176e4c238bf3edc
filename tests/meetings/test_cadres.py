"""Higher-level cadres: assignments, their guest rows at meetings, their own record, the report."""

import datetime

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import CadreAssignment, Guest, MeetingStatus
from members.models import Organization, Role, RoleKind
from oversight import selectors as oversight_selectors

from ..factories import MemberFactory, UserFactory
from .conftest import TZ, make_meeting

pytestmark = pytest.mark.system_scope

TITLE = "Phó Bí thư Đảng ủy, Chủ tịch UBND xã"


@pytest.fixture(autouse=True)
def today(time_machine):
    """Assignments end on today's date or earlier, and later meetings are not missed yet."""
    time_machine.move_to(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=TZ), tick=False)


@pytest.fixture
def cadre_member(tree, cadre):
    """The cadre persona's own member record, in another branch of the commune."""
    return MemberFactory(branch=tree.sibling, full_name="Trần Văn Cán", user=cadre.user)


def assign(staff, cadre_member, branch, started_on=datetime.date(2026, 1, 1), ended_on=None):
    return services.cadres.assignment_create(
        cadre=cadre_member, title=TITLE, branch=branch, started_on=started_on, ended_on=ended_on, by=staff.user
    )


def guests_url(meeting):
    return reverse("meetings:guests", args=[meeting.pk])


def record_url(guest):
    return reverse("meetings:guest_record", args=[guest.meeting_id, guest.pk])


# --- Assignments ---------------------------------------------------------------------------


def test_staff_assign_a_cadre_who_gets_the_role_and_is_expected(staff, tree, meeting):
    user = UserFactory(username="can-bo-moi")
    cadre = MemberFactory(branch=tree.sibling, full_name="Nguyễn Thị Theo Dõi", user=user)
    response = staff.post(
        reverse("meetings:cadre_assignment_create"),
        {"cadre": cadre.pk, "title": TITLE, "branch": tree.branch.pk, "started_on": "2026-01-01"},
    )
    assert response.status_code == 302
    assignment = CadreAssignment.objects.get()
    assert (assignment.cadre, assignment.branch, assignment.ended_on) == (cadre, tree.branch, None)
    assert assignment.history.get().history_user == staff.user
    assert Role.objects.filter(user=user, kind=RoleKind.CADRE, organization=tree.branch).count() == 1
    guest = meeting.guests.get()
    assert (guest.cadre, guest.name, guest.title, guest.expected, guest.attended) == (
        cadre,
        "Nguyễn Thị Theo Dõi",
        TITLE,
        True,
        None,
    )


def test_assignment_form_explains_errors(staff, tree, cadre_member):
    response = staff.post(
        reverse("meetings:cadre_assignment_create"),
        {
            "cadre": cadre_member.pk,
            "title": "  ",
            "branch": tree.other_branch.pk,
            "started_on": "2026-05-01",
            "ended_on": "2026-04-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "branch", "ended_on"}
    assert not CadreAssignment.objects.exists()


def test_only_commune_staff_assign_cadres(secretary, leader, cadre, plain_member, outsider, staff, tree, cadre_member):
    create = reverse("meetings:cadre_assignment_create")
    for client in (secretary, leader, cadre, plain_member):
        assert client.get(create).status_code == 404
    # Staff of another commune assign only within their own commune.
    assert list(outsider.get(create).context["form"].fields["branch"].queryset) == [tree.other_branch]
    assignment = assign(staff, cadre_member, tree.branch)
    end = reverse("meetings:cadre_assignment_end", args=[assignment.pk])
    for client in (secretary, leader, outsider):
        assert client.post(end, {"ended_on": "2026-06-01"}).status_code == 404
    assert leader.get(reverse("meetings:cadre_assignments")).status_code == 200
    assert outsider.get(reverse("meetings:cadre_assignments")).context["assignments"].count() == 0
    with pytest.raises(services.roll.RollRefused):
        services.cadres.assignment_create(
            cadre=cadre_member, title=TITLE, branch=tree.branch, started_on=datetime.date(2026, 1, 1), by=secretary.user
        )


@pytest.mark.parametrize(
    ("started_on", "ended_on", "expected"),
    [
        (datetime.date(2026, 1, 1), None, True),
        (datetime.date(2026, 12, 5), None, True),  # from the meeting day
        (datetime.date(2026, 12, 6), None, False),  # starts after it
        (datetime.date(2025, 1, 1), datetime.date(2026, 12, 5), True),  # ends on the day
        (datetime.date(2025, 1, 1), datetime.date(2026, 12, 4), False),  # ended the day before
    ],
)
def test_expected_cadres_are_those_whose_assignment_covers_the_day(
    tree, meeting, cadre_member, started_on, ended_on, expected
):
    CadreAssignment.objects.create(
        cadre=cadre_member, title=TITLE, branch=tree.branch, started_on=started_on, ended_on=ended_on
    )
    services.cadres.add_expected_cadres(meeting)
    services.cadres.add_expected_cadres(meeting)  # safe to repeat
    assert meeting.guests.filter(cadre=cadre_member, expected=True).count() == int(expected)


def test_ending_an_assignment_removes_the_role_unless_another_covers_the_branch(staff, tree, cadre, cadre_member):
    role = Role.objects.get(user=cadre.user, kind=RoleKind.CADRE)  # the persona's role at Song Khê
    first = assign(staff, cadre_member, tree.branch, started_on=datetime.date(2025, 1, 1))
    second = assign(staff, cadre_member, tree.branch, started_on=datetime.date(2026, 1, 1))
    services.cadres.assignment_end(assignment=first, ended_on=datetime.date(2025, 12, 31), by=staff.user)
    assert Role.objects.filter(pk=role.pk).exists()
    services.cadres.assignment_end(assignment=second, ended_on=datetime.date(2026, 6, 30), by=staff.user)
    assert not Role.objects.filter(user=cadre.user, kind=RoleKind.CADRE, organization=tree.branch).exists()


def test_ending_an_assignment_drops_later_untouched_guest_rows(staff, tree, cadre_member):
    june = make_meeting(tree.branch, day=datetime.date(2026, 6, 5))
    july = make_meeting(tree.branch, day=datetime.date(2026, 7, 5))
    august = make_meeting(tree.branch, day=datetime.date(2026, 8, 5))
    assignment = assign(staff, cadre_member, tree.branch)
    assert Guest.objects.filter(expected=True).count() == 3
    august.guests.update(remarks="Đã báo trước sẽ đến")
    response = staff.post(reverse("meetings:cadre_assignment_end", args=[assignment.pk]), {"ended_on": "2026-06-30"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on == datetime.date(2026, 6, 30)
    assert june.guests.count() == 1 and july.guests.count() == 0 and august.guests.count() == 1


def test_an_assignment_cannot_end_in_the_future_or_before_it_starts(staff, tree, cadre_member):
    assignment = assign(staff, cadre_member, tree.branch, started_on=datetime.date(2026, 1, 1))
    url = reverse("meetings:cadre_assignment_end", args=[assignment.pk])
    for day in ("2025-12-31", "2999-01-01"):
        response = staff.post(url, {"ended_on": day})
        assert response.status_code == 200
        assert "ended_on" in response.context["form"].errors
    assignment.refresh_from_db()
    assert assignment.ended_on is None


# --- The cadre at the meeting ---------------------------------------------------------------


def test_assigned_cadre_sees_their_row_and_records_own_attendance_and_remarks(
    staff, cadre, tree, meeting, cadre_member
):
    assign(staff, cadre_member, tree.branch)
    guest = meeting.guests.get(cadre=cadre_member)

    page = cadre.get(guests_url(meeting))
    assert page.status_code == 200
    assert "Trần Văn Cán" in page.content.decode()
    assert page.context["recordable"] == {guest.pk}
    assert record_url(guest) in page.content.decode()

    response = cadre.post(
        record_url(guest),
        {"attended": "yes", "remarks": "Chi bộ cần đẩy nhanh làm đường.", "promises": "Báo cáo UBND xã về kinh phí."},
    )
    assert response.status_code == 302
    guest.refresh_from_db()
    assert (guest.attended, guest.remarks, guest.promises) == (
        True,
        "Chi bộ cần đẩy nhanh làm đường.",
        "Báo cáo UBND xã về kinh phí.",
    )
    assert guest.history.order_by("history_id").last().history_user == cadre.user


def test_cadre_records_only_their_own_row_and_not_after_adoption(staff, secretary, cadre, tree, meeting, cadre_member):
    assign(staff, cadre_member, tree.branch)
    own = meeting.guests.get(cadre=cadre_member)
    other = services.cadres.guest_add(
        meeting=meeting, name="Bà Hội Phụ nữ", title="Chủ tịch Hội LHPN xã", by=secretary.user
    )
    assert cadre.post(record_url(other), {"attended": "yes"}).status_code == 404
    assert cadre.post(guests_url(meeting), {"name": "Người lạ"}).status_code == 404
    meeting.status = MeetingStatus.ADOPTED
    meeting.save()
    assert cadre.post(record_url(own), {"attended": "no"}).status_code == 404
    own.refresh_from_db()
    assert own.attended is None
    assert staff.post(record_url(own), {"attended": "no"}).status_code == 302  # commune staff correct
    own.refresh_from_db()
    assert own.attended is False


def test_a_cadre_of_another_branch_cannot_record(staff, cadre, tree, cadre_member):
    sibling_meeting = make_meeting(tree.sibling)
    assign(staff, cadre_member, tree.sibling)
    guest = sibling_meeting.guests.get()
    # The persona's cadre role is at Song Khê; the assignment gave one at Phú Thịnh too: remove it.
    Role.objects.filter(user=cadre.user, organization=tree.sibling).delete()
    assert cadre.get(record_url(guest)).status_code == 404


def test_secretary_adds_records_and_removes_other_guests(secretary, staff, tree, meeting, cadre_member):
    assign(staff, cadre_member, tree.branch)
    response = secretary.post(guests_url(meeting), {"name": "  Ông  Hội Cựu chiến binh ", "title": "Chủ tịch Hội CCB"})
    assert response.status_code == 302
    guest = meeting.guests.get(expected=False)
    assert guest.name == "Ông Hội Cựu chiến binh"
    assert secretary.post(record_url(guest), {"attended": "yes", "remarks": "Ủng hộ"}).status_code == 302
    cadre_row = meeting.guests.get(expected=True)
    assert secretary.post(record_url(cadre_row), {"attended": "no"}).status_code == 302
    remove = reverse("meetings:guest_remove", args=[meeting.pk, cadre_row.pk])
    assert secretary.post(remove).status_code == 404  # an assigned cadre stays on record
    remove = reverse("meetings:guest_remove", args=[meeting.pk, guest.pk])
    assert secretary.post(remove).status_code == 302
    assert list(meeting.guests.values_list("name", flat=True)) == ["Trần Văn Cán"]


def test_guest_name_is_required(secretary, meeting):
    response = secretary.post(guests_url(meeting), {"name": "   "})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_readers_see_guests_but_cannot_record(leader, plain_member, secretary, meeting):
    guest = services.cadres.guest_add(meeting=meeting, name="Ông Khách", by=secretary.user)
    for client in (leader, plain_member):
        page = client.get(guests_url(meeting))
        assert page.status_code == 200 and "Ông Khách" in page.content.decode()
        assert page.context["recordable"] == set()
        assert client.get(record_url(guest)).status_code == 404


# --- Per-cadre report ----------------------------------------------------------------------


def _year_of_meetings(branch, months=range(1, 13)):
    return [make_meeting(branch, day=datetime.date(2026, month, 5)) for month in months]


def test_cadre_report_expected_against_attended(staff, tree, cadre_member):
    song_khe = _year_of_meetings(tree.branch)
    phu_thinh = _year_of_meetings(tree.sibling, months=range(1, 7))
    song_khe[5].status = MeetingStatus.CANCELLED  # June at Song Khê did not happen
    song_khe[5].save()
    # Follows Song Khê from March, and Phú Thịnh from January to April.
    assign(staff, cadre_member, tree.branch, started_on=datetime.date(2026, 3, 1))
    assign(staff, cadre_member, tree.sibling, started_on=datetime.date(2026, 1, 1), ended_on=datetime.date(2026, 4, 30))
    other = MemberFactory(branch=tree.branch, full_name="Lý Văn Khác")
    assign(staff, other, tree.sibling, started_on=datetime.date(2026, 5, 1))

    came = {song_khe[2], song_khe[3], song_khe[6], phu_thinh[0], phu_thinh[3]}  # Mar, Apr, Jul; Jan, Apr
    stayed_away = {song_khe[4], phu_thinh[1]}  # May; Feb (Mar at Phú Thịnh never recorded)
    for meeting in came | stayed_away:
        meeting.guests.filter(cadre=cadre_member).update(attended=meeting in came)
    phu_thinh[4].guests.filter(cadre=other).update(attended=True)

    rows = oversight_selectors.cadres.cadre_report(
        branches=Organization.objects.get_descendants(tree.commune),
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        today=datetime.date(2026, 8, 20),
    )
    by_name = {row.cadre.full_name: row for row in rows}
    mine = by_name["Trần Văn Cán"]
    # Song Khê: Mar, Apr, May, Jul, Aug (June cancelled; Sep–Dec still to come); Phú Thịnh: Jan–Apr.
    assert (mine.expected, mine.attended, mine.rate) == (9, 5, 55.6)
    assert sum(1 for m in mine.meetings if m.upcoming) == 4
    assert mine.titles == [TITLE]
    assert {b.name for b in mine.branches} == {"Chi bộ thôn Song Khê", "Chi bộ thôn Phú Thịnh"}
    theirs = by_name["Lý Văn Khác"]
    assert (theirs.expected, theirs.attended) == (2, 1)  # May, June at Phú Thịnh

    # A shorter period.
    rows = oversight_selectors.cadres.cadre_report(
        branches=Organization.objects.get_descendants(tree.commune),
        start=datetime.date(2026, 4, 1),
        end=datetime.date(2026, 5, 31),
        cadres=[cadre_member],
        today=datetime.date(2026, 8, 20),
    )
    assert [(r.expected, r.attended) for r in rows] == [(3, 2)]  # Apr, May at Song Khê; Apr at Phú Thịnh


@pytest.mark.parametrize("months", [2, 12])
def test_cadre_report_takes_three_queries(staff, tree, cadre_member, months, django_assert_num_queries):
    _year_of_meetings(tree.branch, months=range(1, months + 1))
    for _ in range(months):
        assign(staff, MemberFactory(branch=tree.sibling), tree.branch)
    with django_assert_num_queries(3):
        rows = oversight_selectors.cadres.cadre_report(
            branches=Organization.objects.get_descendants(tree.commune),
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 12, 31),
            today=datetime.date(2027, 1, 1),
        )
    assert len(rows) == months and all(r.expected == months for r in rows)


def test_report_pages(staff, leader, cadre, outsider, secretary, tree, cadre_member):
    meetings = _year_of_meetings(tree.branch, months=[1, 2])
    assign(staff, cadre_member, tree.branch)
    meetings[0].guests.update(attended=True)
    query = {"start": "2026-01-01", "end": "2026-12-31"}
    report = reverse("oversight:cadre_report")
    detail = reverse("oversight:cadre_detail", args=[cadre_member.pk])
    for client in (staff, leader):
        page = client.get(report, query)
        assert [(r.cadre, r.expected, r.attended) for r in page.context["rows"]] == [(cadre_member, 2, 1)]
        assert client.get(detail, query).context["row"].attended == 1
    # The cadre sees their own record, nobody else's.
    assert [r.cadre for r in cadre.get(report, query).context["rows"]] == [cadre_member]
    assert cadre.get(detail, query).status_code == 200
    other = MemberFactory(branch=tree.branch)
    assign(staff, other, tree.branch)
    assert cadre.get(reverse("oversight:cadre_detail", args=[other.pk])).status_code == 404
    for client in (outsider, secretary):
        assert client.get(detail).status_code == 404
    assert secretary.get(report).status_code == 404
    assert outsider.get(report, query).context["rows"] == []


def test_report_period_errors_are_explained(staff):
    page = staff.get(reverse("oversight:cadre_report"), {"start": "2026-12-01", "end": "2026-01-01"})
    assert "end" in page.context["form"].errors
