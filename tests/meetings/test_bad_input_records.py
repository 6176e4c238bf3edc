"""Bad input, second pass (issue 22): a refused post to the minutes or the score creates nothing,
and a missing or malformed ``version`` is refused as "changed after you opened this page"."""

import pytest

from meetings import services
from meetings.models import Minutes, Resolution

from .test_records import minutes_data, score_data

pytestmark = pytest.mark.system_scope

STALE_MINUTES = (
    "Biên bản này đã thay đổi sau khi đồng chí mở trang; hãy tải lại trang để xem thay đổi. "
    "Nội dung đồng chí vừa nhập vẫn được giữ ở bên dưới."
)
STALE_RESOLUTION = (
    "Nghị quyết này đã thay đổi sau khi đồng chí mở trang; hãy tải lại trang để xem thay đổi. "
    "Nội dung đồng chí vừa nhập vẫn được giữ ở bên dưới."
)


def counts() -> tuple[int, int, int, int]:
    return (
        Minutes.objects.count(),
        Minutes.history.count(),
        Resolution.objects.count(),
        Resolution.history.count(),
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"votes_for": "abc"},
        {"votes_for": "-1"},
        {"votes_for": "3", "votes_against": "0", "votes_abstain": "0"},  # nobody present votes
    ],
)
def test_a_refused_minutes_post_creates_no_minutes(meeting, secretary, fields):
    before = counts()

    response = secretary.post(f"/meetings/{meeting.pk}/minutes/", minutes_data(Minutes(version=1), **fields))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert counts() == before


def test_a_refused_score_post_creates_no_minutes(meeting, secretary):
    before = counts()

    response = secretary.post(f"/meetings/{meeting.pk}/score/", score_data(Minutes(version=1), conduct=31))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["score_conduct"]
    assert counts() == before


def test_the_first_valid_saves_still_create_the_minutes(meeting, secretary):
    response = secretary.post(f"/meetings/{meeting.pk}/minutes/", minutes_data(Minutes(version=1), opening="Khai mạc."))
    assert response.status_code == 302
    assert Minutes.objects.get(meeting=meeting).opening == "Khai mạc."


def test_the_first_valid_score_creates_the_minutes(meeting, secretary):
    response = secretary.post(f"/meetings/{meeting.pk}/score/", score_data(Minutes(version=1)))
    assert response.status_code == 302
    assert Minutes.objects.get(meeting=meeting).score_total == 90


BAD_VERSIONS = [None, "", "abc", "1.5", "-1", "²", "9" * 30]


def _with_version(data: dict, version) -> dict:
    data = {key: value for key, value in data.items() if key != "version"}
    if version is not None:
        data["version"] = version
    return data


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_bad_version_on_new_minutes_is_refused_as_stale(meeting, secretary, version):
    before = counts()

    response = secretary.post(
        f"/meetings/{meeting.pk}/minutes/", _with_version(minutes_data(Minutes(version=1), opening="Mới"), version)
    )

    assert response.status_code == 409
    assert STALE_MINUTES in response.content.decode()
    assert "Mới" in response.content.decode()  # what was typed is kept
    assert counts() == before


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_bad_version_on_saved_minutes_changes_nothing(meeting, secretary, version):
    minutes = services.minutes.minutes_for(meeting)
    before = counts()

    response = secretary.post(
        f"/meetings/{meeting.pk}/minutes/", _with_version(minutes_data(minutes, opening="Đè lên"), version)
    )

    assert response.status_code == 409
    assert STALE_MINUTES in response.content.decode()
    minutes.refresh_from_db()
    assert (minutes.opening, minutes.version) == ("", 1)
    assert counts() == before


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_bad_version_on_the_score_is_refused_as_stale(meeting, secretary, version):
    before = counts()

    response = secretary.post(f"/meetings/{meeting.pk}/score/", _with_version(score_data(Minutes(version=1)), version))

    assert response.status_code == 409
    assert STALE_MINUTES in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_bad_version_on_the_resolution_is_refused_as_stale(meeting, secretary, version):
    resolution = services.resolution.resolution_for(meeting)
    data = {
        "title": resolution.title,
        "results": "Kết quả mới",
        "implementation": "",
        "assessment": "",
        "recipients": resolution.recipients,
    }
    before = counts()

    response = secretary.post(f"/meetings/{meeting.pk}/resolution/", _with_version(data, version))

    assert response.status_code == 409
    assert STALE_RESOLUTION in response.content.decode()
    resolution.refresh_from_db()
    assert (resolution.results, resolution.version) == ("", 1)
    assert counts() == before
