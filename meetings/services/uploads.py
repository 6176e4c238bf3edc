"""Files attached to agenda items and guidance: checked by content, stored through Django's storage."""

from __future__ import annotations

import posixpath
import unicodedata
import zipfile
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import (
    AgendaItem,
    Attachment,
    Guidance,
    Meeting,
)
from members.text import NAME_MAX, strip_controls

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))


DOCX = FileKind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))


XLSX = FileKind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))


JPEG = FileKind("JPG", "image/jpeg", (".jpg", ".jpeg"))


PNG = FileKind("PNG", "image/png", (".png",))


ALLOWED_KINDS = (PDF, DOCX, XLSX, JPEG, PNG)


ALLOWED_EXTENSIONS = tuple(ext for kind in ALLOWED_KINDS for ext in kind.extensions)


def _sniff(upload: UploadedFile) -> FileKind | None:
    """What the file really is, from its bytes; None when it is none of the allowed kinds."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        # Office files are zip archives; only the part names tell Word from Excel.
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, EOFError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if any(name.startswith("word/") for name in names):
                return DOCX
            if any(name.startswith("xl/") for name in names):
                return XLSX
    return None


def check_upload(upload: UploadedFile) -> FileKind:
    """Refuse anything but PDF, DOCX, XLSX, JPG and PNG up to 10 MB, judged by content and name."""
    name = upload.name or ""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB. Please send a smaller file."), params={"name": name}, code="size"
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty."), params={"name": name}, code="empty")
    kind = _sniff(upload)
    if kind is None:
        raise ValidationError(
            _("%(name)s is not a PDF, Word (DOCX), Excel (XLSX), JPG or PNG file."), params={"name": name}, code="kind"
        )
    if not name.lower().endswith(kind.extensions):
        raise ValidationError(
            _("%(name)s is a %(kind)s file but its name says otherwise. Rename it to end in %(ext)s."),
            params={"name": name, "kind": kind.label, "ext": kind.extensions[0]},
            code="name",
        )
    return kind


def upload_name(upload: UploadedFile, limit: int = NAME_MAX) -> str:
    """The file's own name as shown and offered for download: without the folders a browser may
    send, composed (NFC), without control characters, and at most ``limit`` characters with its
    extension kept: a long name loses the end of its stem, not ".pdf" (cutting it at 200 used to
    store "Báo cáo … tháng 1" with no extension, which no phone could open)."""
    name = strip_controls(upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name).strip()
    stem, extension = posixpath.splitext(name)  # check_upload made sure it is an allowed one
    return stem[: max(limit - len(extension), 1)].rstrip() + extension


@transaction.atomic
def attachment_upload(
    *, agenda_item: AgendaItem | None = None, guidance: Guidance | None = None, upload: UploadedFile, by
) -> Attachment:
    """Store a checked file through Django's storage; the first file of a meeting marks its materials posted."""
    if (agenda_item is None) == (guidance is None):
        raise ValueError("An attachment belongs to an agenda item or a guidance.")
    kind = check_upload(upload)
    name = upload_name(upload)
    attachment = Attachment(
        agenda_item=agenda_item,
        guidance=guidance,
        name=name,
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    if agenda_item is not None:
        Meeting.objects.filter(pk=agenda_item.meeting_id, materials_posted_at__isnull=True).update(
            materials_posted_at=timezone.now()
        )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by: AbstractBaseUser | None = None) -> None:
    file = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: file.storage.delete(file.name))
