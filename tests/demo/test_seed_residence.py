"""The demo's working members of Tổ dân phố số 7 (issue 24): linked, not registered there."""

import datetime

import pytest
import time_machine

from demo.meetings import seed_meetings_demo
from demo.members import seed_demo
from demo.residence import seed_residence_demo
from meetings import reminders, selectors
from meetings.models import CommentStatus, LinkedAttendance, LinkedMark, Meeting, ResidenceComment
from members.models import LinkCategory, Organization, ResidenceLink

from .conftest import at

pytestmark = pytest.mark.system_scope

TODAY = datetime.date(2026, 12, 8)


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@time_machine.travel(at(TODAY, 9), tick=False)
def test_the_working_members_are_linked_attend_and_get_comments(db):
    seed_demo(today=TODAY)
    seed_meetings_demo(today=TODAY)
    seed_residence_demo(today=TODAY)
    tdp7 = Organization.objects.get(code="hn-duc-thang-tdp-7")
    links = ResidenceLink.objects.filter(residence_branch=tdp7)
    assert links.count() > 100
    assert links.filter(category=LinkCategory.EXEMPT).count() >= 3
    assert links.filter(category=LinkCategory.NOT_INTRODUCED).count() == 1
    linked_ids = set(links.values_list("member_id", flat=True))
    assert not tdp7.members.filter(pk__in=linked_ids).exists()

    # Some came to this year's residence meetings; none of them is on a roll of Tổ dân phố số 7.
    assert LinkedAttendance.objects.filter(meeting__branch=tdp7, mark=LinkedMark.CAME).count() > 50
    for meeting in Meeting.objects.filter(branch=tdp7, status__in=["held", "adopted"]):
        assert not {m.pk for m in selectors.roll.expected_members(meeting)} & linked_ids
    # The current month's meeting is left for the secretary to invite.
    current = Meeting.objects.filter(branch=tdp7, month=TODAY.replace(day=1)).first()
    assert current is not None and not LinkedAttendance.objects.filter(meeting=current).exists()

    expected = links.filter(category=LinkCategory.EXPECTED).count()
    this_year = ResidenceComment.objects.filter(year=2026)
    assert this_year.count() == expected // 2
    assert (
        this_year.filter(status=CommentStatus.SENT).exists() and this_year.filter(status=CommentStatus.DRAFT).exists()
    )
    assert all(c.sent_header.get("signer_lines") for c in this_year.filter(status=CommentStatus.SENT))
    assert reminders.residence_comments_owed(2025) == {tdp7.pk: 1}  # the one overdue

    before = (LinkedAttendance.objects.count(), ResidenceComment.objects.count(), links.count())
    seed_residence_demo(today=TODAY)  # again: nothing new
    assert (LinkedAttendance.objects.count(), ResidenceComment.objects.count(), links.count()) == before
