"""Apps above meetings add a section to the minutes, without meetings importing them. (The meeting
page's panels are portal's: tests/portal/test_meeting_page.py.)"""

import io

import pytest
from docx import Document

from meetings import documents, extensions

pytestmark = pytest.mark.system_scope


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
