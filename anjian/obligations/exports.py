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
from .choices import (
    CertificateState,
    CommitmentPeriod,
    LicenceState,
    OperationType,
    PersonRole,
    PersonState,
    StandardisationGrade,
    StandardisationState,
)
from .filters import (
    CommitmentFilter,
    KeyPersonFilter,
    LicenceFilter,
    OrganisationFilter,
    StandardisationFilter,
)
from .models import Commitment, KeyPerson, Licence, PersonCertificate, SafetyOrganisation, Standardisation

__all__ = ["ExportTooLarge", "FilterInvalid", "export_licences", "export_persons", "export_standardisations",
           "export_organisations", "export_commitments", "filename"]


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


def _verified(at) -> object:
    return timezone.localtime(at).date() if at else ""


STANDARDISATION_COLUMNS = [
    (pgettext_lazy("obligations export", "Enterprise"), 30),
    (pgettext_lazy("obligations export", "Unified social credit code"), 22),
    (pgettext_lazy("obligations export", "Industry"), 14),
    (pgettext_lazy("obligations export", "Grade"), 10),
    (pgettext_lazy("obligations export", "Certificate number"), 22),
    (pgettext_lazy("obligations export", "Graded by"), 22),
    (pgettext_lazy("obligations export", "Graded on"), 12),
    (pgettext_lazy("obligations export", "Valid until"), 12),
    (pgettext_lazy("obligations export", "Review cycle (years)"), 8),
    (pgettext_lazy("obligations export", "State"), 12),
    (pgettext_lazy("obligations export", "Valid today"), 8),
    (pgettext_lazy("obligations export", "Verified on"), 12),
]


def export_standardisations(user, params: Mapping) -> bytes:
    qs = _filtered(StandardisationFilter, Standardisation, user, params).order_by("region_path", "enterprise_id",
                                                                                   "valid_until", "id")
    rows = _rows(qs, "enterprise__name", "enterprise__credit_code", "industry__name", "grade", "number", "issuer",
                 "issued_on", "valid_until", "review_years", "state", "is_voided", "verified_at")
    today = timezone.localdate()
    grades, states, yes, no = dict(StandardisationGrade.choices), dict(StandardisationState.choices), _("Yes"), _("No")
    out = [[ent, code, ind, str(grades.get(grade, grade)), number, issuer, issued, until, review,
            str(states.get(state, state)),
            yes if not voided and state != StandardisationState.WITHDRAWN and issued <= today <= until else no,
            _verified(verified)]
           for ent, code, ind, grade, number, issuer, issued, until, review, state, voided, verified in rows]
    return _xlsx(str(_("Safety standardisation")), STANDARDISATION_COLUMNS, out)


ORGANISATION_COLUMNS = [
    (pgettext_lazy("obligations export", "Enterprise"), 30),
    (pgettext_lazy("obligations export", "Unified social credit code"), 22),
    (pgettext_lazy("obligations export", "Industry"), 14),
    (pgettext_lazy("obligations export", "Employees"), 8),
    (pgettext_lazy("obligations export", "Safety management body"), 22),
    (pgettext_lazy("obligations export", "Full-time safety staff"), 8),
    (pgettext_lazy("obligations export", "Part-time safety staff"), 8),
    (pgettext_lazy("obligations export", "Safety director"), 12),
    (pgettext_lazy("obligations export", "Director appointed on"), 12),
    (pgettext_lazy("obligations export", "Verified on"), 12),
]


def export_organisations(user, params: Mapping) -> bytes:
    qs = _filtered(OrganisationFilter, SafetyOrganisation, user, params).order_by("region_path", "enterprise_id", "id")
    rows = _rows(qs, "enterprise__name", "enterprise__credit_code", "industry__name", "enterprise__employees",
                 "has_body", "body_name", "full_time_staff", "part_time_staff", "director_name",
                 "director_appointed_on", "verified_at")
    out = [[ent, code, ind, emp, body_name if has_body else "", full, part, director, appointed or "",
            _verified(verified)]
           for ent, code, ind, emp, has_body, body_name, full, part, director, appointed, verified in rows]
    return _xlsx(str(_("Safety organisation")), ORGANISATION_COLUMNS, out)


COMMITMENT_COLUMNS = [
    (pgettext_lazy("obligations export", "Enterprise"), 30),
    (pgettext_lazy("obligations export", "Unified social credit code"), 22),
    (pgettext_lazy("obligations export", "Year"), 8),
    (pgettext_lazy("obligations export", "Period"), 10),
    (pgettext_lazy("obligations export", "Title"), 30),
    (pgettext_lazy("obligations export", "Signed by"), 12),
    (pgettext_lazy("obligations export", "Signed on"), 12),
    (pgettext_lazy("obligations export", "Verified on"), 12),
]


def export_commitments(user, params: Mapping) -> bytes:
    qs = _filtered(CommitmentFilter, Commitment, user, params).order_by("region_path", "enterprise_id", "-year", "id")
    rows = _rows(qs, "enterprise__name", "enterprise__credit_code", "year", "period", "title", "signed_by",
                 "signed_on", "verified_at")
    periods = dict(CommitmentPeriod.choices)
    out = [[ent, code, year, str(periods.get(period, period)), title, by, on, _verified(verified)]
           for ent, code, year, period, title, by, on, verified in rows]
    return _xlsx(str(_("Safety commitments")), COMMITMENT_COLUMNS, out)
