"""Field-level change history of registry records, from django-simple-history."""

from django.db import models


def history_rows(record: models.Model, limit: int = 200) -> list:
    """Newest first: each historical version with the list of fields that changed from the one before."""
    versions = list(record.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    rows = []
    for i, version in enumerate(versions[:limit]):
        older = versions[i + 1] if i + 1 < len(versions) else None
        changes = []
        if older is not None:
            delta = version.diff_against(older)
            for change in delta.changes:
                field = record._meta.get_field(change.field)
                changes.append({"field": change.field, "label": str(field.verbose_name),
                                "old": _display(field, change.old), "new": _display(field, change.new)})
        version.changes = changes
        rows.append(version)
    return rows


def _display(field, value):
    if value is None or value == "":
        return ""
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        try:
            return str(field.related_model.objects.get(pk=value))
        except field.related_model.DoesNotExist:
            return str(value)
    return str(value)
