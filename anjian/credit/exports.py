"""Excel exports of the (scoped, filtered) credit lists: records, grades, listings. A fixed number
of queries whatever the number of rows; at most ``MAX_EXPORT_ROWS`` rows, else the user is asked to
narrow the filters."""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from anjian.core.exports import MAX_EXPORT_ROWS, ExportTooLarge, FilterInvalid, write_xlsx

from .choices import CreditGrade, ListingState, RecordSource, RecordState
from .filters import BlacklistingFilter, CreditRecordFilter, EnterpriseCreditFilter
from .models import Blacklisting, CreditRecord, EnterpriseCredit

__all__ = ["ExportTooLarge", "FilterInvalid", "export_records", "export_grades", "export_listings", "filename"]


def filename(what: str) -> str:
    return f"{what}-{timezone.localdate():%Y%m%d}.xlsx"


def _filtered(filter_class, model, user, params: Mapping) -> QuerySet:
    filterset = filter_class(params, queryset=model.objects.for_user(user))
    if not filterset.is_valid():
        raise FilterInvalid({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    return filterset.qs


def _rows(qs: QuerySet, *fields: str) -> list[tuple]:
    rows = list(qs.values_list(*fields)[:MAX_EXPORT_ROWS + 1])
    if len(rows) > MAX_EXPORT_ROWS:
        raise ExportTooLarge(_("More than %(n)d records match; narrow the filters.") % {"n": MAX_EXPORT_ROWS})
    return rows


def _xlsx(sheet: str, columns: list[tuple], rows: list[list]) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, sheet, [str(c[0]) for c in columns], rows, widths=[c[1] for c in columns])
    return buf.getvalue()


def _c(label: str):
    return pgettext_lazy("credit export", label)


RECORD_COLUMNS = [(_c("Enterprise"), 30), (_c("Unified social credit code"), 22), (_c("Kind"), 24),
                  (_c("Date"), 12), (_c("Points"), 8), (_c("Source"), 18), (_c("Source document"), 30),
                  (_c("Summary"), 40), (_c("State"), 12)]


def export_records(user, params: Mapping) -> bytes:
    qs = _filtered(CreditRecordFilter, CreditRecord, user, params).order_by("region_path", "enterprise_id",
                                                                             "-occurred_on", "id")
    rows = _rows(qs, "enterprise__name", "enterprise__credit_code", "kind__name", "occurred_on", "points",
                 "kind__points", "source_type", "document", "summary", "state")
    sources, states = dict(RecordSource.choices), dict(RecordState.choices)
    out = [[ent, code, kind, day, points if points is not None else kind_points, str(sources.get(src, src)), doc,
            summary, str(states.get(state, state))]
           for ent, code, kind, day, points, kind_points, src, doc, summary, state in rows]
    return _xlsx(str(_("Credit records")), RECORD_COLUMNS, out)


GRADE_COLUMNS = [(_c("Enterprise"), 30), (_c("Unified social credit code"), 22), (_c("Score"), 8),
                 (_c("Grade"), 16), (_c("On the list"), 8), (_c("Green channel"), 8), (_c("Computed on"), 12)]


def export_grades(user, params: Mapping) -> bytes:
    qs = _filtered(EnterpriseCreditFilter, EnterpriseCredit, user, params).order_by("region_path", "enterprise_id")
    rows = _rows(qs, "enterprise__name", "enterprise__credit_code", "score", "grade", "blacklisted", "green_channel",
                 "computed_on")
    grades, yes, no = dict(CreditGrade.choices), _("Yes"), _("No")
    out = [[ent, code, score, str(grades.get(g, g)), yes if black else no, yes if green else no, day]
           for ent, code, score, g, black, green, day in rows]
    return _xlsx(str(_("Credit grades")), GRADE_COLUMNS, out)


LISTING_COLUMNS = [(_c("Enterprise"), 30), (_c("Unified social credit code"), 22), (_c("Reason"), 40),
                   (_c("Decision document number"), 24), (_c("Decided on"), 12), (_c("Term ends on"), 12),
                   (_c("Published on"), 12), (_c("Removed on"), 12), (_c("State"), 14)]


def export_listings(user, params: Mapping) -> bytes:
    qs = _filtered(BlacklistingFilter, Blacklisting, user, params).order_by("region_path", "-id")
    rows = _rows(qs, "enterprise__name", "enterprise__credit_code", "reason", "decision_number", "decided_on",
                 "term_ends_on", "published_on", "removed_on", "state")
    states = dict(ListingState.choices)
    out = [[*row[:-1], str(states.get(row[-1], row[-1]))] for row in rows]
    return _xlsx(str(_("List of seriously untrustworthy entities")), LISTING_COLUMNS, out)
