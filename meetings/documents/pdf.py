"""The minutes and the resolution as PDF (WeasyPrint), fonts embedded."""

from __future__ import annotations

from django.template.loader import render_to_string

from meetings.documents.content import DocumentData, document_data
from meetings.models import Meeting

FONT_STACK = ("Times New Roman", "Liberation Serif", "DejaVu Serif")


def _refuse_urls(url, *args, **kwargs):
    # The documents are self-contained: nothing (files, network) is fetched while rendering.
    raise ValueError(f"Documents load no external resources: {url}")


def render_pdf(template: str, data: DocumentData) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"doc": data, "font_stack": FONT_STACK})
    return HTML(string=html, url_fetcher=_refuse_urls).write_pdf()


def minutes_pdf(meeting: Meeting) -> bytes:
    return render_pdf("meetings/documents/minutes.html", document_data(meeting))


def resolution_pdf(meeting: Meeting) -> bytes:
    return render_pdf("meetings/documents/resolution.html", document_data(meeting))
