"""Minutes, resolution numbering, concurrent edits, score, adoption, speeches, tasks, and who may do what."""

import datetime

import pytest
import time_machine
from django.utils import translation

from meetings import access, counting, services
from meetings.documents.content import LEVEL_WORDS
from meetings.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Category,
    Mark,
    Meeting,
    MeetingKind,
    MeetingRules,
    MeetingStatus,
    Minutes,
    Resolution,
    Speech,
    Task,
)
from meetings.models.minutes import ScoreLevel

from ..factories import MemberFactory
from .conftest import TZ, make_meeting
from .test_resolution_numbering import passed_resolution

pytestmark = pytest.mark.system_scope


@pytest.fixture(autouse=True)
def fast_passwords_english_pages(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Messages are checked by their English msgid, whatever the Vietnamese catalogue says.
    settings.LANGUAGE_CODE = "en"


def minutes_data(minutes, **fields):
    data = {"version": minutes.version, "opening": "", "closing": "", "votes_for": "", "votes_against": ""}
    data["votes_abstain"] = ""
    data.update(fields)
    return data


# --- Score levels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "level", "msgid", "word"),
    [
        (100, "good", "Good", "Tốt"),
        (90, "good", "Good", "Tốt"),
        (89, "fair", "Fair", "Khá"),
        (70, "fair", "Fair", "Khá"),
        (69, "average", "Average", "Trung bình"),
        (50, "average", "Average", "Trung bình"),
        (49, "poor", "Poor", "Kém"),
        (0, "poor", "Poor", "Kém"),
    ],
)
def test_score_level_at_the_default_thresholds(total, level, msgid, word):
    assert counting.score_level(total, MeetingRules()) == level
    with translation.override("en"):
        assert ScoreLevel(level).label == msgid
    assert LEVEL_WORDS[level] == word


def test_score_level_follows_the_communes_thresholds():
    rules = MeetingRules(level_good=85, level_fair=65, level_average=45)
    assert [counting.score_level(t, rules) for t in (85, 84, 65, 64, 45, 44)] == [
        "good",
        "fair",
        "fair",
        "average",
        "average",
        "poor",
    ]


def test_good_needs_criteria_marked_full_for_good_at_their_maximum():
    rules = MeetingRules(
        rubric=[
            {"key": "attendance", "label": "Attendance", "max": 20, "full_for_good": True},
            {"key": "rest", "label": "Rest", "max": 80},
        ]
    )
    assert counting.score_level(95, rules, {"attendance": 20, "rest": 75}) == "good"
    assert counting.score_level(95, rules, {"attendance": 19, "rest": 76}) == "fair"


def score_data(minutes, **points):
    """90 points on the default (HD 42) rubric, every criterion needed for Good at its maximum."""
    data = {"version": minutes.version, "score_time": 5, "score_attendance": 5, "score_preparation": 10}
    data.update({"score_conduct": 27, "score_chairing": 8, "score_principles": 5, "score_results": 25})
    data.update({"score_closing": 5})
    data.update({f"score_{key}": value for key, value in points.items()})
    return data


def everyone_present(meeting, by, count=10):
    """A roll fit for Good: ``count`` full members, all present."""
    for member in MemberFactory.create_batch(count, branch=meeting.branch):
        Attendance.objects.create(
            meeting=meeting, member=member, mark=Mark.PRESENT, category=Category.FULL, marked_by=by
        )


def test_secretary_scores_the_meeting_on_the_default_rubric(meeting, secretary):
    everyone_present(meeting, secretary.user)
    minutes = services.minutes.minutes_for(meeting)
    response = secretary.post(f"/meetings/{meeting.pk}/score/", score_data(minutes))
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.scores == {
        "time": 5,
        "attendance": 5,
        "preparation": 10,
        "conduct": 27,
        "chairing": 8,
        "principles": 5,
        "results": 25,
        "closing": 5,
    }
    assert (minutes.score_total, minutes.score_level) == (90, "good")


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ({"conduct": 31}, "Conduct and members&#x27; participation: enter between 0 and 30 points."),
        ({"preparation": -1}, "Preparation: enter between 0 and 10 points."),
        ({"closing": ""}, "Closing and minutes: enter between 0 and 5 points."),
    ],
)
def test_a_criterion_outside_its_range_is_refused(meeting, secretary, points, message):
    minutes = services.minutes.minutes_for(meeting)
    response = secretary.post(f"/meetings/{meeting.pk}/score/", score_data(minutes, **points))
    assert response.status_code == 200
    assert message in response.content.decode()
    minutes.refresh_from_db()
    assert minutes.score_total is None and minutes.version == 1


