"""Excel exports of the (scoped, filtered) registries: licences, and the people to be certified with
their latest certificate. A fixed number of queries whatever the number of rows; at most
``MAX_EXPORT_ROWS`` rows, else the user is asked to narrow the filters."""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from anjian.core.exports import MAX_EXPORT_ROWS, ExportTooLarge, FilterInvalid, write_xlsx

from . import selectors
from .choices import CertificateState, LicenceState, OperationType, PersonRole, PersonState
from .filters import KeyPersonFilter, LicenceFilter
from .models import KeyPerson, Licence, PersonCertificate

__all__ = ["ExportTooLarge", "FilterInvalid", "export_licences", "export_persons", "filename"]


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


LICENCE_COLUMNS = [
    (pgettext_lazy("obligations export", "Enterprise"), 30),
    (pgettext_lazy("obligations export", "Unified social credit code"), 22),
    (pgettext_lazy("obligations export", "Township"), 14),
    (pgettext_lazy("obligations export", "Industry"), 14),
    (pgettext_lazy("obligations export", "Licence"), 22),
    (pgettext_lazy("obligations export", "Number"), 22),
    (pgettext_lazy("obligations export", "Issued by"), 22),
    (pgettext_lazy("obligations export", "Licensed scope"), 30),
    (pgettext_lazy("obligations export", "Issued on"), 12),
    (pgettext_lazy("obligations export", "Valid from"), 12),
    (pgettext_lazy("obligations export", "Valid until"), 12),
    (pgettext_lazy("obligations export", "State"), 10),
    (pgettext_lazy("obligations export", "Valid today"), 8),
    (pgettext_lazy("obligations export", "Verified on"), 12),
]


def export_licences(user, params: Mapping) -> bytes:
    qs = _filtered(LicenceFilter, Licence, user, params).order_by("region_path", "enterprise_id", "valid_until", "id")
    rows = _rows(qs, "enterprise__name", "enterprise__credit_code", "enterprise__region__name", "industry__name",
                 "kind__name", "number", "issuer", "scope", "issued_on", "valid_from", "valid_until", "state",
                 "verified_at")
    today = timezone.localdate()
    states, yes, no = dict(LicenceState.choices), _("Yes"), _("No")
    out = [[ent, code, town, ind, kind, number, issuer, scope, issued, start, until, str(states.get(state, state)),
            yes if state == LicenceState.ACTIVE and start <= today <= until else no,
            timezone.localtime(verified).date() if verified else ""]
           for ent, code, town, ind, kind, number, issuer, scope, issued, start, until, state, verified in rows]
    return _xlsx(str(_("Licences and permits")), LICENCE_COLUMNS, out)


PERSON_COLUMNS = [
    (pgettext_lazy("obligations export", "Enterprise"), 30),
    (pgettext_lazy("obligations export", "Unified social credit code"), 22),
    (pgettext_lazy("obligations export", "Name"), 12),
    (pgettext_lazy("obligations export", "Role"), 14),
    (pgettext_lazy("obligations export", "Operation type"), 20),
    (pgettext_lazy("obligations export", "Position"), 14),
    (pgettext_lazy("obligations export", "Appointed on"), 12),
    (pgettext_lazy("obligations export", "State"), 8),
    (pgettext_lazy("obligations export", "Certified today"), 8),
    (pgettext_lazy("obligations export", "Certificate number"), 22),
    (pgettext_lazy("obligations export", "Certificate valid until"), 12),
    (pgettext_lazy("obligations export", "Verified on"), 12),
]


def export_persons(user, params: Mapping) -> bytes:
    today = timezone.localdate()
    qs = (_filtered(KeyPersonFilter, KeyPerson, user, params)
          .annotate(ok=ExpressionWrapper(selectors.certified(today), output_field=BooleanField()))
          .order_by("region_path", "enterprise_id", "role", "id"))
    rows = _rows(qs, "pk", "enterprise__name", "enterprise__credit_code", "name", "role", "operation_type",
                 "position", "appointed_on", "state", "verified_at", "ok")
    # The latest held certificate of each person: one query for all the people.
    latest: dict[int, tuple] = {}
    certs = (PersonCertificate.objects.filter(person_id__in=[r[0] for r in rows], is_voided=False,
                                              state=CertificateState.HELD)
             .order_by("person_id", "valid_until").values_list("person_id", "number", "valid_until"))
    for pid, number, until in certs:
        latest[pid] = (number, until)
    roles, types, states = dict(PersonRole.choices), dict(OperationType.choices), dict(PersonState.choices)
    yes, no = _("Yes"), _("No")
    out = []
    for pk, ent, code, name, role, op, position, appointed, state, verified, valid in rows:
        number, until = latest.get(pk, ("", ""))
        out.append([ent, code, name, str(roles.get(role, role)), str(types.get(op, op)) if op else "", position,
                    appointed, str(states.get(state, state)), yes if valid else no, number, until,
                    timezone.localtime(verified).date() if verified else ""])
    return _xlsx(str(_("People to be certified")), PERSON_COLUMNS, out)
