"""Next month's section I starts from last month's tasks: nothing is retyped."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from docx import Document

from meetings import documents, selectors, services
from meetings.models import MeetingKind, Resolution, Task, TaskOutcome

from .conftest import at, make_meeting

pytestmark = pytest.mark.system_scope

NOVEMBER = datetime.date(2026, 11, 5)
DECEMBER = datetime.date(2026, 12, 5)
JANUARY = datetime.date(2027, 1, 5)


@pytest.fixture(autouse=True)
def fast_passwords_english_pages(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def december_meeting_day():
    """Today is December's meeting day: a carried task's new deadline is from today on."""
    with time_machine.travel(at(DECEMBER, 20)):
        yield


def issued(resolution: Resolution) -> Resolution:
    """The resolution as passed and adopted: numbered (tests/meetings/test_resolution_numbering.py
    numbers them through the vote and services.resolution.resolution_issue)."""
    last = Resolution.objects.filter(branch=resolution.branch, number__isnull=False).count()
    Resolution.objects.filter(pk=resolution.pk).update(number=last + 1)
    resolution.refresh_from_db()
    return resolution


def carry_url(meeting, task):
    return f"/meetings/{meeting.pk}/resolution/review/{task.pk}/carry/"


def carry_data(task, deadline="31/12/2026"):
    return {f"carry-{task.pk}-deadline": deadline}


@pytest.fixture
def months(tree):
    """November's resolution (passed) with three tasks; December's meeting and draft resolution;
    January's meeting."""
    november = make_meeting(tree.branch, NOVEMBER)
    december = make_meeting(tree.branch, DECEMBER)
    january = make_meeting(tree.branch, JANUARY)
    first = issued(services.resolution.resolution_for(november))
    tasks = [
        Task.objects.create(resolution=first, position=n, description=text, lead=lead, report_at=december)
        for n, (text, lead) in enumerate(
            [
                ("Tu sửa nhà văn hóa thôn", "Trưởng thôn"),
                ("Vận động nộp quỹ khuyến học", "Chi hội Khuyến học"),
                ("Vệ sinh môi trường đường làng", "Chi hội Phụ nữ"),
            ],
            start=1,
        )
    ]
    second = services.resolution.resolution_for(december)
    return november, december, january, first, second, tasks


def review_data(tasks, outcomes):
    data = {}
    for task, (outcome, note) in zip(tasks, outcomes, strict=True):
        data[f"task-{task.pk}-outcome"] = outcome
        data[f"task-{task.pk}-note"] = note
    return data


def test_section_one_lists_every_task_of_last_months_resolution(months, secretary):
    november, december, january, first, second, tasks = months
    assert selectors.resolution.previous_resolution(december) == first
    assert selectors.resolution.tasks_to_review(december) == tasks
    page = secretary.get(f"/meetings/{december.pk}/resolution/review/")
    assert page.status_code == 200
    assert [row["task"] for row in page.context["rows"]] == tasks
    content = page.content.decode()
    for task in tasks:
        assert task.description in content
    # November itself has nothing to review; December's own tasks never review themselves.
    assert selectors.resolution.tasks_to_review(november) == []


def test_marking_outcomes_updates_last_months_tasks(months, secretary):
    november, december, january, first, second, tasks = months
    outcomes = [
        (TaskOutcome.DONE, "Đã xong ngày 20/11"),
        (TaskOutcome.IN_PROGRESS, "Đạt 60%"),
        (TaskOutcome.NOT_DONE, "Chưa có kinh phí"),
    ]
    response = secretary.post(f"/meetings/{december.pk}/resolution/review/", review_data(tasks, outcomes))
    assert response.status_code == 302
    for task, (outcome, note) in zip(tasks, outcomes, strict=True):
        task.refresh_from_db()
        assert (task.outcome, task.outcome_note) == (outcome, note)
        assert task.resolution == first  # the same rows, nothing copied
    assert Task.objects.count() == 3
    latest = tasks[0].history.order_by("-history_date").first()
    assert latest.history_user == secretary.user


