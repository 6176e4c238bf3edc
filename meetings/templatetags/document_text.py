"""Typed text in the PDF of the minutes and the resolution (WeasyPrint), laid out in bounded time.
``{% load document_text %}``:

- ``{% for line in text|paragraphs %}<p>{{ line }}</p>{% endfor %}``: one paragraph per line, not
  ``<p>{{ text|linebreaksbr }}</p>``: WeasyPrint lays out 1,430 short lines about 1.5 times faster
  as paragraphs than as one paragraph broken by ``<br>`` (2.1 s against 3.3 s).
- ``{{ text|breakable }}``: a word longer than a line ("aaaa…", a pasted link) gets break
  opportunities (``<wbr>``, which meetings/documents/pdf.py turns into zero-width spaces) every
  LONG_WORD characters. Without them the word ran off the page and was lost; with CSS
  ``overflow-wrap`` instead, 20,000 such characters took 2.7 s for one paragraph, 0.1 s with them.

Both escape the text and return safe HTML. meetings/documents/pdf.py bounds the time anyway."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Longer than any Vietnamese word and most e-mail addresses; about half a line at 14 pt.
LONG_WORD = 30
_LONG_WORD = re.compile(rf"\S{{{LONG_WORD + 1},}}")


def _with_breaks(word: str) -> str:
    return "<wbr>".join(escape(word[start : start + LONG_WORD]) for start in range(0, len(word), LONG_WORD))


@register.filter
def breakable(text) -> SafeString:
    """The text escaped, with ``<wbr>`` inside words longer than LONG_WORD characters."""
    text = str(text if text is not None else "")
    html, end = [], 0
    for match in _LONG_WORD.finditer(text):
        html.append(escape(text[end : match.start()]))
        html.append(_with_breaks(match.group()))
        end = match.end()
    html.append(escape(text[end:]))
    return mark_safe("".join(html))  # noqa: S308 - every piece of the text is escaped above


@register.filter
def paragraphs(text) -> list[SafeString]:
    """The text's lines without the blank ones, each ``breakable``; [""] for an empty text, so a
    labelled paragraph ("<strong>Speaker: </strong>…") still has a first line to carry its label."""
    lines = [line.strip() for line in str(text or "").splitlines()]
    return [breakable(line) for line in lines if line] or [breakable("")]
