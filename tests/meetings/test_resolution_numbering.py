"""A resolution exists, and takes its number, only if the branch passed it: more than half of the
voting base in favour (meetings.counting.vote_result). The number is given at the adoption of the
minutes (services.resolution.resolution_issue); until then, and for good when the vote failed, the
resolution is a draft without a number, and next month's section I looks further back."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from meetings import selectors, services
from meetings.models import (
    Attendance,
    Category,
    Mark,
    MeetingKind,
    MeetingRules,
    MeetingStatus,
    Minutes,
    Resolution,
    Task,
)
from members.models import Member, MemberStatus

from ..factories import MemberFactory
from .conftest import at, make_meeting

pytestmark = pytest.mark.system_scope

JULY = datetime.date(2026, 7, 5)
AUGUST = datetime.date(2026, 8, 5)
SEPTEMBER = datetime.date(2026, 9, 5)
OCTOBER = datetime.date(2026, 10, 5)


@pytest.fixture(autouse=True)
def fast_passwords_english_pages(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def voters(tree):
    """Four full members of Song Khê: the voting base when all are present."""
    return MemberFactory.create_batch(4, branch=tree.branch)


def voted(branch, day, members, votes_for, *, kind=MeetingKind.REGULAR, adopted=True):
    """A held meeting where every member came and ``votes_for`` of them voted for the resolution
    (the rest against), with its resolution started before the vote."""
    meeting = make_meeting(
        branch,
        day,
        kind=kind,
        status=MeetingStatus.ADOPTED if adopted else MeetingStatus.HELD,
        actual_start=at(day, 19, 30),
        actual_end=at(day, 21, 30),
        minutes_adopted_at=at(day, 21, 30) if adopted else None,
    )
    marker = get_user_model().objects.get_or_create(username="marker")[0]
    for member in members:
        Attendance.objects.create(
            meeting=meeting, member=member, mark=Mark.PRESENT, category=Category.FULL, marked_by=marker
        )
    if votes_for is not None:
        Minutes.objects.create(
            meeting=meeting, votes_for=votes_for, votes_against=len(members) - votes_for, votes_abstain=0
        )
    services.resolution.resolution_for(meeting)
    return meeting


def issue(meeting):
    return services.resolution.resolution_issue(meeting=meeting, by=None)


def passed_resolution(meeting) -> Resolution:
    """The meeting's resolution, passed and numbered: every full member of the branch (one made if
    there is none) marked present and voting for it, then ``resolution_issue``. For tests of what
    comes after the vote (numbers in a term, documents, next month's review)."""
    marker = get_user_model().objects.get_or_create(username="marker")[0]
    members = list(Member.objects.filter(branch=meeting.branch, status=MemberStatus.FULL, left_on__isnull=True))
    for member in members or [MemberFactory(branch=meeting.branch)]:
        Attendance.objects.get_or_create(
            meeting=meeting,
            member=member,
            defaults={"mark": Mark.PRESENT, "category": Category.FULL, "marked_by": marker},
        )
    minutes = services.minutes.minutes_for(meeting)
    if minutes.votes_for is None:
        voters = selectors.minutes.voters(meeting)
        Minutes.objects.filter(pk=minutes.pk).update(votes_for=voters, votes_against=0, votes_abstain=0)
    services.resolution.resolution_for(meeting)
    return issue(meeting)


def test_a_started_resolution_is_a_draft_without_a_number(tree, voters):
    meeting = voted(tree.branch, AUGUST, voters, 4, adopted=False)
    draft = Resolution.objects.get(meeting=meeting)
    assert draft.number is None and not draft.issued
    assert not selectors.resolution.resolution_passed(draft)
    assert (draft.year, draft.series_start) == (2026, datetime.date(2026, 1, 1))
    assert draft.reference == "Số …-NQ/CB" and str(draft) == "…-NQ/CB"


def test_a_passed_vote_numbers_the_resolution_at_adoption(tree, voters):
    meeting = voted(tree.branch, AUGUST, voters, 3)  # 3 of 4: more than half
    resolution = issue(meeting)
    assert resolution.number == 1 and resolution.reference == "Số 01-NQ/CB"
    assert selectors.resolution.resolution_passed(resolution)
    assert resolution.history.first().number == 1  # the history shows when it was numbered
    # Issued again (the adoption service and the demo may both call it): it keeps its number.
    assert issue(meeting).number == 1
    assert Resolution.objects.get(meeting=meeting).number == 1


@pytest.mark.parametrize(
    ("votes_for", "why"),
    [
        pytest.param(2, "half", id="exactly half is not more than half"),
        pytest.param(0, "none", id="none in favour"),
        pytest.param(None, "no vote", id="no vote recorded"),
    ],
)
def test_a_failed_or_missing_vote_leaves_a_draft(tree, voters, votes_for, why):
    meeting = voted(tree.branch, AUGUST, voters, votes_for)
    assert issue(meeting) is None, why
    assert Resolution.objects.get(meeting=meeting).number is None


def test_no_resolution_nothing_to_issue(tree, voters):
    meeting = make_meeting(tree.branch, AUGUST)
    assert services.resolution.resolution_issue(meeting=meeting, by=None) is None
    assert not Resolution.objects.exists()


def test_numbers_count_only_the_resolutions_that_passed(tree, voters):
    """Song Khê 05/08: half in favour, not passed. September's is 01, October's 02; the sibling
    branch numbers on its own."""
    august = voted(tree.branch, AUGUST, voters, 2)
    september = voted(tree.branch, SEPTEMBER, voters, 4)
    october = voted(tree.branch, OCTOBER, voters, 3)
    for meeting in (august, september, october):
        issue(meeting)
    numbers = [Resolution.objects.get(meeting=m).number for m in (august, september, october)]
    assert numbers == [None, 1, 2]
    sibling = voted(tree.sibling, OCTOBER, MemberFactory.create_batch(3, branch=tree.sibling), 2)
    assert issue(sibling).number == 1


def test_the_next_free_number_in_the_series(tree, voters):
    """Numbered in the order they are adopted, after the highest of the series."""
    MeetingRules.objects.create(organization=tree.commune, term_started_on=datetime.date(2026, 9, 1))
    august = voted(tree.branch, AUGUST, voters, 4)
    september = voted(tree.branch, SEPTEMBER, voters, 4)
    october = voted(tree.branch, OCTOBER, voters, 4)
    assert issue(august).number == 1  # the term before
    assert issue(october).number == 1  # the new term starts at 01
    assert issue(september).number == 2
    assert Resolution.objects.get(meeting=september).series_start == datetime.date(2026, 9, 1)


def test_next_month_reviews_the_last_resolution_that_passed(tree, voters):
    """August's vote failed: September reviews July's tasks, not August's."""
    july = voted(tree.branch, JULY, voters, 4)
    august = voted(tree.branch, AUGUST, voters, 2)
    september = voted(tree.branch, SEPTEMBER, voters, 4, adopted=False)
    issue(july), issue(august)
    july_task = services.resolution.task_save(
        resolution=july.resolution, description="Làm đường", lead="Chi ủy", by=None
    )
    # Even due back at September's meeting, a task of the failed resolution is not reviewed.
    services.resolution.task_save(
        resolution=august.resolution, description="Đào mương", lead="Chi ủy", report_at=september, by=None
    )
    assert selectors.resolution.previous_resolution(september) == july.resolution
    assert selectors.resolution.tasks_to_review(september) == [july_task]
    page_tasks = [t.description for t in selectors.resolution.tasks_to_review(august)]
    assert page_tasks == ["Làm đường"]  # August reviewed July's too


def test_a_draft_is_not_reviewed_until_it_is_issued(tree, voters):
    july = voted(tree.branch, JULY, voters, 4, adopted=False)
    august = voted(tree.branch, AUGUST, voters, 4, adopted=False)
    task = services.resolution.task_save(resolution=july.resolution, description="Làm đường", lead="A", by=None)
    assert selectors.resolution.previous_resolution(august) is None
    assert selectors.resolution.tasks_to_review(august) == []
    issue(july)
    assert selectors.resolution.tasks_to_review(august) == [task]


# --- The edit form -----------------------------------------------------------------------------------


def resolution_post(resolution, **fields):
    data = {"version": resolution.version, "title": resolution.title, "recipients": "- Lưu chi bộ."}
    data.update(fields)
    return data


def test_a_draft_has_no_number_to_type(tree, voters, secretary):
    meeting = voted(tree.branch, AUGUST, voters, 4, adopted=False)
    resolution = meeting.resolution
    page = secretary.get(f"/meetings/{meeting.pk}/resolution/")
    assert "number" not in page.context["form"].fields
    content = page.content.decode()
    assert 'name="number"' not in content and "numbered when the minutes are adopted" in content
    # A number posted anyway is not taken.
    response = secretary.post(f"/meetings/{meeting.pk}/resolution/", resolution_post(resolution, number=7))
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert resolution.number is None and resolution.recipients == "- Lưu chi bộ."


def test_an_issued_resolution_keeps_its_number_field(tree, voters, secretary):
    """Numbered and still open to edits (issued before the minutes were locked): its number
    is shown and corrected as before. Adopted minutes lock the record."""
    meeting = voted(tree.branch, AUGUST, voters, 4, adopted=False)
    resolution = issue(meeting)
    page = secretary.get(f"/meetings/{meeting.pk}/resolution/")
    assert page.context["form"]["number"].value() == 1
    assert "Số 01-NQ/CB" in page.content.decode()
    response = secretary.post(f"/meetings/{meeting.pk}/resolution/", resolution_post(resolution, number=3))
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert resolution.number == 3
    response = secretary.post(f"/meetings/{meeting.pk}/resolution/", resolution_post(resolution, number=""))
    assert response.status_code == 200  # an issued number cannot be blanked


def test_a_draft_edited_while_it_was_numbered_is_refused_as_stale(tree, voters, secretary):
    meeting = voted(tree.branch, AUGUST, voters, 4, adopted=False)
    resolution = meeting.resolution
    data = resolution_post(resolution, results="Đã xong")  # the page was opened on the draft
    issue(meeting)
    response = secretary.post(f"/meetings/{meeting.pk}/resolution/", data)
    assert response.status_code == 409
    resolution.refresh_from_db()
    assert (resolution.number, resolution.results) == (1, "")


def test_the_service_gives_no_number_to_a_draft(tree, voters):
    resolution = voted(tree.branch, AUGUST, voters, 4, adopted=False).resolution
    fields = {"title": "x", "results": "", "implementation": "", "assessment": "", "recipients": ""}
    with pytest.raises(ValidationError) as raised:
        services.resolution.resolution_save(
            resolution=resolution, number=1, **fields, expected_version=resolution.version, by=None
        )
    assert raised.value.code == "number_draft"
    services.resolution.resolution_save(resolution=resolution, **fields, expected_version=resolution.version, by=None)
    resolution.refresh_from_db()
    assert (resolution.number, resolution.title) == (None, "x")


def test_the_helper_numbers_through_the_vote(tree):
    meeting = make_meeting(tree.branch, AUGUST)
    assert passed_resolution(meeting).number == 1
    assert selectors.minutes.vote_outcome(meeting).passed
    assert passed_resolution(make_meeting(tree.branch, SEPTEMBER)).number == 2


def test_the_start_page_says_when_the_number_comes(tree, secretary):
    meeting = make_meeting(tree.branch, AUGUST)
    content = secretary.get(f"/meetings/{meeting.pk}/resolution/").content.decode()
    assert "the draft gets the branch's next number when the minutes are adopted, if the vote passed" in content
    secretary.post(f"/meetings/{meeting.pk}/resolution/start/")
    assert Resolution.objects.get(meeting=meeting).number is None


# --- "Báo cáo tại" ------------------------------------------------------------------------------------


def test_report_label_is_never_empty(tree):
    december = make_meeting(tree.branch, datetime.date(2026, 12, 5))
    january = make_meeting(tree.branch, datetime.date(2027, 1, 7))
    resolution = services.resolution.resolution_for(december)
    set_at = Task.objects.create(resolution=resolution, description="a", lead="b", report_at=january)
    not_set = Task.objects.create(resolution=resolution, description="c", lead="d")
    assert selectors.resolution.report_label(set_at) == "Kỳ sinh hoạt tháng 01/2027 (07/01/2027)"
    # No meeting chosen: the next regular meeting's month, the one after the resolution's.
    assert selectors.resolution.report_label(not_set) == "Kỳ sinh hoạt tháng 01/2027"
    assert selectors.resolution.report_month(not_set) == datetime.date(2027, 1, 1)


def test_the_tasks_page_shows_the_month_when_no_meeting_is_set(tree, secretary):
    november = make_meeting(tree.branch, datetime.date(2026, 11, 5))
    resolution = services.resolution.resolution_for(november)
    Task.objects.create(resolution=resolution, description="Sửa cầu", lead="Trưởng thôn")
    content = secretary.get(f"/meetings/{november.pk}/resolution/tasks/").content.decode()
    assert "regular meeting of 12/2026" in content
