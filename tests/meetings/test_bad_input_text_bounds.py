"""Bad input, second pass (issue 22): long texts are bounded (members.text.LONG_TEXT_MAX) by the form
and by the database, and the largest minutes the bounds allow still render to PDF."""

import io

import pytest
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from meetings import documents, services
from meetings.models import AgendaItem, Guest, Minutes, Resolution, Speech, Task
from members.text import LONG_TEXT_MAX

from .test_documents import held_meeting
from .test_records import minutes_data

pytestmark = pytest.mark.system_scope

SENTENCE = "Chi bộ thảo luận, thống nhất vận động nhân dân hiến đất làm đường, giữ gìn vệ sinh môi trường. "
TOO_LONG = "Giá trị này chỉ có tối đa 20000 kí tự (hiện có 20001)"


def long_text(length: int = LONG_TEXT_MAX) -> str:
    """Vietnamese prose of exactly ``length`` characters, in paragraphs of about 600."""
    paragraph = SENTENCE * 6
    text = ""
    while len(text) < length:
        text += paragraph.strip() + "\n"
    return text[:length]


def test_the_minutes_form_refuses_an_opening_over_the_bound(meeting, secretary):
    minutes = services.minutes.minutes_for(meeting)
    before = Minutes.history.count()

    response = secretary.post(
        f"/meetings/{meeting.pk}/minutes/", minutes_data(minutes, opening="a" * (LONG_TEXT_MAX + 1))
    )

    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    minutes.refresh_from_db()
    assert (minutes.opening, minutes.version) == ("", 1)
    assert Minutes.history.count() == before


def test_the_minutes_form_takes_an_opening_at_the_bound(meeting, secretary):
    minutes = services.minutes.minutes_for(meeting)
    response = secretary.post(f"/meetings/{meeting.pk}/minutes/", minutes_data(minutes, opening=long_text()))
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert len(minutes.opening) == LONG_TEXT_MAX


def test_a_speech_over_the_bound_is_refused(meeting, secretary):
    item = AgendaItem.objects.create(meeting=meeting, title="Thảo luận", position=1)

    response = secretary.post(
        f"/meetings/{meeting.pk}/minutes/items/{item.pk}/speeches/",
        {"speaker_name": "Nguyễn Văn An", "text": "a" * (LONG_TEXT_MAX + 1)},
        follow=True,
    )

    assert TOO_LONG in response.content.decode()
    assert not Speech.objects.exists()


def test_a_resolution_section_over_the_bound_is_refused(meeting, secretary):
    resolution = services.resolution.resolution_for(meeting)
    data = {
        "version": 1,
        "title": resolution.title,
        "results": "a" * (LONG_TEXT_MAX + 1),
        "implementation": "",
        "assessment": "",
        "recipients": resolution.recipients,
    }

    response = secretary.post(f"/meetings/{meeting.pk}/resolution/", data)

    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    resolution.refresh_from_db()
    assert (resolution.results, resolution.version) == ("", 1)


def test_a_task_over_the_bound_is_refused(meeting, secretary):
    services.resolution.resolution_for(meeting)

    response = secretary.post(
        f"/meetings/{meeting.pk}/resolution/tasks/",
        {"description": "a" * (LONG_TEXT_MAX + 1), "lead": "Bí thư", "deadline": "", "report_at": ""},
    )

    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert not Task.objects.exists()


def _refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_the_database_refuses_what_the_forms_would(meeting):
    over = "a" * (LONG_TEXT_MAX + 1)
    item = AgendaItem.objects.create(meeting=meeting, title="Thảo luận", position=1)
    resolution = services.resolution.resolution_for(meeting)

    _refused(lambda: Minutes.objects.create(meeting=meeting, opening=over))
    _refused(lambda: Minutes.objects.create(meeting=meeting, closing=over))
    _refused(lambda: Speech.objects.create(agenda_item=item, speaker_name="An", text=over))
    _refused(lambda: AgendaItem.objects.filter(pk=item.pk).update(conclusion=over))
    _refused(lambda: Resolution.objects.filter(pk=resolution.pk).update(results=over))
    _refused(lambda: Resolution.objects.filter(pk=resolution.pk).update(implementation=over))
    _refused(lambda: Resolution.objects.filter(pk=resolution.pk).update(assessment=over))
    _refused(lambda: Task.objects.create(resolution=resolution, description=over, lead="An"))
    _refused(lambda: Guest.objects.create(meeting=meeting, name="Khách", remarks=over))
    _refused(lambda: Guest.objects.create(meeting=meeting, name="Khách", promises=over))

    Minutes.objects.create(meeting=meeting, opening="a" * LONG_TEXT_MAX)  # the bound itself is fine


def test_the_largest_allowed_minutes_render_to_pdf(tree):
    """Opening, closing, conclusions and three speeches at the bound: the PDF completes. (How long it
    takes is measured outside the suite, which has no timed tests: 6.4 to 6.8 s on 2 CPUs, 8.3 to 9.1 s
    with six speeches.)"""
    meeting = held_meeting(tree, adopted=False)
    Minutes.objects.filter(meeting=meeting).update(opening=long_text(), closing=long_text())
    item = AgendaItem.objects.get(meeting=meeting)
    AgendaItem.objects.filter(pk=item.pk).update(conclusion=long_text())
    for number in range(3):
        Speech.objects.create(
            agenda_item=item, speaker_name=f"Đảng viên {number}", text=long_text(), position=number + 2
        )

    content = documents.minutes_pdf(meeting)

    assert content.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) > 20
    last_page = " ".join(pages[-1].extract_text().split())
    assert "Tam Hưng" in last_page or "THƯ KÝ" in last_page.upper()
