"""What the home page says to do next, added by the apps above members without members importing them.

Dependencies run one way (meetings → members), yet the home page (a members view) shows the
secretary's next meeting and what is missing for it, the cadre's meetings and scores, the
member's next meeting and the overseers' most urgent flags. An app registers a **home panel**
from its ``AppConfig.ready``: a template and a function giving its context for this request
(``None`` when it has nothing for this user). Each runs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: Callable[[HttpRequest], dict | None]


_panels: list[HomePanel] = []


def register_home_panel(panel: HomePanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def home_panels(request: HttpRequest) -> list[tuple[str, dict]]:
    """(template, context) of each registered panel that has something for this user, in order."""
    shown = []
    for panel in _panels:
        context = panel.context(request)
        if context is not None:
            shown.append((panel.template, context))
    return shown