def test_carrying_a_not_done_task_into_this_months_section_two(months, secretary):
    november, december, january, first, second, tasks = months
    outcomes = [(TaskOutcome.DONE, ""), (TaskOutcome.IN_PROGRESS, ""), (TaskOutcome.NOT_DONE, "Chưa có kinh phí")]
    secretary.post(f"/meetings/{december.pk}/resolution/review/", review_data(tasks, outcomes))
    not_done = tasks[2]
    url = carry_url(december, not_done)
    assert secretary.post(url, carry_data(not_done)).status_code == 302
    # A second click carries nothing more (whatever deadline it sends, or none).
    assert secretary.post(url, carry_data(not_done, "15/01/2027")).status_code == 302
    assert secretary.post(url, carry_data(not_done, "")).status_code == 302
    carried = Task.objects.get(resolution=second)
    assert carried.carried_from == not_done
    assert (carried.description, carried.lead) == ("Vệ sinh môi trường đường làng", "Chi hội Phụ nữ")
    assert carried.deadline == datetime.date(2026, 12, 31)  # the new deadline
    assert carried.report_at == january  # next month's regular meeting
    page = secretary.get(f"/meetings/{december.pk}/resolution/review/")
    assert [row["carried"] for row in page.context["rows"]] == [False, False, True]


def test_a_done_task_is_not_carried(months, secretary):
    november, december, january, first, second, tasks = months
    secretary.post(
        f"/meetings/{december.pk}/resolution/review/",
        review_data(tasks, [(TaskOutcome.DONE, ""), (TaskOutcome.DONE, ""), (TaskOutcome.DONE, "")]),
    )
    response = secretary.post(carry_url(december, tasks[0]), carry_data(tasks[0]), follow=True)
    assert "Only tasks marked in progress or not done can be carried forward." in response.content.decode()
    assert not Task.objects.filter(resolution=second).exists()


def test_only_tasks_under_review_here_can_be_carried(tree, months, secretary):
    november, december, january, first, second, tasks = months
    elsewhere = issued(services.resolution.resolution_for(make_meeting(tree.sibling, NOVEMBER)))
    foreign = Task.objects.create(resolution=elsewhere, description="x", lead="y", outcome=TaskOutcome.NOT_DONE)
    assert secretary.post(carry_url(december, foreign), carry_data(foreign)).status_code == 404
    assert not Task.objects.filter(resolution=second).exists()


def test_previous_resolution_is_the_previous_regular_meetings_of_the_branch(tree, months):
    november, december, january, first, second, tasks = months
    october = make_meeting(tree.branch, datetime.date(2026, 10, 5))
    issued(services.resolution.resolution_for(october))
    later_same_month = make_meeting(tree.branch, datetime.date(2026, 11, 25), kind=MeetingKind.EXTRAORDINARY)
    issued(services.resolution.resolution_for(make_meeting(tree.sibling, datetime.date(2026, 11, 25))))
    extraordinary = issued(services.resolution.resolution_for(later_same_month))
    # An extraordinary meeting in between does not hide last month's monthly resolution.
    assert selectors.resolution.previous_resolution(december) == first != extraordinary
    assert selectors.resolution.previous_resolution(later_same_month) == first
    # December's resolution is still a draft: January would review November's.
    assert selectors.resolution.previous_resolution(january) == first
    issued(second)
    assert selectors.resolution.previous_resolution(january) == second
    assert selectors.resolution.previous_resolution(october) is None


def test_an_older_task_due_back_at_this_meeting_is_reviewed_too(tree, months):
    november, december, january, first, second, tasks = months
    october = make_meeting(tree.branch, datetime.date(2026, 10, 5))
    long_task = Task.objects.create(
        resolution=issued(services.resolution.resolution_for(october)),
        description="Dồn điền đổi thửa",
        lead="HTX",
        report_at=december,
    )
    assert selectors.resolution.tasks_to_review(december) == [long_task, *tasks]


