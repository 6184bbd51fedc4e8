"""How an event reads: the label of its action and of its states, for every timeline and the admin.

Services write an ``Event`` with a short code as its action (``risk_checks_generated``) and the
state codes of the record (``in_operation``); a reader must never see those codes. Each Anjian
app declares its action codes as constants in its ``events.py`` and names each in
``events.EVENT_LABELS`` (a dict of lazy translations); this module reads them all (once, on first
use), so a page or the admin can name an event written by another app (the risks app writes ``risk_checks_generated`` on an
enterprise) and an action nobody named reads as a neutral "Other action", not as its code.

States are named by the model's own choices: ``state_label(model, code)`` looks the code up in
the choices of the model's fields.
"""

from __future__ import annotations

import re
from importlib import import_module

from django.apps import apps
from django.db import models
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

# Actions every app writes through core (void_record) or the generic admin/import plumbing.
COMMON_LABELS = {
    "created": _("Created"),
    "updated": _("Changed"),
    "voided": _("Voided"),
    "imported": _("Imported"),
    "deactivated": _("Deactivated"),
    "reactivated": _("Reactivated"),
}
OTHER = _("Other action")
OTHER_STATE = _("Other state")
CODE = re.compile(r"[a-z][a-z0-9_]*")

_by_app: dict[str, dict] | None = None


def _labels() -> dict[str, dict]:
    """{app label: {action: label}} from every Anjian app's ``events.EVENT_LABELS`` (read once)."""
    global _by_app
    if _by_app is None:
        found: dict[str, dict] = {}
        for config in apps.get_app_configs():
            if not config.name.startswith("anjian."):
                continue
            if module_has_submodule(config.module, "events"):
                labels = getattr(import_module(f"{config.name}.events"), "EVENT_LABELS", None)
                if labels:
                    found.setdefault(config.label, {}).update(labels)
        _by_app = found
    return _by_app


def event_label(action: str, app_label: str | None = None) -> str:
    """The readable name of an event action: the app's own name for it, else any app's (an
    event one app writes on another's record), else the common names, else "Other action"."""
    by_app = _labels()
    if app_label and action in by_app.get(app_label, {}):
        return str(by_app[app_label][action])
    for labels in by_app.values():
        if action in labels:
            return str(labels[action])
    return str(COMMON_LABELS.get(action, OTHER))


def known_actions() -> set[str]:
    """Every action some app or core has a name for (the tests check services use only these)."""
    return set(COMMON_LABELS).union(*(labels.keys() for labels in _labels().values()))


def state_label(model: type[models.Model] | None, code: str) -> str:
    """The readable name of a state (or status, level) code of ``model``: the label of the first
    field whose choices contain it. An unknown code-like word reads "Other state"; anything
    else (a number, a date) is shown as it is."""
    if not code:
        return ""
    if model is not None:
        for field in model._meta.get_fields():
            choices = getattr(field, "flatchoices", None)
            if choices:
                label = dict(choices).get(code)
                if label is not None:
                    return str(label)
    return str(OTHER_STATE) if CODE.fullmatch(code) else code


def event_state_labels(event) -> tuple[str, str]:
    """(from, to) of an event in words, from the choices of the event's record's model
    (content types are cached by Django, so this costs no query per event)."""
    from django.contrib.contenttypes.models import ContentType

    model = ContentType.objects.get_for_id(event.content_type_id).model_class() if event.content_type_id else None
    return state_label(model, event.from_state), state_label(model, event.to_state)


def timeline_rows(obj, limit: int = 100) -> list[dict]:
    """A record's events in words, newest first: when, who, the action's and the states' names
    and the comment (for a page's timeline when the app needs no details of its own)."""
    from .services import events_for

    app_label = obj._meta.app_label
    rows = []
    for event in events_for(obj).select_related("actor")[:limit]:
        from_state, to_state = event_state_labels(event)
        rows.append({"at": event.at, "actor": event.actor, "label": event_label(event.action, app_label),
                     "from_state": from_state, "to_state": to_state, "comment": event.comment})
    return rows
