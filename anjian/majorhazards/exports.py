"""Excel export of the (scoped, filtered) registry of major hazard sources: one row per source
with its grade, S, R, chemicals and current responsible persons. Three queries whatever the
number of sources (sources, their substances, their persons)."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from anjian.core.exports import MAX_EXPORT_ROWS, ExportTooLarge, FilterInvalid, write_xlsx

from .choices import MajorGrade, PersonRole, SourceState, UnitKind
from .filters import MajorHazardSourceFilter
from .models import MajorHazardSource, ResponsiblePerson, SourceSubstance

__all__ = ["ExportTooLarge", "FilterInvalid", "export_filename", "export_registry", "filtered_sources"]


def filtered_sources(user, params: Mapping) -> QuerySet:
    filterset = MajorHazardSourceFilter(params, queryset=MajorHazardSource.objects.for_user(user)
                                        .filter(is_voided=False))
    if not filterset.is_valid():
        raise FilterInvalid({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    return filterset.qs


def export_filename() -> str:
    return f"major-hazard-sources-{timezone.localdate():%Y%m%d}.xlsx"


COLUMNS = [
    (pgettext_lazy("major hazard export", "Number"), 18),
    (pgettext_lazy("major hazard export", "Name"), 24),
    (pgettext_lazy("major hazard export", "Enterprise"), 30),
    (pgettext_lazy("major hazard export", "Township"), 14),
    (pgettext_lazy("major hazard export", "Industry"), 14),
    (pgettext_lazy("major hazard export", "Unit kind"), 10),
    (pgettext_lazy("major hazard export", "Major (S ≥ 1)"), 8),
    (pgettext_lazy("major hazard export", "Grade"), 8),
    (pgettext_lazy("major hazard export", "S"), 10),
    (pgettext_lazy("major hazard export", "R"), 10),
    (pgettext_lazy("major hazard export", "Residents within 500 m"), 10),
    (pgettext_lazy("major hazard export", "Chemicals (t)"), 40),
    (pgettext_lazy("major hazard export", "Principal responsible person"), 16),
    (pgettext_lazy("major hazard export", "Technical responsible person"), 16),
    (pgettext_lazy("major hazard export", "Operational responsible person"), 16),
    (pgettext_lazy("major hazard export", "State"), 10),
]


def export_registry(user, params: Mapping) -> bytes:
    qs = filtered_sources(user, params).order_by("region_path", "id")
    rows = list(qs.values_list("pk", "number", "name", "enterprise__name", "enterprise__region__name",
                               "industry__name", "unit_kind", "is_major", "grade", "s_value", "r_value",
                               "population_500m", "state")[:MAX_EXPORT_ROWS + 1])
    if len(rows) > MAX_EXPORT_ROWS:
        raise ExportTooLarge(_("More than %(n)d sources match; narrow the filter.") % {"n": MAX_EXPORT_ROWS})
    ids = [r[0] for r in rows]
    chems, persons = defaultdict(list), defaultdict(dict)
    for sid, name, q in (SourceSubstance.objects.filter(source_id__in=ids, is_voided=False).order_by("id")
                         .values_list("source_id", "name", "quantity_t")):
        chems[sid].append(f"{name} {q.normalize():f}")
    for sid, role, name, phone in (ResponsiblePerson.objects.filter(source_id__in=ids, ended_on__isnull=True)
                                   .values_list("source_id", "role", "name", "phone")):
        persons[sid][role] = f"{name} {phone}".strip()
    kinds, states, grades = dict(UnitKind.choices), dict(SourceState.choices), dict(MajorGrade.choices)
    yes, no = _("Yes"), _("No")
    out_rows = [[number, name, ent, town, ind, str(kinds.get(kind, kind)), yes if major else no,
                 str(grades[grade]) if grade else "", s, r, pop, "；".join(chems[pk]),
                 persons[pk].get(PersonRole.PRINCIPAL, ""), persons[pk].get(PersonRole.TECHNICAL, ""),
                 persons[pk].get(PersonRole.OPERATIONAL, ""), str(states.get(state, state))]
                for pk, number, name, ent, town, ind, kind, major, grade, s, r, pop, state in rows]
    buf = io.BytesIO()
    write_xlsx(buf, str(_("Major hazard sources")), [str(c[0]) for c in COLUMNS], out_rows,
               widths=[c[1] for c in COLUMNS])
    return buf.getvalue()
