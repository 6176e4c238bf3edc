"""The minutes and the resolution as PDF (WeasyPrint), the typeface embedded."""

from __future__ import annotations

from django.template.loader import render_to_string

from meetings.documents.content import DocumentData, document_data
from meetings.models import Meeting
from members.text import strip_controls

# One serif with every Vietnamese letter, metric-compatible with Times New Roman (Debian
# fonts-texgyre). Only this family is named: "Times New Roman" would resolve, through
# fontconfig's aliases, to a Liberation Serif that lacks ơ ư ạ ế… and mix two typefaces.
FONT_FAMILY = "TeX Gyre Termes"
# What the DOCX names (Word has it); FONT_FAMILY is its stated substitute.
DOCX_FONT = "Times New Roman"


def _refuse_urls(url, *args, **kwargs):
    # The documents are self-contained: nothing (files, network) is fetched while rendering.
    raise ValueError(f"Documents load no external resources: {url}")


def render_pdf(template: str, data: DocumentData) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"doc": data, "font_family": FONT_FAMILY})
    # Guard: a control character typed before input was cleaned never reaches the renderer.
    return HTML(string=strip_controls(html), url_fetcher=_refuse_urls).write_pdf()


def minutes_pdf(meeting: Meeting, *, reasons: bool = False) -> bytes:
    return render_pdf("meetings/documents/minutes.html", document_data(meeting, reasons=reasons))


def resolution_pdf(meeting: Meeting, *, reasons: bool = False) -> bytes:
    return render_pdf("meetings/documents/resolution.html", document_data(meeting, reasons=reasons))
