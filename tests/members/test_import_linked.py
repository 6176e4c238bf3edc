"""The member import marks a row as a linked working member (QĐ 213; issue 24): the row names the
branch of the member's workplace (by name or code) and the card number finds them there; the
import links them to the importing branch instead of adding them as its member."""

import pytest

from members.models import ImportBatch, LinkStatus, Member, ResidenceLink, RoleKind
from members.services import imports

from ..factories import MemberFactory, UserFactory, give_role
from .test_import import HEADERS, confirm, csv_file, english, preview_plan, upload_ok

pytestmark = pytest.mark.system_scope

LINKED_HEADERS = [*HEADERS, "Chi bộ nơi công tác"]


def row(name, card, workplace_branch=""):
    return [
        name,
        "01/02/1980",
        "Nam",
        "Kinh",
        "",
        card,
        "01/01/2005",
        "01/01/2006",
        "",
        "",
        "",
        "Thôn Song Khê",
        "",
        workplace_branch,
    ]


@pytest.fixture
def importer(tree):
    from django.test import Client

    user = UserFactory(username="th-staff")
    give_role(user, RoleKind.COMMUNE_STAFF, tree.commune)
    client = Client()
    client.force_login(user)
    return english(client)


def test_a_marked_row_links_the_workplace_member_and_adds_nobody(tree, importer):
    # A teacher of Phú Thịnh's branch, and a tax officer of Tổ dân phố số 7's ward (another commune).
    teacher = MemberFactory(branch=tree.sibling, party_card_number="30000001")
    officer = MemberFactory(branch=tree.other_branch, party_card_number="30000002")
    before = Member.objects.filter(branch=tree.branch).count()
    file = csv_file(
        [
            row("Nguyễn Văn Mới", "30000009"),
            row(teacher.full_name, "30000001", "Chi bộ thôn Phú Thịnh"),
            row(officer.full_name, "30000002", tree.other_branch.code),
            row("Không Có Thật", "30000003", "Chi bộ thôn Phú Thịnh"),
            row("Sai Chi Bộ", "30000004", "Chi bộ Không Tồn Tại"),
        ],
        header=LINKED_HEADERS,
    )
    batch = upload_ok(importer, tree.branch, file)
    _response, plan = preview_plan(importer, batch)
    actions = [r.action for r in plan.rows]
    assert actions == [
        imports.Action.CREATE,
        imports.Action.LINK,
        imports.Action.LINK,
        imports.Action.ERROR,
        imports.Action.ERROR,
    ]
    assert "has no member with this party card number" in plan.rows[3].errors[0]
    assert "no party branch is named" in plan.rows[4].errors[0]

    confirm(importer, batch)
    confirm(importer, batch)  # a double submit imports nothing more
    assert Member.objects.filter(branch=tree.branch).count() == before + 1
    links = ResidenceLink.objects.filter(residence_branch=tree.branch).order_by("member__party_card_number")
    assert [(link.member, link.status) for link in links] == [
        (teacher, LinkStatus.ACCEPTED),
        (officer, LinkStatus.ACCEPTED),
    ]
    teacher.refresh_from_db()
    assert teacher.branch == tree.sibling  # still a member of the workplace's branch
    assert ImportBatch.objects.get().status == ImportBatch.Status.DONE


def test_a_member_with_an_open_link_or_of_this_branch_is_refused(tree, importer):
    linked = MemberFactory(branch=tree.sibling, party_card_number="30000011")
    ResidenceLink.objects.create(
        member=linked, residence_branch=tree.other_branch, since="2026-01-01", status="accepted"
    )
    own = MemberFactory(branch=tree.branch, party_card_number="30000012")
    file = csv_file(
        [
            row(linked.full_name, "30000011", "Chi bộ thôn Phú Thịnh"),
            row(own.full_name, "30000012", "Chi bộ thôn Song Khê"),
        ],
        header=LINKED_HEADERS,
    )
    batch = upload_ok(importer, tree.branch, file)
    _response, plan = preview_plan(importer, batch)
    assert [r.action for r in plan.rows] == [imports.Action.ERROR, imports.Action.ERROR]
    assert "already keeps a link" in plan.rows[0].errors[0]
    assert "is this branch" in plan.rows[1].errors[0]
    confirm(importer, batch)
    assert ResidenceLink.objects.count() == 1
