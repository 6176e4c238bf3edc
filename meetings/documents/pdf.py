"""The minutes and the resolution as PDF (WeasyPrint), the typeface embedded.

WeasyPrint runs in a process of its own (meetings/rendering.py), killed after
``settings.DOCUMENT_RENDER_SECONDS``: a document too long to lay out in that time raises
``DocumentTooSlow`` (the views show a message) instead of holding a web thread. The texts are
bounded (members.text.LONG_TEXT_MAX) and laid out one paragraph per line (templatetags
document_text), so the largest minutes the bounds allow take a few seconds."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from meetings.documents.content import DocumentData, document_data
from meetings.models import Meeting
from members.text import strip_controls

logger = logging.getLogger(__name__)

# One serif with every Vietnamese letter, metric-compatible with Times New Roman (Debian
# fonts-texgyre). Only this family is named: "Times New Roman" would resolve, through
# fontconfig's aliases, to a Liberation Serif that lacks ơ ư ạ ế… and mix two typefaces.
FONT_FAMILY = "TeX Gyre Termes"
# What the DOCX names (Word has it); FONT_FAMILY is its stated substitute.
DOCX_FONT = "Times New Roman"
# Where ``python -m meetings.rendering`` is found: the folder holding the project's packages.
_PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


class DocumentTooSlow(Exception):
    """Rendering the PDF took longer than ``settings.DOCUMENT_RENDER_SECONDS``."""

    message = _(
        "The PDF could not be made within %(seconds)s seconds: the document is too long. Download the Word "
        "file (DOCX) instead, or shorten the longest texts."
    )

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds

    def __str__(self) -> str:
        return str(self.message % {"seconds": f"{self.seconds:g}"})


def _html_for_pdf(template: str, data: DocumentData) -> str:
    html = render_to_string(template, {"doc": data, "font_family": FONT_FAMILY})
    # Guard: a control character typed before input was cleaned never reaches the renderer. Then
    # the break opportunities in long words (document_text.breakable) become zero-width spaces,
    # which WeasyPrint lays out about four times faster than as <wbr> elements.
    return strip_controls(html).replace("<wbr>", "\u200b")


def write_pdf_bounded(html: str, *, seconds: float | None = None) -> bytes:
    """The PDF of ``html``, rendered in a child process that is killed after ``seconds``."""
    seconds = settings.DOCUMENT_RENDER_SECONDS if seconds is None else seconds
    try:
        finished = subprocess.run(  # noqa: S603 - this interpreter running the project's own module
            [sys.executable, "-m", "meetings.rendering"],
            input=html.encode("utf-8"),
            capture_output=True,
            timeout=seconds,
            cwd=_PROJECT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has killed the child and waited for it.
        logger.warning("A PDF took longer than %s s to render; the renderer was stopped", seconds)
        raise DocumentTooSlow(seconds) from None
    if finished.returncode != 0 or not finished.stdout.startswith(b"%PDF"):
        raise RuntimeError(
            f"The PDF renderer failed ({finished.returncode}): {finished.stderr.decode(errors='replace')[-2000:]}"
        )
    return finished.stdout


def render_pdf(template: str, data: DocumentData) -> bytes:
    return write_pdf_bounded(_html_for_pdf(template, data))


def minutes_pdf(meeting: Meeting, *, reasons: bool = False) -> bytes:
    return render_pdf("meetings/documents/minutes.html", document_data(meeting, reasons=reasons))


def resolution_pdf(meeting: Meeting, *, reasons: bool = False) -> bytes:
    return render_pdf("meetings/documents/resolution.html", document_data(meeting, reasons=reasons))