def test_resolution_documents_show_last_months_outcomes(months, secretary):
    november, december, january, first, second, tasks = months
    outcomes = [(TaskOutcome.DONE, "Xong"), (TaskOutcome.IN_PROGRESS, "Đạt 60%"), (TaskOutcome.NOT_DONE, "Thiếu")]
    secretary.post(f"/meetings/{december.pk}/resolution/review/", review_data(tasks, outcomes))
    secretary.post(carry_url(december, tasks[2]), carry_data(tasks[2], "10/01/2027"))
    document = Document(io.BytesIO(documents.resolution_docx(december)))
    section_one, section_two = document.tables[1], document.tables[2]
    assert [[c.text for c in row.cells] for row in section_one.rows[1:]] == [
        ["1", "Tu sửa nhà văn hóa thôn", "Trưởng thôn", "Hoàn thành", "Xong"],
        ["2", "Vận động nộp quỹ khuyến học", "Chi hội Khuyến học", "Đang thực hiện", "Đạt 60%"],
        ["3", "Vệ sinh môi trường đường làng", "Chi hội Phụ nữ", "Chưa thực hiện", "Thiếu"],
    ]
    assert [c.text for c in section_two.rows[1].cells] == [
        "1",
        "Vệ sinh môi trường đường làng",
        "Chi hội Phụ nữ",
        "10/01/2027",
        "Kỳ sinh hoạt tháng 01/2027 (05/01/2027)",
    ]


def test_database_refuses_a_repeated_resolution_number(tree):
    first = issued(services.resolution.resolution_for(make_meeting(tree.branch, datetime.date(2026, 10, 5))))
    second_meeting = make_meeting(tree.branch, datetime.date(2026, 10, 20), kind="extraordinary")
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.create(
            meeting=second_meeting,
            branch=tree.branch,
            number=first.number,
            year=first.year,
            series_start=first.series_start,
            title="x",
        )
    # Started, it is a draft: numbered only when passed (tests/meetings/test_resolution_numbering.py).
    assert services.resolution.resolution_for(second_meeting).number is None


# --- Carrying: a new deadline, and nothing twice in section II ---------------------------------------


def outcomes_posted(secretary, december, tasks):
    outcomes = [(TaskOutcome.DONE, ""), (TaskOutcome.IN_PROGRESS, "Đạt 60%"), (TaskOutcome.NOT_DONE, "Chưa làm")]
    secretary.post(f"/meetings/{december.pk}/resolution/review/", review_data(tasks, outcomes))


def test_the_review_page_asks_for_the_new_deadline(months, secretary):
    november, december, january, first, second, tasks = months
    outcomes_posted(secretary, december, tasks)
    page = secretary.get(f"/meetings/{december.pk}/resolution/review/").content.decode()
    for task in tasks[1:]:
        assert f'name="carry-{task.pk}-deadline"' in page
    assert f'name="carry-{tasks[0].pk}-deadline"' not in page  # done: nothing to carry


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        pytest.param("", "Enter the new deadline.", id="none"),
        pytest.param("04/12/2026", "The new deadline cannot be in the past (today is 05/12/2026).", id="past"),
        pytest.param("31/02/2027", "Enter a valid date.", id="not a date"),
    ],
)
def test_carrying_needs_a_deadline_from_today_on(months, secretary, typed, error):
    november, december, january, first, second, tasks = months
    outcomes_posted(secretary, december, tasks)
    response = secretary.post(carry_url(december, tasks[2]), carry_data(tasks[2], typed))
    assert response.status_code == 200
    content = response.content.decode()
    assert error in content
    assert f'value="{typed}"' in content or not typed  # what was typed is kept
    assert not Task.objects.filter(resolution=second).exists()


def test_a_deadline_of_today_is_not_in_the_past(months, secretary):
    november, december, january, first, second, tasks = months
    outcomes_posted(secretary, december, tasks)
    assert secretary.post(carry_url(december, tasks[2]), carry_data(tasks[2], "05/12/2026")).status_code == 302
    assert Task.objects.get(resolution=second).deadline == DECEMBER


