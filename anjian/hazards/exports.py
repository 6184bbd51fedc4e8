"""Excel export of the (scoped, filtered) hazard ledger (隐患台账).

The query string is the ledger page's (and the API's): the same HazardFilter narrows
``Hazard.objects.for_user(user)``. Rows are streamed: one query with the joined names, read
in chunks with ``values_list().iterator()``, written by the enterprise export's streaming
xlsx writer (anjian.core.exports.write_xlsx).
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from anjian.core.exports import CHUNK_SIZE, MAX_EXPORT_ROWS, ExportTooLarge, FilterInvalid, write_xlsx
from anjian.standards.choices import HazardFactor

from .choices import OPEN_STATES, HazardGrade, HazardSource, HazardState
from .filters import HazardFilter
from .models import Hazard

__all__ = ["ExportTooLarge", "FilterInvalid", "export_filename", "export_hazards", "filtered_hazards"]


def filtered_hazards(user, params: Mapping) -> QuerySet:
    """The user's hazards narrowed by the ledger's filters (same query string). Parameters of
    the page that are not filters (sort, page) are ignored."""
    filterset = HazardFilter(params, queryset=Hazard.objects.for_user(user))
    if not filterset.is_valid():
        raise FilterInvalid({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    return filterset.qs


def export_filename() -> str:
    return f"hazards-{timezone.localdate():%Y%m%d}.xlsx"


# (source in values_list, header, column width). The headers have their own translation
# context: they are the ledger's column titles, not the page's labels.
COLUMNS = [
    ("number", pgettext_lazy("hazard ledger export", "Hazard number"), 18),
    ("enterprise__name", pgettext_lazy("hazard ledger export", "Enterprise"), 30),
    ("enterprise__credit_code", pgettext_lazy("hazard ledger export", "Unified social credit code"), 22),
    ("enterprise__region__name", pgettext_lazy("hazard ledger export", "Township"), 14),
    ("industry__name", pgettext_lazy("hazard ledger export", "Industry"), 14),
    ("location", pgettext_lazy("hazard ledger export", "Location"), 16),
    ("description", pgettext_lazy("hazard ledger export", "Description"), 40),
    ("category", pgettext_lazy("hazard ledger export", "Hazard factor class"), 12),
    ("grade", pgettext_lazy("hazard ledger export", "Grade"), 10),
    ("criterion__code", pgettext_lazy("hazard ledger export", "Major-hazard criterion"), 16),
    ("source", pgettext_lazy("hazard ledger export", "Source"), 12),
    ("finder_name", pgettext_lazy("hazard ledger export", "Found by"), 12),
    ("found_at", pgettext_lazy("hazard ledger export", "Found at"), 17),
    ("deadline", pgettext_lazy("hazard ledger export", "Rectification deadline"), 12),
    ("original_deadline", pgettext_lazy("hazard ledger export", "Original deadline"), 12),
    ("state", pgettext_lazy("hazard ledger export", "State"), 14),
    ("overdue", pgettext_lazy("hazard ledger export", "Overdue"), 8),
    ("is_listed", pgettext_lazy("hazard ledger export", "Listed supervision"), 10),
    ("plan_responsible", pgettext_lazy("hazard ledger export", "Responsible person"), 12),
    ("plan_funds", pgettext_lazy("hazard ledger export", "Funds (yuan)"), 12),
    ("rectification_note", pgettext_lazy("hazard ledger export", "Rectification done"), 30),
    ("rectified_at", pgettext_lazy("hazard ledger export", "Rectified at"), 17),
    ("accepted_at", pgettext_lazy("hazard ledger export", "Accepted at"), 17),
    ("closed_at", pgettext_lazy("hazard ledger export", "Closed out at"), 17),
]
DATETIME_SOURCES = {"found_at", "rectified_at", "accepted_at", "closed_at"}


def export_hazards(queryset: QuerySet) -> bytes:
    """The hazards of ``queryset`` (already scoped and filtered) as an xlsx file, newest first.

    Raises ``ExportTooLarge`` above MAX_EXPORT_ROWS rows."""
    qs = queryset.prefetch_related(None).select_related(None).order_by("-id")
    total = qs.count()
    if total > MAX_EXPORT_ROWS:
        raise ExportTooLarge(
            _("%(n)s hazards match; an export holds at most %(max)s. Narrow the filters (region, state, "
              "found date) and export in parts.") % {"n": f"{total:,}", "max": f"{MAX_EXPORT_ROWS:,}"})
    sources = [s for s, _h, _w in COLUMNS if s != "overdue"]
    rows = qs.values_list(*sources).iterator(chunk_size=CHUNK_SIZE)
    labels = {
        "category": {v: str(lbl) for v, lbl in HazardFactor.choices},
        "grade": {v: str(lbl) for v, lbl in HazardGrade.choices},
        "source": {v: str(lbl) for v, lbl in HazardSource.choices},
        "state": {v: str(lbl) for v, lbl in HazardState.choices},
    }
    at = {name: i for i, name in enumerate(sources)}
    yes, no = pgettext("hazard ledger export", "Yes"), pgettext("hazard ledger export", "No")
    today = timezone.localdate()
    tz = timezone.get_current_timezone()

    def converted():
        for row in rows:
            row = list(row)
            state, deadline = row[at["state"]], row[at["deadline"]]
            for name, mapping in labels.items():
                row[at[name]] = mapping.get(row[at[name]], row[at[name]])
            for name in DATETIME_SOURCES:
                value = row[at[name]]
                if value is not None:
                    row[at[name]] = timezone.localtime(value, tz).replace(tzinfo=None, microsecond=0)
            row[at["is_listed"]] = yes if row[at["is_listed"]] else no
            overdue = yes if state in OPEN_STATES and deadline < today else no
            row.insert(at["state"] + 1, overdue)
            yield row

    buf = io.BytesIO()
    write_xlsx(buf, pgettext("hazard ledger export", "Hazard ledger"), [str(h) for _s, h, _w in COLUMNS], converted(),
               widths=[w for _s, _h, w in COLUMNS])
    return buf.getvalue()
