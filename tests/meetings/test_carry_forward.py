"""Next month's section I starts from last month's tasks: nothing is retyped."""

import datetime
import io

import pytest
from django.db import IntegrityError, transaction
from docx import Document

from meetings import documents, selectors, services
from meetings.models import MeetingKind, Resolution, Task, TaskOutcome

from .conftest import make_meeting

NOVEMBER = datetime.date(2026, 11, 5)
DECEMBER = datetime.date(2026, 12, 5)
JANUARY = datetime.date(2027, 1, 5)


@pytest.fixture(autouse=True)
def fast_passwords_english_pages(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "en"


def issued(resolution: Resolution) -> Resolution:
    """The resolution as passed and adopted: numbered (tests/meetings/test_resolution_numbering.py
    numbers them through the vote and services.resolution.resolution_issue)."""
    last = Resolution.objects.filter(branch=resolution.branch, number__isnull=False).count()
    Resolution.objects.filter(pk=resolution.pk).update(number=last + 1)
    resolution.refresh_from_db()
    return resolution


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
    url = f"/meetings/{december.pk}/resolution/review/{not_done.pk}/carry/"
    assert secretary.post(url).status_code == 302
    assert secretary.post(url).status_code == 302  # a second click carries nothing more
    carried = Task.objects.get(resolution=second)
    assert carried.carried_from == not_done
    assert (carried.description, carried.lead) == ("Vệ sinh môi trường đường làng", "Chi hội Phụ nữ")
    assert carried.report_at == january  # next month's regular meeting
    page = secretary.get(f"/meetings/{december.pk}/resolution/review/")
    assert [row["carried"] for row in page.context["rows"]] == [False, False, True]


def test_a_done_task_is_not_carried(months, secretary):
    november, december, january, first, second, tasks = months
    secretary.post(
        f"/meetings/{december.pk}/resolution/review/",
        review_data(tasks, [(TaskOutcome.DONE, ""), (TaskOutcome.DONE, ""), (TaskOutcome.DONE, "")]),
    )
    secretary.post(f"/meetings/{december.pk}/resolution/review/{tasks[0].pk}/carry/")
    assert not Task.objects.filter(resolution=second).exists()


def test_only_tasks_under_review_here_can_be_carried(tree, months, secretary):
    november, december, january, first, second, tasks = months
    elsewhere = issued(services.resolution.resolution_for(make_meeting(tree.sibling, NOVEMBER)))
    foreign = Task.objects.create(resolution=elsewhere, description="x", lead="y", outcome=TaskOutcome.NOT_DONE)
    assert secretary.post(f"/meetings/{december.pk}/resolution/review/{foreign.pk}/carry/").status_code == 404
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
    secretary.post(f"/meetings/{december.pk}/resolution/review/{tasks[2].pk}/carry/")
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
        "",
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
