"""The vote on the resolution: in favour + against + abstaining = full members present who vote."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from meetings import counting, selectors, services
from meetings.models import Attendance, Category, Mark, Minutes

from ..factories import MemberFactory

pytestmark = pytest.mark.system_scope


@pytest.fixture(autouse=True)
def fast_passwords_english_pages(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Messages are checked by their English msgid, whatever the Vietnamese catalogue says.
    settings.LANGUAGE_CODE = "en"


def mark(meeting, member, how, category=Category.FULL):
    marker = get_user_model().objects.get_or_create(username="marker")[0]
    Attendance.objects.create(meeting=meeting, member=member, mark=how, category=category, marked_by=marker)


# (in favour, against, abstaining, voters) -> error fragment or None
CASES = [
    pytest.param(10, 0, 0, 10, None, id="all in favour"),
    pytest.param(7, 2, 1, 10, None, id="sum equal"),
    pytest.param(0, 0, 0, 0, "No full members are recorded as present", id="no full members present"),
    pytest.param(1, 0, 0, 0, "No full members are recorded as present", id="votes without full members"),
    pytest.param(8, 2, 1, 10, "In favour (8) + against (2) + abstaining (1) = 11, but 10 full members", id="one over"),
    pytest.param(7, 2, 0, 10, "In favour (7) + against (2) + abstaining (0) = 9, but 10 full members", id="one under"),
    pytest.param(None, None, None, 10, None, id="no vote recorded yet"),
    pytest.param(10, None, 0, 10, "Enter all three numbers", id="a number missing"),
]


@pytest.mark.parametrize(("votes_for", "against", "abstain", "voters", "error"), CASES)
def test_check_votes(votes_for, against, abstain, voters, error):
    call = {"votes_for": votes_for, "votes_against": against, "votes_abstain": abstain, "voters": voters}
    if error is None:
        counting.check_votes(**call)
    else:
        with pytest.raises(ValidationError) as raised:
            counting.check_votes(**call)
        assert error in " ".join(raised.value.messages)


def test_voters_are_full_members_present_including_late_and_left_early(tree, meeting):
    present = MemberFactory.create_batch(3, branch=tree.branch)
    late, left_early, excused, unexcused = MemberFactory.create_batch(4, branch=tree.branch)
    probationary = MemberFactory(branch=tree.branch, status="probationary", full_member_on=None)
    attached = MemberFactory(branch=tree.branch, temporarily_attached=True)
    for member in present:
        mark(meeting, member, Mark.PRESENT)
    mark(meeting, late, Mark.LATE)
    mark(meeting, left_early, Mark.LEFT_EARLY)
    mark(meeting, excused, Mark.EXCUSED)
    mark(meeting, unexcused, Mark.UNEXCUSED)
    mark(meeting, probationary, Mark.PRESENT, Category.PROBATIONARY)
    mark(meeting, attached, Mark.PRESENT, Category.ATTACHED)
    assert selectors.minutes.voters(meeting) == 5


def _post(client, meeting, **votes):
    minutes = services.minutes.minutes_for(meeting)
    data = {"version": minutes.version, "opening": "Khai mạc", "closing": ""}
    data.update({key: "" if value is None else value for key, value in votes.items()})
    return client.post(f"/meetings/{meeting.pk}/minutes/", data)


@pytest.mark.parametrize(
    ("votes", "saved"),
    [
        pytest.param({"votes_for": 3, "votes_against": 1, "votes_abstain": 0}, True, id="adds up"),
        pytest.param({"votes_for": 4, "votes_against": 1, "votes_abstain": 0}, False, id="off by one"),
    ],
)
def test_minutes_form_refuses_a_vote_that_does_not_add_up(tree, meeting, secretary, votes, saved):
    for member in MemberFactory.create_batch(4, branch=tree.branch):
        mark(meeting, member, Mark.PRESENT)
    response = _post(secretary, meeting, **votes)
    minutes = Minutes.objects.get(meeting=meeting)
    if saved:
        assert response.status_code == 302
        assert (minutes.votes_for, minutes.votes_against, minutes.votes_abstain) == (3, 1, 0)
    else:
        assert response.status_code == 200
        content = response.content.decode()
        assert "In favour (4) + against (1) + abstaining (0) = 5, but 4 full members are present and vote." in content
        assert minutes.votes_for is None and minutes.opening == "" and minutes.version == 1


def test_minutes_form_with_nobody_present_refuses_a_vote(meeting, secretary):
    response = _post(secretary, meeting, votes_for=0, votes_against=0, votes_abstain=0)
    assert response.status_code == 200
    assert "No full members are recorded as present" in response.content.decode()
    assert Minutes.objects.get(meeting=meeting).votes_for is None


def test_the_minutes_service_itself_refuses_a_vote_that_does_not_add_up(tree, meeting, secretary):
    """The rule holds for every caller, not only the form: nothing is saved."""
    for member in MemberFactory.create_batch(4, branch=tree.branch):
        mark(meeting, member, Mark.PRESENT)
    minutes = services.minutes.minutes_for(meeting)
    with pytest.raises(ValidationError) as raised:
        services.minutes.minutes_save(
            minutes=minutes,
            opening="Khai mạc",
            closing="",
            votes_for=4,
            votes_against=1,
            votes_abstain=0,
            expected_version=minutes.version,
            by=secretary.user,
        )
    assert raised.value.code == "vote_sum"
    minutes.refresh_from_db()
    assert (minutes.votes_for, minutes.opening, minutes.version) == (None, "", 1)


@pytest.mark.parametrize("page", ["minutes", "score"])
def test_opening_the_minutes_or_score_page_creates_nothing(meeting, secretary, page):
    response = secretary.get(f"/meetings/{meeting.pk}/{page}/")
    assert response.status_code == 200
    assert not Minutes.objects.filter(meeting=meeting).exists()
