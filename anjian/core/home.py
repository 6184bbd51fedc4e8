"""Panels of the home page provided by the apps above the portal (the committee office's headline
indicators against their targets, …).

An app registers a ``HomePanel`` when it is ready; the portal's home page builds every panel for
the user (``build_panels``) and includes each one's template with its context, naming none of
them, as the enterprise's file does with its sections (core.dossier). A panel's ``build(user)``
answers its template context, or None to leave the panel out for that user; it reads through the
user's scope like every page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomePanel:
    code: str
    order: int
    template: str
    build: Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class BuiltPanel:
    code: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, HomePanel] = {}


def register_panel(panel: HomePanel) -> HomePanel:
    _PANELS[panel.code] = panel
    return panel


def unregister_panel(code: str) -> None:
    _PANELS.pop(code, None)


def build_panels(user) -> list[BuiltPanel]:
    """The panels ``user``'s home page shows, in order."""
    out = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.code)):
        context = panel.build(user)
        if context is not None:
            out.append(BuiltPanel(panel.code, panel.template, context))
    return out
