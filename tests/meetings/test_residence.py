"""Working members and their residence branch (QĐ 213-QĐ/TW, HD 33-HD/BTCTW; issue 24).

Song Khê is the residence branch; Phú Thịnh (same commune) and Tổ dân phố số 7 of phường Đức
Thắng (another commune) are workplaces. A linked member is never a member of the residence branch.
"""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import reminders, selectors, services
from meetings.models import (
    Attendance,
    CommentStatus,
    LinkedAttendance,
    LinkedMark,
    MeetingRules,
    MeetingStatus,
    ResidenceComment,
)
from members.models import LinkCategory, LinkStatus, ResidenceLink, RoleKind
from members.selectors import branch_counts
from members.services.residence import link_end, link_record, residence_branches_for
from notifications.models import Notification
from oversight.selectors.flags import Period, branch_flags

from ..factories import MemberFactory, UserFactory, give_role
from .conftest import at, make_meeting

pytestmark = pytest.mark.system_scope

D = datetime.date
DAY = D(2026, 12, 5)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(tree):
    """Who acts: Song Khê's secretary (residence), Phú Thịnh's secretary (workplace), the commune's
    staff, Tổ dân phố số 7's secretary (another commune) and their users."""
    found = {}
    for name, kind, node in [
        ("sk-secretary", RoleKind.SECRETARY, tree.branch),
        ("pt-secretary", RoleKind.SECRETARY, tree.sibling),
        ("th-staff", RoleKind.COMMUNE_STAFF, tree.commune),
        ("tdp7-secretary", RoleKind.SECRETARY, tree.other_branch),
        ("dt-staff", RoleKind.COMMUNE_STAFF, tree.other_commune),
    ]:
        user = UserFactory(username=name)
        give_role(user, kind, node)
        found[name] = user
    return found


@pytest.fixture
def own(tree):
    """Song Khê's own five full members."""
    return MemberFactory.create_batch(5, branch=tree.branch)


@pytest.fixture
def worker(tree):
    """A teacher of Phú Thịnh's branch who lives in Song Khê, with an account."""
    user = UserFactory(username="teacher")
    return MemberFactory(branch=tree.sibling, full_name="Phạm Thị Giáo", user=user, residence="Xóm 2, thôn Song Khê")


def linked(member, branch, category=LinkCategory.EXPECTED, **fields):
    return ResidenceLink.objects.create(
        member=member,
        residence_branch=branch,
        since=fields.pop("since", D(2026, 1, 10)),
        category=category,
        status=fields.pop("status", LinkStatus.ACCEPTED),
        **fields,
    )


# --- The link -------------------------------------------------------------------------------------


def test_a_member_has_at_most_one_open_link_and_ended_links_stay(tree, worker):
    first = linked(worker, tree.branch)
    with pytest.raises(IntegrityError), transaction.atomic():
        linked(worker, tree.other_branch, status=LinkStatus.PROPOSED)
    link_end(link=first, until=D(2026, 6, 30), by=None)
    second = linked(worker, tree.other_branch, since=D(2026, 7, 1))
    assert set(ResidenceLink.objects.filter(member=worker).values_list("pk", "status")) == {
        (first.pk, LinkStatus.ENDED),
        (second.pk, LinkStatus.ACCEPTED),
    }


def test_the_service_refuses_a_second_open_link_and_the_own_branch(tree, worker):
    from django.core.exceptions import ValidationError

    link_record(member=worker, residence_branch=tree.branch, since=D(2026, 1, 1), by=None)
    with pytest.raises(ValidationError):
        link_record(member=worker, residence_branch=tree.other_branch, since=D(2026, 1, 1), by=None)
    with pytest.raises(ValidationError):
        link_record(
            member=MemberFactory(branch=tree.branch), residence_branch=tree.branch, since=D(2026, 1, 1), by=None
        )
    with pytest.raises(ValidationError):  # HD 33: an exemption says why
        link_record(
            member=MemberFactory(branch=tree.sibling),
            residence_branch=tree.branch,
            since=D(2026, 1, 1),
            category=LinkCategory.EXEMPT,
            by=None,
        )
    assert ResidenceLink.objects.count() == 1


