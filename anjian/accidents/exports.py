"""Excel export of the (scoped, filtered) accident ledger (事故台账).

The query string is the ledger page's (and the API's): the same AccidentFilter narrows
``Accident.objects.for_user(user)``. Rows are streamed with ``values_list().iterator()`` into
the enterprise export's streaming xlsx writer."""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from anjian.core.exports import CHUNK_SIZE, MAX_EXPORT_ROWS, ExportTooLarge, FilterInvalid, write_xlsx

from .choices import AccidentCategory, AccidentGrade, AccidentState
from .filters import AccidentFilter
from .models import Accident

__all__ = ["ExportTooLarge", "FilterInvalid", "export_accidents", "export_filename", "filtered_accidents"]



def filtered_accidents(user, params: Mapping) -> QuerySet:
    """The user's accidents narrowed by the ledger's filters (page and sort are ignored)."""
    filterset = AccidentFilter(params, queryset=Accident.objects.for_user(user))
    if not filterset.is_valid():
        raise FilterInvalid({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    return filterset.qs


def export_filename() -> str:
    return f"accidents-{timezone.localdate():%Y%m%d}.xlsx"


COLUMNS = [
    ("number", pgettext_lazy("accident ledger export", "Accident number"), 16),
    ("occurred_at", pgettext_lazy("accident ledger export", "Occurred at"), 17),
    ("region__name", pgettext_lazy("accident ledger export", "Region"), 12),
    ("region__code", pgettext_lazy("accident ledger export", "Region code"), 14),
    ("address", pgettext_lazy("accident ledger export", "Address"), 24),
    ("enterprise__name", pgettext_lazy("accident ledger export", "Enterprise"), 28),
    ("enterprise__credit_code", pgettext_lazy("accident ledger export", "Unified social credit code"), 22),
    ("industry__name", pgettext_lazy("accident ledger export", "Industry"), 14),
    ("category", pgettext_lazy("accident ledger export", "Category"), 12),
    ("accident_type__scheme", pgettext_lazy("accident ledger export", "Type list"), 12),
    ("accident_type__name", pgettext_lazy("accident ledger export", "Accident type"), 14),
    ("deaths", pgettext_lazy("accident ledger export", "Deaths"), 8),
    ("missing", pgettext_lazy("accident ledger export", "Missing"), 8),
    ("serious_injuries", pgettext_lazy("accident ledger export", "Serious injuries"), 8),
    ("minor_injuries", pgettext_lazy("accident ledger export", "Minor injuries"), 8),
    ("direct_loss_yuan", pgettext_lazy("accident ledger export", "Direct economic loss (yuan)"), 16),
    ("grade", pgettext_lazy("accident ledger export", "Grade"), 12),
    ("state", pgettext_lazy("accident ledger export", "State"), 14),
    ("summary", pgettext_lazy("accident ledger export", "Summary"), 40),
    ("preliminary_cause", pgettext_lazy("accident ledger export", "Preliminary cause"), 30),
    ("learned_at", pgettext_lazy("accident ledger export", "Unit head learned at"), 17),
    ("reported_to_government_at", pgettext_lazy("accident ledger export", "Reported to the government at"), 17),
]
DATETIME_SOURCES = {"occurred_at", "learned_at", "reported_to_government_at"}


def export_accidents(queryset: QuerySet) -> bytes:
    """The accidents of ``queryset`` (already scoped and filtered) as an xlsx file, newest first.
    Raises ``ExportTooLarge`` above MAX_EXPORT_ROWS rows."""
    qs = queryset.prefetch_related(None).select_related(None).order_by("-occurred_at", "-id")
    total = qs.count()
    if total > MAX_EXPORT_ROWS:
        raise ExportTooLarge(_("%(n)s accidents match; an export holds at most %(max)s. Narrow the filters and "
                               "export in parts.") % {"n": f"{total:,}", "max": f"{MAX_EXPORT_ROWS:,}"})
    sources = [s for s, _h, _w in COLUMNS]
    at = {name: i for i, name in enumerate(sources)}
    labels = {
        "category": {v: str(lbl) for v, lbl in AccidentCategory.choices},
        "grade": {v: str(lbl) for v, lbl in AccidentGrade.choices},
        "state": {v: str(lbl) for v, lbl in AccidentState.choices},
    }
    tz = timezone.get_current_timezone()

    def converted():
        for row in qs.values_list(*sources).iterator(chunk_size=CHUNK_SIZE):
            row = list(row)
            for name, mapping in labels.items():
                row[at[name]] = mapping.get(row[at[name]], row[at[name]])
            for name in DATETIME_SOURCES:
                if row[at[name]] is not None:
                    row[at[name]] = timezone.localtime(row[at[name]], tz).replace(tzinfo=None, microsecond=0)
            yield row

    buf = io.BytesIO()
    write_xlsx(buf, pgettext("accident ledger export", "Accident ledger"), [str(h) for _s, h, _w in COLUMNS], converted(),
               widths=[w for _s, _h, w in COLUMNS])
    return buf.getvalue()
