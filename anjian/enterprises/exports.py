"""Excel export of the (scoped, filtered) enterprise list.

The sheet has the import template's columns first, under the same headers, so an export can
be edited and imported elsewhere (the high-risk basis and the feature tags included), then the
operating status and the current supervision plate (一企一牌). Rows are streamed: one query
(the current plate comes in through a LEFT JOIN on the partial unique index "one current
plate per enterprise"), read in chunks with ``values_list().iterator()``, plus one query of
the chunk's feature tags, written by the small streaming xlsx writer below.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.db.models import FilteredRelation, Q, QuerySet
from django.utils.translation import gettext as _

from anjian.core.exports import CHUNK_SIZE, MAX_EXPORT_ROWS, ExportTooLarge, FilterInvalid, write_xlsx

from .choices import OperatingStatus
from .filters import EnterpriseFilter
from .imports import BASIS_TEXT, ENTERPRISE_COLUMNS
from .models import EnterpriseTag
from .selectors import enterprise_list


def filtered_enterprises(user, params: Mapping) -> QuerySet:
    """The user's enterprises narrowed by the list page's filters (same query string)."""
    filterset = EnterpriseFilter(params, queryset=enterprise_list(user))
    if not filterset.is_valid():
        raise FilterInvalid({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    return filterset.qs


TAGS = "tags"  # not a values_list column: the names of the feature tags, read per chunk
# (source in values_list, header). The first block mirrors ENTERPRISE_COLUMNS field by field.
_TEMPLATE_SOURCES = {
    "name": "name", "credit_code": "credit_code", "region_code": "region__code", "industry_code": "industry__code",
    "grid_code": "grid__code", "legal_representative": "legal_representative", "principal_name": "principal_name",
    "principal_phone": "principal_phone", "safety_manager_name": "safety_manager_name",
    "safety_manager_phone": "safety_manager_phone", "address": "address", "latitude": "latitude",
    "longitude": "longitude", "above_scale": "above_scale", "employees": "employees", "high_risk": "high_risk",
    "established_on": "established_on", "high_risk_basis": "high_risk_basis", "tags": TAGS,
}
EXTRA_COLUMNS = [
    ("status", "经营状态"),
    ("region__name", "所属乡镇(街道)"),
    ("industry__name", "行业名称"),
    ("current__department__name", "监管部门"),
    ("current__leader_name", "责任领导"),
    ("current__leader_phone", "责任领导电话"),
    ("current__officer_name", "监管责任人"),
    ("current__officer_phone", "监管责任人电话"),
    ("current__started_on", "监管起始日期"),
]
EXPORT_COLUMNS: list[tuple[str, str]] = [
    (_TEMPLATE_SOURCES[c.field], c.header) for c in ENTERPRISE_COLUMNS
] + EXTRA_COLUMNS
BOOLEAN_SOURCES = {"above_scale", "high_risk"}
WIDTHS = {"name": 36, "credit_code": 22, "region__code": 16, "grid__code": 16, "address": 30,
          "current__department__name": 24, "region__name": 14}


def export_enterprises(queryset: QuerySet) -> bytes:
    """The enterprises of ``queryset`` (already scoped and filtered) as an xlsx file.

    Raises ``ExportTooLarge`` above MAX_EXPORT_ROWS rows."""
    qs = queryset.prefetch_related(None).select_related(None)
    total = qs.count()
    if total > MAX_EXPORT_ROWS:
        raise ExportTooLarge(
            _("%(n)s enterprises match; an export holds at most %(max)s. Narrow the filters (region, industry, "
              "status) and export in parts.") % {"n": f"{total:,}", "max": f"{MAX_EXPORT_ROWS:,}"})
    sources = [s for s, _h in EXPORT_COLUMNS]
    read = ["id", *(s for s in sources if s != TAGS)]  # the key, for the chunk's tags
    rows = (
        qs.annotate(current=FilteredRelation("supervisions", condition=Q(supervisions__is_current=True)))
        .values_list(*read)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    status_labels = {value: str(label) for value, label in OperatingStatus.choices}
    position = {s: i for i, s in enumerate(read)}
    picks = [position.get(s) for s in sources]  # None: the tags
    bools = [i for i, s in enumerate(sources) if s in BOOLEAN_SOURCES]
    status_at = sources.index("status")
    basis_at = sources.index("high_risk_basis")
    tags_at = sources.index(TAGS)

    def chunks():
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK_SIZE:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def converted():
        for chunk in chunks():
            names: dict[int, list[str]] = {}
            for pk, name in (EnterpriseTag.objects.filter(enterprise_id__in=[r[0] for r in chunk])
                             .order_by("tag__sort", "tag__code").values_list("enterprise_id", "tag__name")):
                names.setdefault(pk, []).append(name)
            for raw in chunk:
                row = [raw[i] if i is not None else None for i in picks]
                for i in bools:
                    row[i] = "是" if row[i] else "否"
                row[status_at] = status_labels.get(row[status_at], row[status_at])
                row[basis_at] = BASIS_TEXT.get(row[basis_at], row[basis_at])
                row[tags_at] = "、".join(names.get(raw[0], []))
                yield row

    buf = io.BytesIO()
    write_xlsx(buf, "企业名单", [title for _s, title in EXPORT_COLUMNS], converted(),
               widths=[WIDTHS.get(s, 14) for s in sources])
    return buf.getvalue()
