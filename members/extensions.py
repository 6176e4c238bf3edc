"""Where apps above members add to the organisation page without members importing them.

Dependencies run one way (meetings → members), yet a branch's page shows its meetings' annual
rating. An app registers a **panel** from its ``AppConfig.ready``: a template and a function
giving its context for this request and organisation (``None`` when there is nothing to show).
Each provider runs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from .models import Organization


@dataclass(frozen=True)
class OrganizationPanel:
    template: str
    context: Callable[[HttpRequest, Organization], dict | None]


_panels: list[OrganizationPanel] = []


def register_organization_panel(panel: OrganizationPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def organization_panels(request: HttpRequest, organization: Organization) -> list[tuple[str, dict]]:
    """(template, context) of each registered panel that has something to show."""
    shown = []
    for panel in _panels:
        context = panel.context(request, organization)
        if context is not None:
            shown.append((panel.template, context))
    return shown
