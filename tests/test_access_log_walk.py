"""Every page or file that shows classified data writes an access-log row (issue 21, item 6).

Member names with absence reasons (the meeting page with its roll, the minutes and resolution,
their DOCX and PDF, the roll and attendance sheet), a member's record, the removal flags, a
petition with a resident's contact, and every export. The pages are opened as a commune's leader
(the register's own pages as its staff); each must answer 200 and log its action, ids only, in
one INSERT per request. A page that stops logging fails here; a new download (.xlsx, .docx,
.pdf) fails ``test_every_download_is_listed`` until it is listed.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from meetings.models import ResidenceComment
from meetings.months import add_months
from members.models import AccessLog, ResidenceLink
from petitions.services.catalogue import catalogue_ensure

from .factories import MemberFactory, UserFactory
from .meetings.test_documents import held_meeting
from .oversight.test_removal_list import absent_on
from .petitions.conftest import make_petition

pytestmark = pytest.mark.system_scope

A = AccessLog.Action
# URL name: (who opens it, its arguments from the world, the action it logs, extra query).
CLASSIFIED = {
    "meetings:detail": ("leader", lambda w: [w.meeting.pk], A.VIEW_MEETING, {}),
    "meetings:minutes": ("leader", lambda w: [w.meeting.pk], A.VIEW_MINUTES, {}),
    "meetings:resolution": ("leader", lambda w: [w.meeting.pk], A.VIEW_RESOLUTION, {}),
    "meetings:minutes_docx": ("leader", lambda w: [w.meeting.pk], A.MINUTES_DOCUMENT, {}),
    "meetings:minutes_pdf": ("leader", lambda w: [w.meeting.pk], A.MINUTES_DOCUMENT, {}),
    "meetings:resolution_docx": ("leader", lambda w: [w.meeting.pk], A.RESOLUTION_DOCUMENT, {}),
    "meetings:resolution_pdf": ("leader", lambda w: [w.meeting.pk], A.RESOLUTION_DOCUMENT, {}),
    "meetings:roll": ("staff", lambda w: [w.meeting.pk], A.VIEW_ROLL, {}),
    "meetings:attendance_sheet": ("leader", lambda w: [w.meeting.pk], A.VIEW_ATTENDANCE, {}),
    "members:member": ("leader", lambda w: [w.member.pk], A.VIEW_MEMBER, {}),
    "members:edit": ("staff", lambda w: [w.member.pk], A.VIEW_MEMBER, {}),
    "members:list": ("leader", lambda w: [], A.VIEW_MEMBER_LIST, {}),
    "members:organization": ("leader", lambda w: [w.tree.branch.pk], A.VIEW_BRANCH, {}),
    "members:export": ("staff", lambda w: [w.tree.branch.pk], A.EXPORT_BRANCH, {}),
    "oversight:flags": ("leader", lambda w: [], A.VIEW_FLAGS, {}),
    "oversight:removal": ("leader", lambda w: [], A.VIEW_FLAGS, {}),
    "oversight:removal_export": ("leader", lambda w: [], A.VIEW_FLAGS, {}),
    "petitions:detail": ("leader", lambda w: [w.petition.pk], A.VIEW_PETITION, {}),
    "petitions:export": ("leader", lambda w: [], A.EXPORT_PETITIONS, {}),
    "oversight:export": ("leader", lambda w: [], A.EXPORT_DASHBOARD, {}),
    "oversight:node_export": ("leader", lambda w: [w.tree.commune.pk], A.EXPORT_DASHBOARD, {}),
    # The yearly comments a branch's working members received from their residence branch (issue 24).
    "meetings:residence_comments_docx": ("leader", lambda w: [w.tree.branch.pk], A.VIEW_BRANCH, {}),
    "meetings:residence_comments_pdf": ("leader", lambda w: [w.tree.branch.pk], A.VIEW_BRANCH, {}),
}
# Downloads that show no one's data: the blank import template, a meeting's calendar entry.
NOT_CLASSIFIED = {"members:import_template", "meetings:meeting_ics", "meetings:calendar_feed"}


class World:
    def __init__(self, tree):
        self.tree = tree
        self.meeting = held_meeting(tree)  # adopted: absences with a reason, minutes, a resolution
        self.member = MemberFactory(branch=tree.branch, full_name="Lê Thị Hoa")
        # Absent without reason in each of the last three months: on the removal list.
        first = timezone.localdate().replace(day=1)
        absent_on(tree.branch, self.member, [add_months(first, -k).replace(day=5) for k in (1, 2, 3)], UserFactory())
        catalogue_ensure(commune=tree.commune)
        category = tree.commune.petition_categories.first()
        self.petition = make_petition(tree.branch, category, UserFactory(), resident_phone="0912345678")
        # Lê Thị Hoa lives in Phú Thịnh: its comment on her, sent to Song Khê (issue 24).
        link = ResidenceLink.objects.create(
            member=self.member, residence_branch=tree.sibling, since=first.replace(month=1), status="accepted"
        )
        ResidenceComment.objects.create(
            link=link,
            member=self.member,
            year=first.year,
            conclusion="Hoàn thành tốt.",
            status="sent",
            adopted_by="committee",
            adopted_on=first,
            sent_at=timezone.now(),
        )


@pytest.fixture
def world(tree):
    return World(tree)


@pytest.mark.parametrize("name", sorted(CLASSIFIED))
def test_each_classified_page_logs_its_read(request, world, name):
    who, arguments, action, query = CLASSIFIED[name]
    client = request.getfixturevalue(who)
    url = reverse(name, args=arguments(world))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200, f"{name} answered {response.status_code} to the {who}"
    entries = list(AccessLog.objects.filter(user=client.user).values("action", "organization_id"))
    assert entries, f"{name} ({url}) wrote no access-log row"
    assert {entry["action"] for entry in entries} == {action}, entries
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "members_accesslog"')]
    assert len(inserts) == 1, f"{name}: the request's entries are written in one INSERT, not {len(inserts)}"


def test_a_page_over_several_branches_logs_each_in_one_insert(leader, world):
    with CaptureQueriesContext(connection) as queries:
        assert leader.get(reverse("oversight:flags")).status_code == 200
    logged = set(AccessLog.objects.filter(action=A.VIEW_FLAGS).values_list("organization_id", flat=True))
    assert logged == {world.tree.branch.pk, world.tree.sibling.pk}
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "members_accesslog"')]
    assert len(inserts) == 1


def test_a_petition_without_the_contact_is_not_logged(plain_member, world):
    """A plain member reads the branch's petitions without residents' phone numbers."""
    assert plain_member.get(reverse("petitions:detail", args=[world.petition.pk])).status_code == 200
    assert not AccessLog.objects.filter(action=A.VIEW_PETITION).exists()


def _downloads(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace != "admin":
                yield from _downloads(entry, inner)
        elif isinstance(entry, URLPattern) and re.search(r"\.(xlsx|docx|pdf|csv|ics)", str(entry.pattern)):
            yield f"{namespace}{entry.name}"


def test_every_download_is_listed():
    """Each file the site serves is either listed above (and so checked to log) or shows nobody's data."""
    unlisted = sorted(set(_downloads(get_resolver())) - set(CLASSIFIED) - NOT_CLASSIFIED)
    assert not unlisted, f"List these downloads in CLASSIFIED (they must log) or NOT_CLASSIFIED: {unlisted}"