def test_the_score_service_refuses_points_over_the_maximum(meeting, secretary):
    from django.core.exceptions import ValidationError

    minutes = services.minutes.minutes_for(meeting)
    with pytest.raises(ValidationError):
        services.minutes.score_save(
            minutes=minutes,
            scores={"time": 5, "attendance": 5, "preparation": 11, "conduct": 30, "chairing": 10, "principles": 5}
            | {"results": 30, "closing": 5},
            rules=MeetingRules.objects.for_branch(meeting.branch),
            expected_version=1,
            by=secretary.user,
        )


def test_the_communes_rubric_and_thresholds_apply(tree, meeting, secretary):
    MeetingRules.objects.create(
        organization=tree.commune,
        rubric=[{"key": "time", "label": "Time", "max": 50}, {"key": "results", "label": "Results", "max": 50}],
        level_good=80,
    )
    everyone_present(meeting, secretary.user)
    minutes = services.minutes.minutes_for(meeting)
    response = secretary.post(f"/meetings/{meeting.pk}/score/", {"version": 1, "score_time": 40, "score_results": 41})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert (minutes.score_total, minutes.score_level) == (81, "good")


# --- Confirming the score ----------------------------------------------------------------------


@pytest.fixture
def scored(meeting, secretary):
    everyone_present(meeting, secretary.user)
    minutes = services.minutes.minutes_for(meeting)
    secretary.post(f"/meetings/{meeting.pk}/score/", score_data(minutes))
    minutes.refresh_from_db()
    assert minutes.score_total == 90
    return minutes


def test_assigned_cadre_confirms_the_score(meeting, scored, cadre):
    with time_machine.travel(datetime.datetime(2026, 12, 6, 8, 0, tzinfo=TZ), tick=False):
        response = cadre.post(f"/meetings/{meeting.pk}/score/confirm/", {"version": scored.version})
    assert response.status_code == 302
    scored.refresh_from_db()
    assert scored.score_confirmed_by == cadre.user
    assert scored.score_confirmed_at == datetime.datetime(2026, 12, 6, 8, 0, tzinfo=TZ)
    page = cadre.get(f"/meetings/{meeting.pk}/score/")
    assert page.status_code == 200


def test_secretary_cannot_confirm_the_score(meeting, scored, secretary, leader, plain_member):
    for client in (secretary, leader, plain_member):
        response = client.post(f"/meetings/{meeting.pk}/score/confirm/", {"version": scored.version})
        assert response.status_code == 404
    scored.refresh_from_db()
    assert scored.score_confirmed_by is None and scored.score_confirmed_at is None


def test_cadre_cannot_confirm_a_score_that_changed_since_they_looked(meeting, scored, secretary, cadre):
    seen = scored.version
    secretary.post(f"/meetings/{meeting.pk}/score/", score_data(scored, conduct=20))
    cadre.post(f"/meetings/{meeting.pk}/score/confirm/", {"version": seen})
    scored.refresh_from_db()
    assert scored.score_confirmed_by is None


def test_changing_a_confirmed_score_needs_a_new_confirmation(meeting, scored, secretary, cadre):
    cadre.post(f"/meetings/{meeting.pk}/score/confirm/", {"version": scored.version})
    scored.refresh_from_db()
    assert scored.score_confirmed_by == cadre.user
    secretary.post(f"/meetings/{meeting.pk}/score/", score_data(scored, conduct=20))
    scored.refresh_from_db()
    assert scored.score_confirmed_by is None and scored.score_level == "fair"


def test_cadre_cannot_change_the_score(meeting, scored, cadre):
    response = cadre.post(f"/meetings/{meeting.pk}/score/", score_data(scored, conduct=30))
    assert response.status_code == 404
    scored.refresh_from_db()
    assert scored.score_total == 90


# --- Two editors ------------------------------------------------------------------------------


