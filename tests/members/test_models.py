import datetime

import pytest
from django.db import IntegrityError, transaction

from members.access import subtree_q
from members.models import Member, Organization, OrganizationKind, Position, PositionKind
from members.selectors import branch_counts, secretary_on

from ..factories import MemberFactory, PositionFactory, make_org

pytestmark = pytest.mark.system_scope


def test_subtree_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(Organization.objects.filter(subtree_q([tree.commune])).values_list("name", flat=True))
    assert names == {"Đảng bộ xã Tam Hưng", "Chi bộ thôn Song Khê", "Chi bộ thôn Phú Thịnh"}


def test_tree_depth_is_not_fixed(tree):
    grassroots = make_org("Đảng bộ cơ sở", OrganizationKind.GRASSROOTS, tree.commune)
    sub = make_org("Đảng bộ bộ phận", OrganizationKind.SUBCOMMITTEE, grassroots)
    deep = make_org("Chi bộ sâu", OrganizationKind.BRANCH, sub)
    assert Organization.objects.filter(subtree_q([tree.province]), kind="branch").filter(pk=deep.pk).exists()


@pytest.mark.parametrize(
    ("fields", "year", "month", "expected"),
    [
        ({"meeting_day": 5}, 2026, 3, datetime.date(2026, 3, 5)),
        ({"meeting_day": 31}, 2026, 2, datetime.date(2026, 2, 28)),
        ({"meeting_weekday": 5, "meeting_week": 1}, 2026, 12, datetime.date(2026, 12, 5)),
        ({"meeting_weekday": 6, "meeting_week": -1}, 2026, 11, datetime.date(2026, 11, 29)),
        ({}, 2026, 11, None),
    ],
)
def test_regular_meeting_day(tree, fields, year, month, expected):
    branch = tree.sibling
    branch.meeting_day = branch.meeting_weekday = branch.meeting_week = None
    for name, value in fields.items():
        setattr(branch, name, value)
    assert branch.meeting_date(year, month) == expected


def test_party_card_number_is_unique_when_given(tree):
    MemberFactory(branch=tree.branch, party_card_number="12345678")
    MemberFactory(branch=tree.branch, party_card_number="")
    MemberFactory(branch=tree.branch, party_card_number="")
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(branch=tree.sibling, party_card_number="12345678")


def test_database_refuses_full_member_date_before_admission(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(
            branch=tree.branch, admitted_on=datetime.date(2020, 1, 1), full_member_on=datetime.date(2019, 1, 1)
        )


def test_database_refuses_bad_citizen_id(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(branch=tree.branch, citizen_id="12345")


def test_name_is_stored_composed_with_search_key(tree):
    import unicodedata

    member = MemberFactory(branch=tree.branch, full_name=unicodedata.normalize("NFD", " Trần  Thị Bình "))
    member.refresh_from_db()
    assert member.full_name == "Trần Thị Bình"
    assert member.name_key == "tran thi binh"


def test_who_was_secretary_on_a_day(tree):
    old = MemberFactory(branch=tree.branch)
    new = MemberFactory(branch=tree.branch)
    PositionFactory(
        member=old,
        branch=tree.branch,
        kind=PositionKind.SECRETARY,
        started_on=datetime.date(2020, 10, 1),
        ended_on=datetime.date(2026, 2, 28),
    )
    PositionFactory(member=new, branch=tree.branch, kind=PositionKind.SECRETARY, started_on=datetime.date(2026, 3, 1))
    assert secretary_on(tree.branch, datetime.date(2026, 3, 5)) == new
    assert secretary_on(tree.branch, datetime.date(2025, 3, 5)) == old
    assert secretary_on(tree.branch, datetime.date(2019, 3, 5)) is None


def test_only_one_current_secretary(tree):
    PositionFactory(member=MemberFactory(branch=tree.branch), branch=tree.branch, kind=PositionKind.SECRETARY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            member=MemberFactory(branch=tree.branch),
            branch=tree.branch,
            kind=PositionKind.SECRETARY,
            started_on=datetime.date(2026, 1, 1),
        )


def test_branch_counts(tree):
    MemberFactory.create_batch(3, branch=tree.branch)
    MemberFactory(branch=tree.branch, status="probationary", full_member_on=None)
    MemberFactory(branch=tree.branch, exempt_since=datetime.date(2024, 1, 1), exempt_reason="Tuổi cao")
    MemberFactory(branch=tree.branch, left_on=datetime.date(2025, 1, 1), leave_reason="death")
    counts = branch_counts(tree.branch)
    assert counts == {"total": 5, "full": 4, "probationary": 1, "exempt": 1, "attached": 0}


def test_members_are_never_deleted_through_admin_or_protect(tree):
    member = MemberFactory(branch=tree.branch)
    with pytest.raises(Exception):  # noqa: B017 - PROTECT on the branch
        tree.branch.delete()
    assert Member.objects.filter(pk=member.pk).exists()
