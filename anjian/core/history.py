"""Field-level change history of registry records, from django-simple-history."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .events import CODE, event_label

TYPE_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}

# Bookkeeping fields whose change says nothing to a reader.
IGNORED_FIELDS = {"id", "created_at", "updated_at", "region_path", "path"}
# A record numbered from its id is saved first with a placeholder number ("TMP…") and numbered
# right after (no history row for that update); the first change would otherwise show the
# placeholder giving way to the number.
PLACEHOLDER_PREFIX = "TMP"


def _placeholder_numbered(field_name: str, old) -> bool:
    return field_name == "number" and isinstance(old, str) and old.startswith(PLACEHOLDER_PREFIX)


def history_rows(record: models.Model, limit: int = 200) -> list:
    """Newest first: each historical version with the list of fields that changed from the one before.

    Compares every tracked field itself rather than using ``diff_against``, which skips
    non-editable fields, and the operating status and its dates are exactly those."""
    versions = list(record.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    fields = [f for f in versions[0].tracked_fields if f.name not in IGNORED_FIELDS] if versions else []
    rows = []
    for i, version in enumerate(versions[:limit]):
        older = versions[i + 1] if i + 1 < len(versions) else None
        changes = []
        if older is not None:
            for field in fields:
                old, new = getattr(older, field.attname), getattr(version, field.attname)
                if old != new and not _placeholder_numbered(field.name, old):
                    model_field = record._meta.get_field(field.name)
                    changes.append({"field": field.name, "label": str(model_field.verbose_name),
                                    "old": _display(model_field, old), "new": _display(model_field, new)})
        version.changes = changes
        version.type_label = TYPE_LABELS.get(version.history_type, version.history_type)
        reason = version.history_change_reason or ""
        if CODE.fullmatch(reason):  # the write path's reason is the step's code: show its name
            label = step_label(record, reason) or event_label(reason, record._meta.app_label)
            version.history_change_reason = "" if label == str(version.type_label) else label
        rows.append(version)
    return rows


def _display(field, value):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    return str(value)


def step_label(record: models.Model, action: str) -> str | None:
    """The label of ``action`` as a step of a state machine declared for ``record``'s model, if any."""
    from .statetables import machines

    label = record._meta.label
    for _app, _name, machine in machines():
        if machine.model == label and action in machine:
            return str(machine[action].label)
    return None