def test_second_of_two_minutes_editors_is_refused_and_keeps_their_text(meeting, secretary, staff):
    for client in (secretary, staff):
        page = client.get(f"/meetings/{meeting.pk}/minutes/")
        assert page.status_code == 200
        assert page.context["form"]["version"].value() == 1
    with time_machine.travel(datetime.datetime(2026, 12, 5, 21, 40, tzinfo=TZ), tick=False):
        first = secretary.post(
            f"/meetings/{meeting.pk}/minutes/", minutes_data(Minutes(version=1), opening="Bí thư khai mạc.")
        )
    assert first.status_code == 302
    second = staff.post(
        f"/meetings/{meeting.pk}/minutes/", minutes_data(Minutes(version=1), opening="Văn phòng ghi khác.")
    )
    assert second.status_code == 409
    content = second.content.decode()
    assert "Someone else saved these minutes at 21:40; reload to see their changes. Your text is kept below." in content
    assert "Văn phòng ghi khác." in content
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.opening == "Bí thư khai mạc."
    assert minutes.version == 2
    assert minutes.updated_by == secretary.user
    # The refused form still carries the old version: a blind resubmit is refused again.
    again = staff.post(f"/meetings/{meeting.pk}/minutes/", minutes_data(Minutes(version=1), opening="Lần nữa."))
    assert again.status_code == 409
    assert Minutes.objects.get(meeting=meeting).opening == "Bí thư khai mạc."


def text(opening: str) -> dict:
    """Minutes with only an opening: no vote recorded."""
    return {"opening": opening, "closing": "", "votes_for": None, "votes_against": None, "votes_abstain": None}


def test_stale_minutes_save_changes_no_conclusion(meeting, secretary):
    item = AgendaItem.objects.create(meeting=meeting, title="Thảo luận", position=1)
    minutes = services.minutes.minutes_for(meeting)
    services.minutes.minutes_save(minutes=minutes, **text("A"), expected_version=1, by=secretary.user)
    with pytest.raises(services.versions.StaleEdit):
        services.minutes.minutes_save(
            minutes=minutes, **text("B"), conclusions={item.pk: "Đè lên"}, expected_version=1, by=None
        )
    item.refresh_from_db()
    assert item.conclusion == ""


def test_minutes_save_records_history(meeting, secretary):
    minutes = services.minutes.minutes_for(meeting)
    services.minutes.minutes_save(minutes=minutes, **text("A"), expected_version=1, by=secretary.user)
    latest = minutes.history.order_by("-history_date").first()
    assert latest.opening == "A" and latest.history_user == secretary.user and latest.version == 2


def test_second_of_two_resolution_editors_is_refused(meeting, secretary, staff):
    resolution = services.resolution.resolution_for(meeting)
    data = {
        "version": 1,
        "number": 1,
        "title": resolution.title,
        "results": "",
        "implementation": "",
        "assessment": "",
        "recipients": resolution.recipients,
    }
    assert secretary.post(f"/meetings/{meeting.pk}/resolution/", {**data, "results": "Kết quả A"}).status_code == 302
    second = staff.post(f"/meetings/{meeting.pk}/resolution/", {**data, "results": "Kết quả B"})
    assert second.status_code == 409
    assert "Kết quả B" in second.content.decode()
    resolution.refresh_from_db()
    assert resolution.results == "Kết quả A" and resolution.version == 2


# --- Minutes content --------------------------------------------------------------------------


def test_minutes_for_is_get_or_create(meeting):
    assert services.minutes.minutes_for(meeting).pk == services.minutes.minutes_for(meeting).pk
    assert Minutes.objects.filter(meeting=meeting).count() == 1


def test_minutes_save_conclusions_per_agenda_item(meeting, secretary):
    first = AgendaItem.objects.create(meeting=meeting, title="Báo cáo", position=1)
    second = AgendaItem.objects.create(meeting=meeting, title="Thảo luận", position=2)
    minutes = services.minutes.minutes_for(meeting)
    response = secretary.post(
        f"/meetings/{meeting.pk}/minutes/",
        minutes_data(
            minutes,
            opening="Đồng chí Bí thư tuyên bố lý do.",
            **{f"conclusion_{first.pk}": "Thông qua báo cáo.", f"conclusion_{second.pk}": "Giao chi ủy."},
        ),
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.conclusion, second.conclusion) == ("Thông qua báo cáo.", "Giao chi ủy.")


