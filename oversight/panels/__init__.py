"""Panels other subjects add to the dashboard, below its table (the petitions panel first).

A panel is a template and a function that gives its context for this page (``None`` when it has
nothing to show). It receives the page's ``Overview``: the period, the rows (nodes) and the
scope, and groups its own figures by the same rows with
``oversight.selectors.overview.group_expression``. Each panel runs a fixed number of queries.
Panels register from ``DashboardConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from oversight.selectors.overview import Overview


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    template: str
    context: Callable[[HttpRequest, Overview], dict | None]


_panels: list[DashboardPanel] = []


def register_panel(panel: DashboardPanel) -> None:
    if all(existing.key != panel.key for existing in _panels):
        _panels.append(panel)


def dashboard_panels(request: HttpRequest, overview: Overview) -> list[tuple[str, dict]]:
    """(template, context) of each registered panel that has something to show."""
    shown = []
    for panel in _panels:
        context = panel.context(request, overview)
        if context is not None:
            shown.append((panel.template, context))
    return shown
