"""Apps above meetings add a panel to the meeting page and a section to the minutes, without meetings importing them."""

import io
from pathlib import Path

import pytest
from docx import Document

from meetings import documents, extensions


@pytest.fixture
def test_templates(settings):
    """A template folder of the tests' own, for a panel no app provides."""
    settings.TEMPLATES = [
        {**engine, "DIRS": [*engine["DIRS"], Path(__file__).resolve().parent.parent / "templates"]}
        for engine in settings.TEMPLATES
    ]


def test_a_registered_panel_shows_on_the_meeting_page(monkeypatch, test_templates, meeting, secretary, plain_member):
    seen = []

    def context(request, shown):
        seen.append((request.user, shown))
        return {"note": "Kiến nghị của thôn"} if request.user == secretary.user else None

    panel = extensions.MeetingPanel(template="tests/panel.html", context=context)
    monkeypatch.setattr(extensions, "_panels", [])
    extensions.register_meeting_panel(panel)
    extensions.register_meeting_panel(panel)  # registering twice shows it once
    assert "Kiến nghị của thôn" in secretary.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="panel"' not in plain_member.get(f"/meetings/{meeting.pk}/").content.decode()
    assert [shown.pk for _user, shown in seen] == [meeting.pk, meeting.pk]


def test_a_registered_section_is_in_the_minutes_documents(monkeypatch, meeting):
    monkeypatch.setattr(extensions, "_minutes_sections", [])
    extensions.register_minutes_section(
        lambda shown: extensions.MinutesSection(heading="KIẾN NGHỊ CỦA ĐẢNG VIÊN", lines=[f"1. Sửa đường ({shown.pk})"])
    )
    extensions.register_minutes_section(lambda shown: None)  # nothing to add
    data = documents.document_data(meeting)
    assert [section.heading for section in data.sections] == ["KIẾN NGHỊ CỦA ĐẢNG VIÊN"]
    text = "\n".join(p.text for p in Document(io.BytesIO(documents.minutes_docx(meeting))).paragraphs)
    assert "KIẾN NGHỊ CỦA ĐẢNG VIÊN" in text and f"1. Sửa đường ({meeting.pk})" in text


def test_the_minutes_page_shows_the_sections(monkeypatch, meeting, leader):
    monkeypatch.setattr(extensions, "_minutes_sections", [])
    extensions.register_minutes_section(
        lambda shown: extensions.MinutesSection(heading="KIẾN NGHỊ", lines=["Sửa đường"])
    )
    meeting.status = "adopted"
    meeting.save()
    page = leader.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "KIẾN NGHỊ" in page and "Sửa đường" in page
