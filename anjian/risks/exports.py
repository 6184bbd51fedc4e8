"""Excel export of the (scoped, filtered) risk-point ledger (风险点台账): the same
RiskPointFilter narrows ``RiskPoint.objects.for_user(user)``; rows are streamed in chunks with
the enterprise export's xlsx writer."""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from anjian.core.exports import CHUNK_SIZE, MAX_EXPORT_ROWS, ExportTooLarge, FilterInvalid, write_xlsx

from .choices import Method, PointKind, RiskLevel
from .filters import RiskPointFilter
from .models import RiskPoint

__all__ = ["ExportTooLarge", "FilterInvalid", "export_filename", "export_risk_points", "filtered_points"]


def filtered_points(user, params: Mapping) -> QuerySet:
    """The user's risk points narrowed by the ledger's filters (same query string)."""
    filterset = RiskPointFilter(params, queryset=RiskPoint.objects.for_user(user))
    if not filterset.is_valid():
        raise FilterInvalid({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    return filterset.qs


def export_filename() -> str:
    return f"risk-points-{timezone.localdate():%Y%m%d}.xlsx"


COLUMNS = [
    ("id", pgettext_lazy("risk export", "ID"), 8),
    ("enterprise__name", pgettext_lazy("risk export", "Enterprise"), 30),
    ("enterprise__region__name", pgettext_lazy("risk export", "Township"), 14),
    ("industry__name", pgettext_lazy("risk export", "Industry"), 14),
    ("name", pgettext_lazy("risk export", "Risk point"), 24),
    ("kind", pgettext_lazy("risk export", "Kind"), 10),
    ("department", pgettext_lazy("risk export", "Workshop / department"), 14),
    ("location", pgettext_lazy("risk export", "Location"), 20),
    ("longitude", pgettext_lazy("risk export", "Longitude"), 11),
    ("latitude", pgettext_lazy("risk export", "Latitude"), 11),
    ("level", pgettext_lazy("risk export", "Risk level"), 10),
    ("score", pgettext_lazy("risk export", "Score"), 8),
    ("method", pgettext_lazy("risk export", "Method"), 10),
    ("profile__name", pgettext_lazy("risk export", "Profile"), 22),
    ("last_assessed_at", pgettext_lazy("risk export", "Last assessed at"), 17),
    ("responsible_name", pgettext_lazy("risk export", "Responsible person"), 12),
    ("responsible_phone", pgettext_lazy("risk export", "Phone"), 14),
]


def export_risk_points(queryset: QuerySet) -> bytes:
    """The rows of ``queryset`` as an xlsx file (ExportTooLarge past MAX_EXPORT_ROWS)."""
    total = queryset.order_by().count()
    if total > MAX_EXPORT_ROWS:
        raise ExportTooLarge(str(total))
    labels = {"kind": dict(PointKind.choices), "level": dict(RiskLevel.choices), "method": dict(Method.choices)}
    sources = [c[0] for c in COLUMNS]

    def rows():
        for row in queryset.order_by("region_path", "enterprise_id", "id").values_list(*sources).iterator(
                chunk_size=CHUNK_SIZE):
            out = []
            for source, value in zip(sources, row, strict=True):
                if source in labels:
                    value = str(labels[source].get(value, value or ""))
                elif source == "last_assessed_at" and value is not None:
                    value = timezone.localtime(value).replace(tzinfo=None)
                out.append(value)
            yield out

    buf = io.BytesIO()
    write_xlsx(buf, "风险点台账", [str(c[1]) for c in COLUMNS], rows(), [c[2] for c in COLUMNS])
    return buf.getvalue()
