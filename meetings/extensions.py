"""Where apps above meetings add to its pages and documents, without meetings importing them.

Dependencies run one way (petitions → meetings), yet the meeting page shows the petitions
raised there and the minutes list them. An app registers here from its ``AppConfig.ready``:

- a **panel** on the meeting page: a template and a function giving its context for this
  user and meeting (``None`` when there is nothing to show);
- a **minutes section**: a heading and lines, placed in the minutes page, DOCX and PDF after
  the agenda items.

Each provider runs a fixed number of queries whatever the data size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest

from .models import Meeting


@dataclass(frozen=True)
class MeetingPanel:
    template: str
    context: Callable[[HttpRequest, Meeting], dict | None]


@dataclass(frozen=True)
class MinutesSection:
    heading: str
    lines: list[str] = field(default_factory=list)


_panels: list[MeetingPanel] = []
_minutes_sections: list[Callable[[Meeting], MinutesSection | None]] = []


def register_meeting_panel(panel: MeetingPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def register_minutes_section(provider: Callable[[Meeting], MinutesSection | None]) -> None:
    if provider not in _minutes_sections:
        _minutes_sections.append(provider)


def meeting_panels(request: HttpRequest, meeting: Meeting) -> list[tuple[str, dict]]:
    """(template, context) of each registered panel that has something to show."""
    shown = []
    for panel in _panels:
        context = panel.context(request, meeting)
        if context is not None:
            shown.append((panel.template, context))
    return shown


def minutes_sections(meeting: Meeting) -> list[MinutesSection]:
    return [section for provider in _minutes_sections if (section := provider(meeting)) is not None]
