"""The commune's monthly content guidance reaches every branch's meeting of that month."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from chibo.celery import app
from meetings import services, tasks
from meetings.models import DEFAULT_AGENDA, AgendaItemKind, Attachment, Guidance, MeetingStatus

from .conftest import at, make_meeting

pytestmark = pytest.mark.system_scope

D = datetime.date
PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def eager_tasks():
    """The insert task runs in the test process when the publishing commits."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def _publish(client, tree, month="2026-12", **extra):
    data = {
        "organization": tree.commune.pk,
        "month": month,
        "title": "Định hướng sinh hoạt chi bộ tháng 12/2026",
        "body": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
        **extra,
    }
    # The guidance commits, then its insert task runs (eagerly, see eager_tasks).
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("meetings:guidance_create"), data)


def _guidance_titles(meeting):
    return list(
        meeting.agenda_items.filter(kind=AgendaItemKind.GUIDANCE, guidance__isnull=False).values_list(
            "title", flat=True
        )
    )


def test_staff_publish_and_it_reaches_every_not_yet_held_meeting_of_the_month(staff, tree):
    song_khe = services.schedule.meeting_create(
        branch=tree.branch, planned_start=at(D(2026, 12, 5), 19, 30), planned_end=at(D(2026, 12, 5), 21, 30)
    )
    phu_thinh = make_meeting(tree.sibling, day=D(2026, 12, 6), status=MeetingStatus.NOTICE_SENT)
    held = make_meeting(tree.sibling, day=D(2026, 12, 20), kind="thematic", status=MeetingStatus.HELD)
    january = make_meeting(tree.branch, day=D(2027, 1, 5))
    elsewhere = make_meeting(tree.other_branch, day=D(2026, 12, 5))

    response = _publish(staff, tree)
    guidance = Guidance.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("meetings:guidance_detail", args=[guidance.pk])
    assert (guidance.organization, guidance.month, guidance.published_by) == (tree.commune, D(2026, 12, 1), staff.user)

    title = "Định hướng sinh hoạt chi bộ tháng 12/2026"
    assert _guidance_titles(song_khe) == [title]
    assert _guidance_titles(phu_thinh) == [title]
    assert _guidance_titles(held) == _guidance_titles(january) == _guidance_titles(elsewhere) == []
    # It sits right after the template's guidance item.
    titles = list(song_khe.agenda_items.order_by("position").values_list("title", flat=True))
    guidance_item = next(item["title"] for item in DEFAULT_AGENDA if item["kind"] == "guidance")
    assert titles[titles.index(guidance_item) + 1] == title
    assert list(song_khe.agenda_items.order_by("position").values_list("position", flat=True)) == list(
        range(len(titles))
    )


def test_publishing_with_a_file(staff, tree):
    response = _publish(staff, tree, file=SimpleUploadedFile("huong-dan.pdf", PDF_BYTES))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.guidance == Guidance.objects.get()
    assert attachment.agenda_item is None


def test_a_bad_file_publishes_nothing(staff, tree):
    response = _publish(staff, tree, file=SimpleUploadedFile("huong-dan.pdf", b"MZ not a pdf"))
    assert response.status_code == 200
    assert "huong-dan.pdf" in response.content.decode()
    assert not Guidance.objects.exists()
    assert not Attachment.objects.exists()


def test_a_meeting_scheduled_later_takes_the_guidance(staff, tree):
    _publish(staff, tree)
    services.schedule.schedule_regular_meetings(months_ahead=1, today=D(2026, 12, 1))
    assert _guidance_titles(tree.branch.meetings.get(month=D(2026, 12, 1))) == [
        "Định hướng sinh hoạt chi bộ tháng 12/2026"
    ]
    assert _guidance_titles(tree.branch.meetings.get(month=D(2027, 1, 1))) == []


def test_publishing_twice_to_the_same_meeting_adds_it_once(tree, staff):
    meeting = make_meeting(tree.branch)
    _publish(staff, tree)
    guidance = Guidance.objects.get()
    assert services.agenda.agenda_insert_guidance(meeting, guidance) is None
    assert meeting.agenda_items.filter(guidance=guidance).count() == 1


@pytest.mark.parametrize("persona", ["secretary", "leader", "plain_member", "cadre"])
def test_only_commune_staff_publish(request, tree, persona):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("meetings:guidance_create")).status_code == 404
    assert _publish(client, tree).status_code == 404
    assert not Guidance.objects.exists()