def test_the_carry_service_itself_wants_a_deadline_not_in_the_past(months):
    november, december, january, first, second, tasks = months
    services.resolution.tasks_review(meeting=december, outcomes={tasks[2].pk: (TaskOutcome.NOT_DONE, "")}, by=None)
    for deadline, code in ((None, "required"), (datetime.date(2026, 12, 4), "deadline_past")):
        with pytest.raises(ValidationError) as raised:
            services.resolution.task_carry(task=tasks[2], into=second, deadline=deadline, by=None)
        assert [e.code for e in raised.value.error_dict["deadline"]] == [code]
    # ``today`` is the day the carry is made (the demo carries on its past meeting days).
    carried = services.resolution.task_carry(
        task=tasks[2], into=second, deadline=datetime.date(2026, 11, 20), by=None, today=datetime.date(2026, 11, 5)
    )
    assert carried.deadline == datetime.date(2026, 11, 20)


def test_a_task_typed_into_section_two_is_not_carried_again(months, secretary):
    november, december, january, first, second, tasks = months
    outcomes_posted(secretary, december, tasks)
    services.resolution.task_save(
        resolution=second, description="  vệ sinh MÔI TRƯỜNG\n đường làng ", lead="Chi hội Phụ nữ", by=None
    )
    response = secretary.post(carry_url(december, tasks[2]), carry_data(tasks[2]))
    assert response.status_code == 200
    assert "This task is already in section II." in response.content.decode()
    assert Task.objects.filter(resolution=second).count() == 1


def test_a_task_already_in_section_two_is_not_added_twice(months, secretary):
    november, december, january, first, second, tasks = months
    url = f"/meetings/{december.pk}/resolution/tasks/"
    data = {"description": "Sửa đường trục thôn", "lead": "Trưởng thôn", "deadline": "", "report_at": ""}
    assert secretary.post(url, data).status_code == 302
    again = {**data, "description": "sửa  đường TRỤC thôn", "lead": "Chi ủy"}
    response = secretary.post(url, again)
    assert response.status_code == 200
    content = response.content.decode()
    assert "This task is already in section II." in content
    assert "sửa  đường TRỤC thôn" in content  # what was typed is kept
    assert Task.objects.filter(resolution=second).count() == 1
    # Nor by editing another task into the same words; a task saved as itself is fine.
    other = services.resolution.task_save(resolution=second, description="Thu quỹ", lead="A", by=None)
    with pytest.raises(ValidationError) as raised:
        services.resolution.task_save(
            resolution=second, task=other, description="SỬA ĐƯỜNG TRỤC THÔN", lead="A", by=None
        )
    assert raised.value.error_dict["description"][0].code == "task_repeated"
    services.resolution.task_save(resolution=second, task=other, description="Thu quỹ", lead="B", by=None)
    # Another resolution's section II is another list.
    services.resolution.task_save(resolution=first, description="Sửa đường trục thôn", lead="A", by=None)


def test_a_carried_task_is_not_carried_twice_nor_typed_again(months):
    november, december, january, first, second, tasks = months
    services.resolution.tasks_review(meeting=december, outcomes={tasks[1].pk: (TaskOutcome.IN_PROGRESS, "")}, by=None)
    deadline = datetime.date(2027, 1, 31)
    carried = services.resolution.task_carry(task=tasks[1], into=second, deadline=deadline, by=None)
    assert services.resolution.task_carry(task=tasks[1], into=second, deadline=deadline, by=None) == carried
    with pytest.raises(ValidationError):
        services.resolution.task_save(resolution=second, description=tasks[1].description, lead="X", by=None)
    assert Task.objects.filter(resolution=second).count() == 1


def test_the_repeat_is_refused_in_vietnamese(months, secretary, settings):
    november, december, january, first, second, tasks = months
    settings.LANGUAGE_CODE = "vi"
    url = f"/meetings/{december.pk}/resolution/tasks/"
    data = {"description": "Sửa đường trục thôn", "lead": "Trưởng thôn", "deadline": "", "report_at": ""}
    secretary.post(url, data)
    response = secretary.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")
    assert "Nhiệm vụ này đã có trong mục II." in response.content.decode()
