"""The enforcement inspection list as xlsx: the page's and the API's filters (one query string),
read through the caller's jurisdiction, in pages of ``CHUNK_SIZE`` rows."""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from anjian.core.exports import CHUNK_SIZE, MAX_EXPORT_ROWS, ExportTooLarge, FilterInvalid, write_xlsx

from .filters_inspections import InspectionFilter
from .models import EnforcementInspection


def filtered_inspections(user, params: Mapping) -> QuerySet:
    """The user's inspections narrowed by the list's filters; invalid filters are refused by name."""
    filterset = InspectionFilter(params, queryset=EnforcementInspection.objects.for_user(user))
    if not filterset.is_valid():
        raise FilterInvalid({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    return filterset.qs


def export_filename() -> str:
    return f"enforcement-inspections-{timezone.localdate():%Y%m%d}.xlsx"


def export_inspections(queryset: QuerySet) -> bytes:
    """One row per inspection: number, department, enterprise, kind, date, state, outcome, leader,
    findings, rectification deadline. Raises ``ExportTooLarge`` above MAX_EXPORT_ROWS rows."""
    from django.db.models import Count

    total = queryset.count()
    if total > MAX_EXPORT_ROWS:
        raise ExportTooLarge(_("The export is limited to %(n)s rows; narrow the filters.") % {"n": MAX_EXPORT_ROWS})
    header = [pgettext("enforcement inspection", "Number"), pgettext("enforcement", "Department"),
              pgettext("enforcement", "Enterprise"), pgettext("enforcement inspection", "Kind"), _("Planned for"),
              pgettext("enforcement inspection", "State"), pgettext("enforcement inspection", "Outcome"),
              _("Leading official"), _("Findings"), _("Rectification deadline")]
    qs = (queryset.order_by("-planned_on", "-id").select_related("department", "enterprise")
          .annotate(n_findings=Count("findings")))

    def rows():
        last = None
        while True:
            page = qs if last is None else qs.filter(pk__lt=last)
            chunk = list(page.order_by("-id")[:CHUNK_SIZE])
            if not chunk:
                return
            for i in chunk:
                yield [i.number, i.department.name, i.enterprise.name, i.get_kind_display(), i.planned_on,
                       i.get_state_display(), i.get_outcome_display() or "", i.leader_name, i.n_findings,
                       i.rectification_deadline]
            last = chunk[-1].pk

    out = io.BytesIO()
    write_xlsx(out, _("Enforcement inspections"), header, rows(), widths=[18, 22, 30, 16, 12, 12, 18, 12, 8, 14])
    return out.getvalue()