def test_speeches_by_member_or_typed_name(tree, meeting, secretary):
    item = AgendaItem.objects.create(meeting=meeting, title="Thảo luận", position=1)
    speaker = MemberFactory(branch=tree.branch, full_name="Vũ Thị Lan")
    page = secretary.get(f"/meetings/{meeting.pk}/minutes/?step=speeches").content.decode()
    assert '<option value="Vũ Thị Lan">' in page  # suggested once, for every item
    assert page.count('list="speaker-names"') == 1 and page.count('<datalist id="speaker-names">') == 1
    url = f"/meetings/{meeting.pk}/minutes/items/{item.pk}/speeches/"
    response = secretary.post(
        url, {"speaker_name": " Vũ  Thị Lan ", "text": "Đề nghị làm đường."}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Vũ Thị Lan" in response.content.decode()
    assert secretary.post(url, {"speaker_name": "Ông Trưởng thôn", "text": "Nhất trí."}).status_code == 302
    refused = secretary.post(url, {"text": "Không tên"}, HTTP_HX_REQUEST="true")
    assert "Choose the speaker from the list or type their name." in refused.content.decode()
    speeches = list(item.speeches.order_by("position"))
    assert [(s.speaker_id, s.speaker_name, s.position) for s in speeches] == [
        (speaker.pk, "Vũ Thị Lan", 1),
        (None, "Ông Trưởng thôn", 2),
    ]
    removed = secretary.post(f"/meetings/{meeting.pk}/minutes/speeches/{speeches[0].pk}/remove/")
    assert removed.status_code == 302
    assert list(item.speeches.values_list("speaker_name", flat=True)) == ["Ông Trưởng thôn"]


def test_a_speaker_typed_without_accents_is_the_member_printed_as_registered(tree, meeting, secretary):
    item = AgendaItem.objects.create(meeting=meeting, title="Thảo luận", position=1)
    tam = MemberFactory(branch=tree.branch, full_name="Trần Văn Tâm")
    MemberFactory.create_batch(2, branch=tree.branch, full_name="Lê Thị Hoa")
    url = f"/meetings/{meeting.pk}/minutes/items/{item.pk}/speeches/"
    secretary.post(url, {"speaker_name": "tran van tam", "text": "x"})
    secretary.post(url, {"speaker_name": "le thi hoa", "text": "y"})  # two members fold alike: as typed
    secretary.post(url, {"speaker_name": "Bác Tư", "text": "z"})  # a guest: as typed
    assert list(item.speeches.order_by("position").values_list("speaker_id", "speaker_name")) == [
        (tam.pk, "Trần Văn Tâm"),
        (None, "le thi hoa"),
        (None, "Bác Tư"),
    ]


def test_only_the_branchs_members_are_linked_as_speakers(tree, meeting, secretary):
    item = AgendaItem.objects.create(meeting=meeting, title="Thảo luận", position=1)
    MemberFactory(branch=tree.sibling, full_name="Hoàng Văn Nam")
    twin_names = MemberFactory.create_batch(2, branch=tree.branch, full_name="Nguyễn Văn An")
    url = f"/meetings/{meeting.pk}/minutes/items/{item.pk}/speeches/"
    secretary.post(url, {"speaker_name": "Hoàng Văn Nam", "text": "x"})
    secretary.post(url, {"speaker_name": twin_names[0].full_name, "text": "y"})
    assert list(Speech.objects.values_list("speaker_id", "speaker_name")) == [
        (None, "Hoàng Văn Nam"),
        (None, "Nguyễn Văn An"),  # two members share the name: kept as typed
    ]


def test_edit_a_speech(meeting, secretary):
    item = AgendaItem.objects.create(meeting=meeting, title="Thảo luận", position=1)
    speech = Speech.objects.create(agenda_item=item, speaker_name="A", text="cũ")
    url = f"/meetings/{meeting.pk}/minutes/speeches/{speech.pk}/"
    assert secretary.get(url).status_code == 200
    assert secretary.post(url, {"speaker_name": "Bà Hoa", "text": "mới"}).status_code == 302
    speech.refresh_from_db()
    assert (speech.speaker_name, speech.text) == ("Bà Hoa", "mới")


# --- Resolution -------------------------------------------------------------------------------


def test_resolution_numbers_run_per_branch_and_year_without_a_term_start(tree):
    """No committee term recorded: per calendar year (tests/meetings/test_documents_hd36.py: per term)."""
    november = make_meeting(tree.branch, datetime.date(2026, 11, 5))
    december = make_meeting(tree.branch, datetime.date(2026, 12, 5))
    january = make_meeting(tree.branch, datetime.date(2027, 1, 5))
    sibling = make_meeting(tree.sibling, datetime.date(2026, 12, 5))
    assert passed_resolution(november).reference == "Số 01-NQ/CB"
    assert passed_resolution(december).reference == "Số 02-NQ/CB"
    assert passed_resolution(december).number == 2  # the same, not a new number
    assert services.resolution.resolution_for(december).number == 2
    assert passed_resolution(january).reference == "Số 01-NQ/CB"
    assert passed_resolution(sibling).number == 1
    assert (
        services.resolution.resolution_for(december).title
        == "Nghị quyết Chi bộ thôn Song Khê lãnh đạo thực hiện nhiệm vụ tháng 12/2026"
    )


def test_starting_the_resolution_is_a_post(meeting, secretary):
    page = secretary.get(f"/meetings/{meeting.pk}/resolution/")
    assert page.status_code == 200 and not Resolution.objects.exists()
    assert secretary.post(f"/meetings/{meeting.pk}/resolution/start/").status_code == 302
    assert Resolution.objects.get(meeting=meeting).number is None  # numbered when the vote passes
    assert secretary.get(f"/meetings/{meeting.pk}/resolution/").status_code == 200


def test_resolution_number_must_be_free_in_the_term(tree, secretary):
    november = make_meeting(tree.branch, datetime.date(2026, 11, 5))
    december = make_meeting(tree.branch, datetime.date(2026, 12, 5))
    passed_resolution(november)
    resolution = passed_resolution(december)
    data = {"version": resolution.version, "number": 1, "title": resolution.title, "recipients": "x"}
    response = secretary.post(f"/meetings/{december.pk}/resolution/", data)
    assert response.status_code == 200
    assert "already has resolution number 1 in this term (numbered from 01/01/2026)" in response.content.decode()


def test_tasks_add_edit_remove_with_report_back_meeting(tree, secretary):
    december = make_meeting(tree.branch, datetime.date(2026, 12, 5))
    january = make_meeting(tree.branch, datetime.date(2027, 1, 5))
    thematic = make_meeting(tree.branch, datetime.date(2027, 1, 20), kind=MeetingKind.THEMATIC)
    elsewhere = make_meeting(tree.sibling, datetime.date(2027, 1, 5))
    services.resolution.resolution_for(december)
    url = f"/meetings/{december.pk}/resolution/tasks/"
    page = secretary.get(url)
    assert page.context["form"]["report_at"].value() == str(january.pk)  # next month's regular meeting
    choices = [pk for pk, _label in page.context["form"].fields["report_at"].choices if pk]
    assert [int(str(pk)) for pk in choices] == [january.pk, thematic.pk]
    data = {"description": "Vận động làm đường", "lead": "Đ/c Thưởng", "deadline": "2026-12-31"}
    assert secretary.post(url, {**data, "report_at": thematic.pk}).status_code == 302
    assert secretary.post(url, {**data, "report_at": elsewhere.pk}).status_code == 200
    task = Task.objects.get()
    assert (task.report_at, task.deadline) == (thematic, datetime.date(2026, 12, 31))
    edit = f"{url}{task.pk}/"
    assert secretary.post(edit, {**data, "lead": "Chi hội Phụ nữ", "report_at": january.pk}).status_code == 302
    task.refresh_from_db()
    assert (task.lead, task.report_at) == ("Chi hội Phụ nữ", january)
    assert secretary.post(f"{edit}remove/").status_code == 302
    assert not Task.objects.exists()


# --- Adoption ---------------------------------------------------------------------------------


def test_minutes_without_chair_and_minute_taker_cannot_be_adopted(meeting, secretary):
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.HELD, actual_start=meeting.planned_start, actual_end=meeting.planned_end
    )
    secretary.post(f"/meetings/{meeting.pk}/minutes/adopt/")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_the_adoption_page_offers_the_button_only_when_adoption_can_succeed(meeting, secretary, tree):
    page = secretary.get(f"/meetings/{meeting.pk}/minutes/adopt/").content.decode()
    # Not yet held: the step is named, there is no button to tap only to be refused.
    assert 'id="adopt-missing"' in page and "First record that the meeting was held" in page
    assert 'type="submit" class="btn btn-success btn-lg"' not in page
    member = MemberFactory(branch=tree.branch)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.HELD, actual_start=meeting.planned_start, actual_end=meeting.planned_end
    )
    page = secretary.get(f"/meetings/{meeting.pk}/minutes/adopt/").content.decode()
    assert 'id="adopt-missing"' in page and "Finish the roll first" in page
    Attendance.objects.create(
        meeting=meeting, member=member, mark=Mark.PRESENT, category=Category.FULL, marked_by=secretary.user
    )
    Meeting.objects.filter(pk=meeting.pk).update(chair=member, minute_taker=member)
    page = secretary.get(f"/meetings/{meeting.pk}/minutes/adopt/").content.decode()
    assert 'id="adopt-missing"' not in page and 'type="submit" class="btn btn-success btn-lg"' in page
    assert not Minutes.objects.filter(meeting=meeting).exists()  # opening the page wrote nothing


