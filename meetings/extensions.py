"""Where apps above meetings add to the minutes, without meetings importing them.

Dependencies run one way (petitions → meetings), yet the minutes list the petitions raised at
the meeting. An app registers a **minutes section** here from its ``AppConfig.ready``: a heading
and lines, placed in the minutes page, DOCX and PDF after the agenda items. Each provider runs a
fixed number of queries whatever the data size. (The meeting page's panels are portal's:
portal/panels.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .models import Meeting


@dataclass(frozen=True)
class MinutesSection:
    heading: str
    lines: list[str] = field(default_factory=list)


_minutes_sections: list[Callable[[Meeting], MinutesSection | None]] = []


def register_minutes_section(provider: Callable[[Meeting], MinutesSection | None]) -> None:
    if provider not in _minutes_sections:
        _minutes_sections.append(provider)


def minutes_sections(meeting: Meeting) -> list[MinutesSection]:
    return [section for provider in _minutes_sections if (section := provider(meeting)) is not None]