def test_the_residence_address_finds_the_branch_by_group_and_commune(tree):
    assert residence_branches_for("Số 12, Tổ dân phố số 7, phường Đức Thắng, Hà Nội") == [tree.other_branch]
    assert residence_branches_for("Xóm 2, thôn Song Khê, xã Tam Hưng") == [tree.branch]
    assert residence_branches_for("Tổ dân phố số 7, phường Cổ Nhuế 1") == []  # that ward is not in the tree
    assert residence_branches_for("") == []


# --- Counting: a linked member is never in the residence branch's base ---------------------------------


@time_machine.travel(at(D(2026, 12, 6), 9), tick=False)
def test_a_linked_member_who_came_is_in_no_figure_of_the_residence_branch(tree, own, worker, people):
    secretary = people["sk-secretary"]
    link = linked(worker, tree.branch)
    meeting = make_meeting(
        tree.branch, DAY, status=MeetingStatus.HELD, actual_start=at(DAY, 19, 30), actual_end=at(DAY, 21, 30)
    )
    for member in own[:4]:
        services.roll.record_mark(meeting=meeting, member=member, mark="present", by=secretary)
    services.roll.record_mark(meeting=meeting, member=own[4], mark="unexcused", by=secretary)
    before = selectors.roll.count_roll(meeting)
    counts_before = branch_counts(tree.branch)

    services.residence.linked_invite(meeting=meeting, by=secretary)
    services.residence.linked_mark(meeting=meeting, link=link, mark=LinkedMark.CAME, by=secretary)

    after = selectors.roll.count_roll(meeting)
    assert (
        (after.expected, after.present, after.voting_base, after.rate)
        == (5, 4, 5, before.rate)
        == (
            before.expected,
            before.present,
            before.voting_base,
            before.rate,
        )
    )
    assert worker.pk not in {m.pk for m in selectors.roll.expected_members(meeting)}
    assert branch_counts(tree.branch) == counts_before
    assert not Attendance.objects.filter(member=worker).exists()
    # The minutes name them apart, as "đảng viên đang công tác ở nơi khác dự".
    from meetings.documents.content import build_document_data

    data = build_document_data(meeting)
    assert data.linked_came == [f"Đồng chí {worker.full_name} ({tree.sibling.name})"]
    assert all(worker.full_name not in line for line in data.attendance_open)


@time_machine.travel(at(D(2026, 12, 20), 9), tick=False)
def test_a_linked_member_who_never_comes_is_not_flagged_by_the_residence_branch(tree, own, worker, people):
    secretary = people["sk-secretary"]
    link = linked(worker, tree.branch)
    for month in (9, 10, 11, 12):
        day = D(2026, month, 5)
        meeting = make_meeting(
            tree.branch, day, status=MeetingStatus.HELD, actual_start=at(day, 19, 30), actual_end=at(day, 21, 30)
        )
        for member in own:
            services.roll.record_mark(meeting=meeting, member=member, mark="present", by=secretary)
        services.residence.linked_invite(meeting=meeting, by=secretary)
        services.residence.linked_mark(
            meeting=meeting, link=link, mark=LinkedMark.ABSENT, reason="Đi công tác", by=secretary
        )
    flags = branch_flags(branches=[tree.branch], period=Period.ending(D(2026, 12, 1), 4))[0]
    text = repr(flags)
    assert worker.full_name not in text
    assert selectors.roll.count_roll(meeting).rate == 100


# --- Categories (HD 33) ---------------------------------------------------------------------------------