def test_staff_cannot_publish_for_another_commune(outsider, tree):
    response = _publish(outsider, tree)  # tree.commune is not theirs: not a valid choice
    assert response.status_code == 200
    assert not Guidance.objects.exists()


@pytest.fixture
def guidance(tree, staff):
    _publish(staff, tree, file=SimpleUploadedFile("huong-dan.pdf", PDF_BYTES))
    return Guidance.objects.get()


@pytest.mark.parametrize("persona", ["staff", "secretary", "leader", "plain_member", "cadre"])
def test_branches_in_the_subtree_see_the_guidance(request, guidance, persona):
    client = request.getfixturevalue(persona)
    listing = client.get(reverse("meetings:guidance_list"))
    assert guidance.title in listing.content.decode()
    detail = client.get(reverse("meetings:guidance_detail", args=[guidance.pk]))
    assert detail.status_code == 200
    assert guidance.body in detail.content.decode()
    download = client.get(reverse("meetings:attachment_download", args=[guidance.attachments.get().pk]))
    assert download.status_code == 200


def test_outsiders_do_not_see_the_guidance(outsider, guidance):
    assert guidance.title not in outsider.get(reverse("meetings:guidance_list")).content.decode()
    assert outsider.get(reverse("meetings:guidance_detail", args=[guidance.pk])).status_code == 404
    assert outsider.post(reverse("meetings:guidance_upload", args=[guidance.pk])).status_code == 404
    file_pk = guidance.attachments.get().pk
    assert outsider.get(reverse("meetings:attachment_download", args=[file_pk])).status_code == 404


def test_staff_add_files_to_a_guidance_and_others_cannot(staff, secretary, guidance):
    url = reverse("meetings:guidance_upload", args=[guidance.pk])
    assert secretary.post(url, {"file": SimpleUploadedFile("x.pdf", PDF_BYTES)}).status_code == 404
    assert staff.post(url, {"file": SimpleUploadedFile("phu-luc.pdf", PDF_BYTES)}).status_code == 302
    assert staff.post(url, {"file": SimpleUploadedFile("virus.pdf", b"MZ")}).status_code == 400
    assert sorted(guidance.attachments.values_list("name", flat=True)) == ["huong-dan.pdf", "phu-luc.pdf"]


def test_the_guidance_shows_on_the_meeting_page_with_its_files(secretary, tree, staff):
    meeting = make_meeting(tree.branch)
    _publish(staff, tree, file=SimpleUploadedFile("huong-dan.pdf", PDF_BYTES))
    html = secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Định hướng sinh hoạt chi bộ tháng 12/2026" in html
    assert reverse("meetings:attachment_download", args=[Attachment.objects.get().pk]) in html


def test_publishing_queues_the_insert_after_commit_and_inserts_nothing_in_the_request(staff, tree):
    meeting = make_meeting(tree.branch)
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        staff.post(
            reverse("meetings:guidance_create"),
            {"organization": tree.commune.pk, "month": "2026-12", "title": "Định hướng", "body": "Nội dung"},
        )
    assert Guidance.objects.count() == 1
    assert _guidance_titles(meeting) == []  # not in the request
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (eagerly here)
    assert _guidance_titles(meeting) == ["Định hướng"]


def test_the_task_is_idempotent(staff, tree):
    meeting = make_meeting(tree.branch)
    sibling = make_meeting(tree.sibling)
    guidance = Guidance.objects.create(
        organization=tree.commune, month=D(2026, 12, 1), title="Định hướng", body="", published_by=staff.user
    )
    assert tasks.guidance_insert(guidance.pk) == 2
    assert tasks.guidance_insert(guidance.pk) == 0
    assert meeting.agenda_items.filter(guidance=guidance).count() == 1
    assert sibling.agenda_items.filter(guidance=guidance).count() == 1
    assert tasks.guidance_insert(999_999) == 0  # deleted since: nothing to do


def test_with_the_broker_down_the_request_inserts_it_itself(staff, tree, monkeypatch):
    meeting = make_meeting(tree.branch)

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.guidance_insert, "apply_async", broker_down)
    response = _publish(staff, tree)
    assert response.status_code == 302
    assert _guidance_titles(meeting) == ["Định hướng sinh hoạt chi bộ tháng 12/2026"]
