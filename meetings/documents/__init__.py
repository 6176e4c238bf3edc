"""The minutes and the resolution as DOCX and PDF files in the party's document format."""

from .content import content_disposition, document_data, filenames, is_draft
from .pdf import DocumentTooSlow, minutes_pdf, render_pdf, resolution_pdf
from .word import minutes_docx, resolution_docx

__all__ = [
    "DocumentTooSlow",
    "content_disposition",
    "document_data",
    "filenames",
    "is_draft",
    "minutes_docx",
    "minutes_pdf",
    "render_pdf",
    "resolution_docx",
    "resolution_pdf",
]