@time_machine.travel(at(D(2026, 12, 1), 9), tick=False)
def test_only_the_expected_category_is_invited_and_gets_the_yearly_comment(tree, people):
    secretary = people["sk-secretary"]
    expected = linked(MemberFactory(branch=tree.sibling, user=UserFactory(username="a")), tree.branch)
    exempt = linked(
        MemberFactory(branch=tree.sibling, user=UserFactory(username="b")),
        tree.branch,
        LinkCategory.EXEMPT,
        exempt_reason="Quân đội ở trong doanh trại",
    )
    special = linked(MemberFactory(branch=tree.sibling), tree.branch, LinkCategory.NOT_INTRODUCED)
    meeting = make_meeting(tree.branch, DAY)
    rows = services.residence.linked_invite(meeting=meeting, by=secretary)
    assert [row.link_id for row in rows] == [expected.pk]
    invited = Notification.objects.filter(kind=services.residence.INVITATION)
    assert set(invited.values_list("recipient_id", flat=True)) == {expected.member.user_id}
    services.residence.linked_invite(meeting=meeting, by=secretary)  # again: nothing new
    assert LinkedAttendance.objects.count() == 1 and invited.count() == len({n.dedupe_key for n in invited})

    from django.core.exceptions import ValidationError

    for link in (exempt, special):
        with pytest.raises(ValidationError):
            services.residence.comment_save(link=link, year=2026, data={"conclusion": "Tốt"}, by=secretary)
    comment = services.residence.comment_save(
        link=expected, year=2026, data={"conclusion": "Hoàn thành tốt"}, by=secretary
    )
    assert comment.meetings_invited == 1 and comment.meetings_attended == 0
    assert reminders.residence_comments_owed(2026) == {tree.branch.pk: 1}


