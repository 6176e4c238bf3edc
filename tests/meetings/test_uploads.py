"""Uploads: PDF, DOCX, XLSX, JPG, PNG up to 10 MB, judged by content; served only within scope."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItemKind, Attachment

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode."


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX_BYTES = _zip("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX_BYTES = _zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml")
PLAIN_ZIP = _zip("notes.txt")

GOOD = [
    ("bao-cao.pdf", PDF_BYTES, "application/pdf"),
    ("du-thao-nghi-quyet.docx", DOCX_BYTES, services.uploads.DOCX.content_type),
    ("danh-sach.xlsx", XLSX_BYTES, services.uploads.XLSX.content_type),
    ("anh.jpg", JPEG_BYTES, "image/jpeg"),
    ("anh.JPEG", JPEG_BYTES, "image/jpeg"),
    ("so-do.png", PNG_BYTES, "image/png"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.fixture
def item(meeting):
    return services.agenda.agenda_item_add(meeting=meeting, title="Báo cáo tháng", kind=AgendaItemKind.REPORT)


def _upload(client, item, name, content, content_type="application/octet-stream"):
    return client.post(
        reverse("meetings:attachment_upload", args=[item.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


# --- The check itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "content_type"), GOOD)
def test_check_accepts_the_allowed_kinds(name, content, content_type):
    assert services.uploads.check_upload(SimpleUploadedFile(name, content)).content_type == content_type


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("bao-cao.pdf", EXE_BYTES, "kind"),  # a program renamed .pdf
        ("bao-cao.docx", PLAIN_ZIP, "kind"),  # a zip that is not a Word file
        ("bao-cao.docx", b"PK\x03\x04 broken zip", "kind"),
        ("bao-cao.xlsx", DOCX_BYTES, "name"),  # a Word file named as Excel
        ("anh.png", JPEG_BYTES, "name"),
        ("bao-cao.pdf.exe", PDF_BYTES, "name"),
        ("ghi-chu.txt", b"hello", "kind"),
        ("trong.pdf", b"", "empty"),
    ],
)
def test_check_refuses_by_content_not_only_by_name(name, content, code):
    with pytest.raises(ValidationError) as error:
        services.uploads.check_upload(SimpleUploadedFile(name, content))
    assert error.value.code == code


def test_check_refuses_more_than_10_mb():
    big = SimpleUploadedFile("lon.pdf", PDF_BYTES + b"\0" * (10 * 1024 * 1024 - len(PDF_BYTES) + 1))
    with pytest.raises(ValidationError) as error:
        services.uploads.check_upload(big)
    assert error.value.code == "size"
    exactly = SimpleUploadedFile("vua.pdf", PDF_BYTES + b"\0" * (10 * 1024 * 1024 - len(PDF_BYTES)))
    assert services.uploads.check_upload(exactly) == services.uploads.PDF


# --- Through the page ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "content_type"), GOOD)
def test_secretary_uploads_each_allowed_kind(secretary, meeting, item, media, name, content, content_type):
    response = _upload(secretary, item, name, content)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.agenda_item, attachment.name, attachment.content_type, attachment.size) == (
        item,
        name,
        content_type,
        len(content),
    )
    assert attachment.uploaded_by == secretary.user
    stored = _stored_files(media)
    assert len(stored) == 1 and stored[0].read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.pdf", EXE_BYTES),
        ("lon.pdf", PDF_BYTES + b"\0" * (10 * 1024 * 1024)),
        ("bang.xlsx", PLAIN_ZIP),
    ],
)
def test_a_refused_upload_saves_nothing(secretary, meeting, item, media, name, content):
    response = _upload(secretary, item, name, content, content_type="application/pdf")
    assert response.status_code == 400
    assert name in response.content.decode()  # the error names the file
    assert not Attachment.objects.exists()
    assert _stored_files(media) == []
    meeting.refresh_from_db()
    assert meeting.materials_posted_at is None


def test_the_first_file_marks_the_materials_posted(secretary, meeting, item):
    first = datetime.datetime(2026, 12, 3, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(first, tick=False):
        _upload(secretary, item, "a.pdf", PDF_BYTES)
    with time_machine.travel(first + datetime.timedelta(days=1), tick=False):
        _upload(secretary, item, "b.pdf", PDF_BYTES)
    meeting.refresh_from_db()
    assert meeting.materials_posted_at == first
    assert Attachment.objects.count() == 2


def test_the_upload_page_shows_the_form(secretary, item):
    response = secretary.get(reverse("meetings:attachment_upload", args=[item.pk]))
    assert response.status_code == 200
    assert 'accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png"' in response.content.decode()


@pytest.mark.parametrize("persona", ["leader", "plain_member", "cadre", "outsider"])
def test_only_those_who_manage_the_meeting_upload(request, item, media, persona):
    client = request.getfixturevalue(persona)
    assert _upload(client, item, "a.pdf", PDF_BYTES).status_code == 404
    assert not Attachment.objects.exists()
    assert _stored_files(media) == []


# --- Download and removal -------------------------------------------------------------------------


@pytest.fixture
def attachment(secretary, item):
    _upload(secretary, item, "du-thao.docx", DOCX_BYTES)
    return Attachment.objects.get()


@pytest.mark.parametrize("persona", ["secretary", "staff", "leader", "plain_member", "cadre"])
def test_readers_in_scope_download_through_the_scoped_view(request, attachment, persona):
    client = request.getfixturevalue(persona)
    response = client.get(reverse("meetings:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == DOCX_BYTES
    assert response["Content-Type"] == services.uploads.DOCX.content_type
    assert "attachment" in response["Content-Disposition"] and "du-thao.docx" in response["Content-Disposition"]
    # Meeting papers are not kept by shared caches or the browser, like documents and exports.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_outsiders_get_404_for_a_file(outsider, attachment):
    assert outsider.get(reverse("meetings:attachment_download", args=[attachment.pk])).status_code == 404


def test_files_are_not_served_from_a_public_media_url(plain_member, attachment):
    assert plain_member.get("/media/" + attachment.file.name).status_code == 404


def test_removing_a_file_deletes_it_from_storage(
    secretary, plain_member, attachment, media, django_capture_on_commit_callbacks
):
    url = reverse("meetings:attachment_delete", args=[attachment.pk])
    assert plain_member.post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert _stored_files(media) == []


# --- Long names (issue 22) -------------------------------------------------------------------------


LONG_STEM = "Báo cáo kết quả thực hiện nghị quyết tháng " * 8  # 352 characters


@pytest.mark.parametrize(("extension", "content"), [(".pdf", PDF_BYTES), (".docx", DOCX_BYTES), (".JPEG", JPEG_BYTES)])
def test_a_name_over_200_characters_keeps_its_extension(secretary, item, media, extension, content):
    response = _upload(secretary, item, f"C:\\Tài liệu\\{LONG_STEM}{extension}", content)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert len(attachment.name) <= 200
    assert attachment.name.endswith(extension)
    assert attachment.name.startswith("Báo cáo kết quả")
    assert attachment.file.name.endswith(extension)
    (stored,) = _stored_files(media)
    assert stored.suffix == extension


def test_upload_name_drops_folders_and_invisible_characters():
    def name(raw):
        return services.uploads.upload_name(SimpleUploadedFile(raw, b"x"))

    assert name("../../etc/bao\u202ecao.pdf") == "baocao.pdf"
    assert name("a" * 300 + ".xlsx") == "a" * 195 + ".xlsx"
    assert name("ngắn.png") == "ngắn.png"