def test_a_meeting_not_yet_held_cannot_be_adopted(meeting, secretary):
    response = secretary.post(f"/meetings/{meeting.pk}/minutes/adopt/")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT and meeting.minutes_adopted_at is None
    assert response.status_code in (200, 302)


def test_secretary_adopts_the_minutes_and_the_roll_locks(tree, meeting, secretary, staff):
    member = MemberFactory(branch=tree.branch)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.HELD,
        actual_start=meeting.planned_start,
        actual_end=meeting.planned_end,
        chair=member,
        minute_taker=member,
    )
    Attendance.objects.create(
        meeting=meeting, member=member, mark=Mark.PRESENT, category=Category.FULL, marked_by=secretary.user
    )
    assert secretary.get(f"/meetings/{meeting.pk}/minutes/adopt/").status_code == 200
    with time_machine.travel(datetime.datetime(2026, 12, 5, 21, 30, tzinfo=TZ), tick=False):
        assert secretary.post(f"/meetings/{meeting.pk}/minutes/adopt/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ADOPTED
    assert meeting.minutes_adopted_at == datetime.datetime(2026, 12, 5, 21, 30, tzinfo=TZ)
    assert not access.can_manage_meeting(secretary.user, meeting)
    assert access.can_manage_meeting(staff.user, meeting)
    # The secretary now reads: no more edits, no second adoption.
    page = secretary.get(f"/meetings/{meeting.pk}/minutes/")
    assert page.status_code == 200 and "form" not in page.context
    minutes = Minutes.objects.get(meeting=meeting)
    assert secretary.post(f"/meetings/{meeting.pk}/minutes/", minutes_data(minutes, opening="x")).status_code == 404
    assert secretary.post(f"/meetings/{meeting.pk}/minutes/adopt/").status_code == 404
    # Nobody edits adopted minutes, commune staff included: they record an amendment instead.
    response = staff.post(f"/meetings/{meeting.pk}/minutes/", minutes_data(minutes, opening="Sửa bởi xã"))
    assert response.status_code == 404
    assert Minutes.objects.get(meeting=meeting).opening != "Sửa bởi xã"
    assert "Record an amendment" in staff.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Record an amendment" not in secretary.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert (
        secretary.post(f"/meetings/{meeting.pk}/minutes/amend/", {"document": "minutes", "text": "x"}).status_code
        == 404
    )
    response = staff.post(
        f"/meetings/{meeting.pk}/minutes/amend/", {"document": "minutes", "text": "Thư ký là đồng chí khác."}
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get(meeting=meeting)
    assert amendment.made_by == staff.user and amendment.text == "Thư ký là đồng chí khác."
    page = secretary.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "ĐÍNH CHÍNH" in page and "đính chính biên bản: Thư ký là đồng chí khác." in page


def test_cancelled_meeting_cannot_be_adopted(meeting, secretary):
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    secretary.post(f"/meetings/{meeting.pk}/minutes/adopt/")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.minutes_adopted_at is None


@pytest.mark.parametrize("who", ["leader", "plain_member", "cadre"])
def test_readers_cannot_adopt(request, meeting, who):
    client = request.getfixturevalue(who)
    assert client.post(f"/meetings/{meeting.pk}/minutes/adopt/").status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT


# --- Scope ------------------------------------------------------------------------------------


@pytest.fixture
def full_records(tree, secretary):
    """A meeting with minutes, a speech, a resolution with a task, and last month's task to review."""
    november = make_meeting(tree.branch, datetime.date(2026, 11, 5))
    old = Task.objects.create(resolution=services.resolution.resolution_for(november), description="Cũ", lead="A")
    meeting = make_meeting(tree.branch, datetime.date(2026, 12, 5), status=MeetingStatus.HELD)
    item = AgendaItem.objects.create(meeting=meeting, title="Thảo luận", position=1)
    speech = Speech.objects.create(agenda_item=item, speaker_name="A", text="B")
    services.minutes.minutes_for(meeting)
    task = Task.objects.create(resolution=services.resolution.resolution_for(meeting), description="Mới", lead="B")
    return meeting, item, speech, task, old


def _pages(meeting, item, speech, task, old):
    base = f"/meetings/{meeting.pk}"
    return {
        "get": [
            f"{base}/minutes/",
            f"{base}/minutes/adopt/",
            f"{base}/minutes/speeches/{speech.pk}/",
            f"{base}/score/",
            f"{base}/resolution/",
            f"{base}/resolution/tasks/",
            f"{base}/resolution/tasks/{task.pk}/",
            f"{base}/resolution/review/",
            f"{base}/minutes.docx",
            f"{base}/minutes.pdf",
            f"{base}/resolution.docx",
            f"{base}/resolution.pdf",
        ],
        "post": [
            f"{base}/minutes/",
            f"{base}/minutes/adopt/",
            f"{base}/minutes/items/{item.pk}/speeches/",
            f"{base}/minutes/speeches/{speech.pk}/",
            f"{base}/minutes/speeches/{speech.pk}/remove/",
            f"{base}/score/",
            f"{base}/score/confirm/",
            f"{base}/resolution/",
            f"{base}/resolution/start/",
            f"{base}/resolution/tasks/",
            f"{base}/resolution/tasks/{task.pk}/",
            f"{base}/resolution/tasks/{task.pk}/remove/",
            f"{base}/resolution/review/",
            f"{base}/resolution/review/{old.pk}/carry/",
        ],
    }


def test_secretary_and_staff_open_every_page(full_records, secretary, staff):
    for client in (secretary, staff):
        for url in _pages(*full_records)["get"]:
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["leader", "plain_member", "cadre"])
def test_readers_read_only(request, full_records, who):
    client = request.getfixturevalue(who)
    meeting, item, speech, task, old = full_records
    base = f"/meetings/{meeting.pk}"
    # Before adoption: pages answer but show nothing of the drafts; downloads are not offered.
    page = client.get(f"{base}/minutes/")
    assert page.status_code == 200 and not page.context["readable"]
    assert client.get(f"{base}/minutes.pdf").status_code == 404
    # Editing pages and every change are 404 (score/confirm is the cadre's own, tested above).
    edit_only = [f"{base}/minutes/adopt/", f"{base}/resolution/tasks/", f"{base}/resolution/review/"]
    edit_only += [f"{base}/minutes/speeches/{speech.pk}/", f"{base}/resolution/tasks/{task.pk}/"]
    for url in edit_only:
        assert client.get(url).status_code == 404, url
    for url in _pages(*full_records)["post"]:
        if url.endswith("/score/confirm/"):
            continue
        assert client.post(url, {"version": 1, "text": "x", "speaker_name": "x"}).status_code == 404, url
    assert Speech.objects.count() == 1 and Task.objects.count() == 2
    assert Resolution.objects.get(meeting=meeting).version == 1
    # After adoption they read the minutes and the resolution, and download them.
    meeting.status = MeetingStatus.ADOPTED
    meeting.save()
    page = client.get(f"{base}/minutes/")
    assert page.status_code == 200 and page.context["readable"]
    assert "Thảo luận" in page.content.decode()
    assert "Mới" in client.get(f"{base}/resolution/").content.decode()
    assert client.get(f"{base}/minutes.pdf").status_code == 200


def test_meeting_page_shows_the_records_partial(full_records, secretary, plain_member):
    meeting = full_records[0]
    page = secretary.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"/meetings/{meeting.pk}/minutes/" in page
    assert f"/meetings/{meeting.pk}/minutes.pdf" in page
    assert "draft, numbered when passed" in page
    member_page = plain_member.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"/meetings/{meeting.pk}/minutes.pdf" not in member_page


def test_pages_use_no_inline_styles_or_scripts(full_records, secretary):
    for url in _pages(*full_records)["get"]:
        if url.endswith((".pdf", ".docx")):
            continue
        content = secretary.get(url).content.decode()
        assert 'style="' not in content, url
        assert "<script>" not in content, url
        # At most one <style>: the site's stylesheet written into the head with the CSP nonce, on a
        # browser's first page (then linked: chibo/stylesheet.py).
        assert content.count("<style") == content.count('<style nonce="') <= 1, url