def test_one_comment_per_member_and_year(tree, worker):
    link = linked(worker, tree.branch)
    ResidenceComment.objects.create(link=link, member=worker, year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidenceComment.objects.create(link=link, member=worker, year=2026)


# --- The deadline chase ---------------------------------------------------------------------------------


def test_missing_comments_are_chased_after_the_deadline_secretary_then_commune(tree, worker, people):
    linked(worker, tree.branch)
    kinds = (reminders.COMMENTS_OVERDUE, reminders.COMMENTS_OVERDUE_COMMUNE)

    def chase(day):
        reminders.chase_residence_comments(now=at(day, 7))
        return sorted(Notification.objects.filter(kind__in=kinds).values_list("kind", "recipient__username"))

    assert chase(D(2026, 12, 15)) == []  # the deadline day itself: still in time
    secretary_told = [(reminders.COMMENTS_OVERDUE, "sk-secretary")]
    assert chase(D(2026, 12, 16)) == secretary_told
    assert chase(D(2026, 12, 17)) == secretary_told  # once per branch and year
    commune_day = D(2026, 12, 15) + datetime.timedelta(days=5)
    assert chase(commune_day) == sorted([*secretary_told, (reminders.COMMENTS_OVERDUE_COMMUNE, "th-staff")])
    chase(commune_day)
    assert Notification.objects.filter(kind__in=kinds).count() == 2


def test_the_commune_sets_the_deadline_and_a_sent_comment_is_not_chased(tree, worker, people):
    MeetingRules.objects.create(organization=tree.commune, residence_comment_day=30, residence_comment_month=11)
    link = linked(worker, tree.branch)
    reminders.chase_residence_comments(now=at(D(2026, 12, 1), 7))
    assert Notification.objects.filter(kind=reminders.COMMENTS_OVERDUE).count() == 1
    Notification.objects.all().delete()
    comment = services.residence.comment_save(
        link=link, year=2026, data={"conclusion": "Tốt"}, by=people["sk-secretary"]
    )
    services.residence.comment_adopt(comment=comment, how="committee", on=D(2026, 11, 20), by=people["sk-secretary"])
    services.residence.comment_send(comment=comment, by=people["sk-secretary"])
    assert reminders.residence_comments_owed(2026) == {}
    reminders.chase_residence_comments(now=at(D(2026, 12, 2), 7))
    assert not Notification.objects.filter(kind__startswith="residence.comments").exists()


# --- Both sides' access ----------------------------------------------------------------------------------


@time_machine.travel(at(D(2026, 12, 10), 9), tick=False)
def test_each_side_sees_the_link_attendance_and_comment_and_nothing_more(tree, own, worker, people):
    link = linked(worker, tree.branch)
    meeting = make_meeting(
        tree.branch, DAY, status=MeetingStatus.HELD, actual_start=at(DAY, 19, 30), actual_end=at(DAY, 21, 30)
    )
    residence, workplace = login(people["sk-secretary"]), login(people["pt-secretary"])

    residence.post(reverse("meetings:linked_roll", args=[meeting.pk]))
    response = residence.post(reverse("meetings:linked_mark", args=[meeting.pk, link.pk]), {"mark": "came"})
    assert response.status_code == 302
    assert LinkedAttendance.objects.get().mark == LinkedMark.CAME
    page = residence.get(reverse("meetings:residence", args=[tree.branch.pk])).content.decode()
    assert worker.full_name in page
    # The residence side never opens the linked member's record, nor the workplace's pages.
    assert residence.get(reverse("members:member", args=[worker.pk])).status_code == 404
    assert residence.get(reverse("meetings:residence", args=[tree.sibling.pk])).status_code == 404

    # The workplace side: the attendance, but neither the residence meeting nor a draft comment.
    page = workplace.get(reverse("meetings:residence", args=[tree.sibling.pk])).content.decode()
    assert worker.full_name in page and "Tổ dân phố" not in page
    assert workplace.get(meeting.get_absolute_url()).status_code == 404
    assert workplace.get(reverse("meetings:residence", args=[tree.branch.pk])).status_code == 404
    url = reverse("meetings:residence_comment", args=[link.pk])
    residence.post(url, {"action": "save", "civic_duties": "Chấp hành tốt", "conclusion": "Hoàn thành tốt nhiệm vụ"})
    comment = ResidenceComment.objects.get()
    assert workplace.get(url).status_code == 404
    pdf = reverse("meetings:residence_comments_pdf", args=[tree.sibling.pk])
    assert workplace.get(pdf).status_code == 404  # nothing sent yet
    residence.post(url, {"action": "adopt", "adopted_by": "committee", "adopted_on": "2026-12-09"})
    residence.post(url, {"action": "send"})
    residence.post(url, {"action": "send"})  # a double submit changes nothing
    comment.refresh_from_db()
    assert comment.status == CommentStatus.SENT and comment.meetings_attended == 1
    assert (
        Notification.objects.filter(kind=services.residence.COMMENT_SENT, recipient=people["pt-secretary"]).count() >= 1
    )
    response = workplace.get(pdf)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    response = workplace.get(reverse("meetings:residence_comments_docx", args=[tree.sibling.pk]))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    workplace.post(reverse("meetings:residence_comment_used", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.used_in_review_at is not None
    # The residence side cannot record the workplace's use; an outsider gets 404 everywhere.
    outsider = login(people["dt-staff"])
    for client, url in [
        (outsider, reverse("meetings:residence", args=[tree.branch.pk])),
        (outsider, reverse("meetings:residence_comments_pdf", args=[tree.sibling.pk])),
        (outsider, reverse("meetings:residence_comment", args=[link.pk])),
        (outsider, reverse("meetings:linked_roll", args=[meeting.pk])),
        (workplace, reverse("meetings:residence_comment", args=[link.pk])),
    ]:
        assert client.get(url).status_code == 404, url
    assert residence.post(reverse("meetings:residence_comment_used", args=[comment.pk])).status_code == 404


@time_machine.travel(at(D(2026, 3, 1), 9), tick=False)
def test_a_cross_commune_link_is_proposed_by_the_workplace_and_accepted_by_the_residence(tree, people):
    worker = MemberFactory(
        branch=tree.sibling, full_name="Đỗ Văn Thuế", residence="Số 5, Tổ dân phố số 7, phường Đức Thắng"
    )
    workplace = login(people["pt-secretary"])
    response = workplace.post(
        reverse("meetings:residence_link_add", args=[tree.sibling.pk]),
        {
            "side": "workplace",
            "workplace-member": worker.pk,
            "workplace-since": "2026-03-01",
            "workplace-category": "expected",
            "workplace-letter_number": "12-GGT/ĐU",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    link = ResidenceLink.objects.get()
    assert (link.residence_branch, link.status, link.letter_number) == (
        tree.other_branch,
        LinkStatus.PROPOSED,
        "12-GGT/ĐU",
    )
    told = Notification.objects.filter(kind="residence.link_proposed").values_list("recipient__username", flat=True)
    assert set(told) == {"tdp7-secretary", "dt-staff"}

    residence = login(people["tdp7-secretary"])
    page = residence.get(reverse("meetings:residence", args=[tree.other_branch.pk])).content.decode()
    assert worker.full_name in page
    residence.post(reverse("meetings:residence_link_accept", args=[link.pk]))
    residence.post(reverse("meetings:residence_link_accept", args=[link.pk]))
    link.refresh_from_db()
    assert link.status == LinkStatus.ACCEPTED
    told = Notification.objects.filter(kind="residence.link_accepted").values_list("recipient__username", flat=True)
    assert set(told) == {"pt-secretary", "th-staff"}
    # Neither side reads more than the link: not the other's members, not the other's branch page.
    other_member = MemberFactory(branch=tree.sibling)
    assert residence.get(reverse("members:member", args=[other_member.pk])).status_code == 404
    assert residence.get(reverse("meetings:residence", args=[tree.sibling.pk])).status_code == 404
    # The workplace cannot accept its own proposal for the other commune.
    assert workplace.post(reverse("meetings:residence_link_accept", args=[link.pk])).status_code == 404


def test_the_residence_communes_staff_record_a_link_accepted(tree, people):
    worker = MemberFactory(branch=tree.sibling)
    staff = login(people["th-staff"])
    response = staff.post(
        reverse("meetings:residence_link_add", args=[tree.branch.pk]),
        {
            "side": "residence",
            "residence-member": worker.pk,
            "residence-since": "2026-03-01",
            "residence-category": "expected",
        },
    )
    assert response.status_code == 302
    assert ResidenceLink.objects.get().status == LinkStatus.ACCEPTED
    # A secretary cannot record links to their branch for members outside it (no form, 404).
    secretary = login(people["sk-secretary"])
    response = secretary.post(
        reverse("meetings:residence_link_add", args=[tree.branch.pk]),
        {
            "side": "residence",
            "residence-member": MemberFactory(branch=tree.sibling).pk,
            "residence-since": "2026-03-01",
            "residence-category": "expected",
        },
    )
    assert response.status_code == 404 and ResidenceLink.objects.count() == 1


# --- Query counts -----------------------------------------------------------------------------------------


@time_machine.travel(at(D(2026, 12, 10), 9), tick=False)
@pytest.mark.parametrize("n", [2, 6])
def test_the_residence_pages_take_a_fixed_number_of_queries(tree, people, n):
    secretary = people["sk-secretary"]
    meeting = make_meeting(
        tree.branch, DAY, status=MeetingStatus.HELD, actual_start=at(DAY, 19, 30), actual_end=at(DAY, 21, 30)
    )
    for _ in range(n):
        link = linked(MemberFactory(branch=tree.sibling), tree.branch)
        LinkedAttendance.objects.create(meeting=meeting, link=link, mark="came", marked_by=secretary)
        ResidenceComment.objects.create(link=link, member=link.member, year=2026)
        linked(MemberFactory(branch=tree.branch), tree.sibling)
    client = login(secretary)
    client.get("/")  # the session and the roles
    staff = login(people["th-staff"])
    staff.get("/")
    pages = {
        "page": (client, reverse("meetings:residence", args=[tree.branch.pk]), {}),
        "roll": (client, reverse("meetings:linked_roll", args=[meeting.pk]), {}),
        "comment": (client, reverse("meetings:residence_comment", args=[link.pk]), {}),
        "list": (
            staff,
            reverse("oversight:node_residence", args=[tree.commune.pk]),
            {"figure": "expected", "period": "year", "month": "2026-12"},
        ),
    }
    for key, (who, url, query) in pages.items():
        # Read at once: the next request resets the connection's query log.
        with CaptureQueriesContext(connection) as found:
            assert who.get(url, query).status_code == 200
        COUNTS.setdefault(key, set()).add(len(found.captured_queries))


PAGE_QUERIES = 13
ROLL_QUERIES = 8
COMMENT_QUERIES = 7
LIST_QUERIES = 8
COUNTS: dict[str, set[int]] = {}


def test_the_query_counts_do_not_grow_with_the_links():
    """Run after the parametrised case above (same module, in order): the same count for 2 and 6 links."""
    if not COUNTS:
        pytest.fail("run the whole module: the counts come from the case above")
    expected = {"page": {PAGE_QUERIES}, "roll": {ROLL_QUERIES}, "comment": {COMMENT_QUERIES}, "list": {LIST_QUERIES}}
    assert expected == COUNTS, COUNTS


# --- The dashboard ----------------------------------------------------------------------------------------


@time_machine.travel(at(D(2026, 12, 10), 9), tick=False)
def test_the_dashboard_counts_the_communes_linked_members_and_comments(tree, own, people):
    secretary = people["sk-secretary"]
    leader = UserFactory(username="th-leader")
    give_role(leader, RoleKind.LEADER, tree.commune)
    came, away = (
        linked(MemberFactory(branch=tree.sibling, full_name=name), tree.branch) for name in ("Đã Đến", "Chưa Đến")
    )
    linked(MemberFactory(branch=tree.sibling), tree.branch, LinkCategory.EXEMPT, exempt_reason="Học tập trung")
    meeting = make_meeting(
        tree.branch, DAY, status=MeetingStatus.HELD, actual_start=at(DAY, 19, 30), actual_end=at(DAY, 21, 30)
    )
    services.residence.linked_invite(meeting=meeting, by=secretary)
    services.residence.linked_mark(meeting=meeting, link=came, mark=LinkedMark.CAME, by=secretary)
    services.residence.linked_mark(meeting=meeting, link=away, mark=LinkedMark.ABSENT, reason="Ốm", by=secretary)
    comment = services.residence.comment_save(link=came, year=2026, data={"conclusion": "Tốt"}, by=secretary)
    services.residence.comment_adopt(comment=comment, how="committee", on=D(2026, 12, 9), by=secretary)
    services.residence.comment_send(comment=comment, by=secretary)
    services.residence.comment_save(link=away, year=2026, data={"conclusion": "Khá"}, by=secretary)

    client = login(leader)
    response = client.get(reverse("oversight:node", args=[tree.commune.pk]))
    panel = next(context for template, context in response.context["panels"] if "residence" in template)
    assert [(node.pk, figures) for node, figures in panel["lines"]] == [
        (tree.branch.pk, {"expected": 2, "attended": 1, "written": 2, "sent": 1, "missing": 1})
    ]
    url = reverse("oversight:node_residence", args=[tree.commune.pk])
    page = client.get(url, {"figure": "attended", "period": "year", "month": "2026-12"}).content.decode()
    assert "Đã Đến" in page and "Chưa Đến" not in page
    page = client.get(url, {"figure": "missing", "period": "year", "month": "2026-12"}).content.decode()
    assert "Chưa Đến" in page and "Đã Đến" not in page
    assert client.get(url, {"figure": "nonsense"}).status_code == 404
    assert login(people["dt-staff"]).get(url).status_code == 404
