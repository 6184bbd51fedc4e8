"""Import of historical accidents from xlsx/CSV (all-or-nothing, with a row-by-row report).

Each row is checked completely first — the place's region and the enterprise must be in the
importer's jurisdiction, the accident type must belong to the list in force on the accident's
date (GB 6441-1986 before 2026-07-01, GB 6441-2025 from then; a type may be given by code or
name), counts must be whole numbers ≥ 0 — and graded through ``grading.grade_for``. Only when no
row has an error is everything written, in one transaction (the one import pipeline,
``core.imports.run_import``), by the one bulk writer (``core.bulk.bulk_insert``: COPY on
PostgreSQL): each accident with its "created" history row, its number (事故编号, made from its
id) and one ``imported`` event. Lookups (regions, enterprises, types) are loaded once per import.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import IO

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from anjian.core.bulk import ImportEvent, bulk_insert
from anjian.core.imports import Column, ImportReport, parse_industry_code, run_import, template_workbook
from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.enterprises.models import Enterprise, Industry
from anjian.regions.models import Region
from anjian.standards.models import AccidentType
from anjian.standards.selectors import accident_type_scheme_for

from .choices import AccidentCategory
from .grading import grade_for
from .models import Accident
from .services import accident_number

COLUMNS = [
    Column("occurred_at", gettext_lazy("Occurred at"), True, gettext_lazy("Date and time, e.g. 2024-05-01 10:30")),
    Column("region", gettext_lazy("Region code"), True, gettext_lazy("Division code of the place's region")),
    Column("address", gettext_lazy("Address"), True),
    Column("enterprise", gettext_lazy("Enterprise credit code"), False,
           gettext_lazy("Unified social credit code; empty for road and public-place accidents")),
    Column("industry", gettext_lazy("Industry code"), False, gettext_lazy("Default: the enterprise's industry")),
    Column("category", gettext_lazy("Category"), False, gettext_lazy("Default: industry, mining and commerce")),
    Column("accident_type", gettext_lazy("Accident type"), True,
           gettext_lazy("Code or name in GB 6441-1986 (before 2026-07-01) or GB 6441-2025 (from then)")),
    Column("deaths", gettext_lazy("Deaths"), False),
    Column("missing", pgettext_lazy("accident", "Missing"), False),
    Column("serious_injuries", gettext_lazy("Serious injuries"), False,
           gettext_lazy("Including acute industrial poisoning")),
    Column("minor_injuries", gettext_lazy("Minor injuries"), False),
    Column("direct_loss_yuan", gettext_lazy("Direct economic loss (yuan)"), False, gettext_lazy("1000万 = 10000000")),
    Column("summary", gettext_lazy("Summary"), True),
    Column("preliminary_cause", gettext_lazy("Preliminary cause"), False),
    Column("learned_at", gettext_lazy("Unit head learned at"), False),
    Column("reported_to_government_at", gettext_lazy("Reported to the government at"), False),
]
COUNT_FIELDS = ("deaths", "missing", "serious_injuries", "minor_injuries")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y/%m/%d %H:%M",
                    "%Y/%m/%d %H:%M:%S", "%Y-%m-%d", "%Y/%m/%d")


def template_file() -> bytes:
    cols = [Column(c.field, str(c.header), c.required, str(c.help)) for c in COLUMNS]
    return template_workbook(cols, _("Accidents"), examples=[[
        "2024-05-01 10:30", "", "某路1号", "", "", "", "物体打击", 1, 0, 2, 0, 500000, "事故经过……", "", "", ""]])


def _datetime(text: str) -> datetime.datetime:
    for fmt in DATETIME_FORMATS:
        try:
            value = datetime.datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        return timezone.make_aware(value)
    raise ValueError(text)


class _Lookups:
    """Everything the rows refer to, loaded once: region codes, enterprises and industries by
    code, accident types by (scheme, code) and (scheme, name), category labels."""

    def __init__(self, actor, rows):
        self.actor = actor
        self.scope = scope_of(actor)
        codes = {r["region"] for _n, r in rows if r.get("region")}
        self.regions = {r.code: r for r in Region.objects.for_user(actor).filter(code__in=codes, is_voided=False)}
        credit = {r["enterprise"] for _n, r in rows if r.get("enterprise")}
        self.enterprises = {e.credit_code: e for e in Enterprise.objects.for_user(actor).filter(credit_code__in=credit)}
        self.industries = {i.code: i for i in Industry.objects.all()}
        self.types: dict[tuple[str, str], AccidentType] = {}
        for t in AccidentType.objects.filter(is_active=True):
            self.types[(t.scheme, t.code)] = t
            self.types[(t.scheme, t.name)] = t
        self.categories: dict[str, str] = {}
        for value, label in AccidentCategory.choices:
            self.categories[value] = value
            for lang in ("zh-hans", "en"):
                with translation.override(lang):
                    self.categories[str(label)] = value


def _row(rownum: int, row: dict, lk: _Lookups, report: ImportReport) -> dict | None:
    """The column values (by attname) of one row's accident, or None after adding its errors."""
    errors_before = len(report.errors)

    def err(field: str, message) -> None:
        report.add(rownum, field, str(message))

    values: dict = {"learned_at": None, "reported_to_government_at": None}  # every row has the same keys
    try:
        values["occurred_at"] = _datetime(row.get("occurred_at", ""))
        if values["occurred_at"] > timezone.now():
            err("occurred_at", _("The accident cannot be in the future."))
    except ValueError:
        err("occurred_at", _("Not a date and time (e.g. 2024-05-01 10:30)."))
    for name in ("learned_at", "reported_to_government_at"):
        if row.get(name):
            try:
                values[name] = _datetime(row[name])
            except ValueError:
                err(name, _("Not a date and time (e.g. 2024-05-01 10:30)."))
    region = lk.regions.get(row.get("region", ""))
    if region is None:
        err("region", _("No region with this code in your jurisdiction."))
    enterprise = None
    if row.get("enterprise"):
        enterprise = lk.enterprises.get(row["enterprise"])
        if enterprise is None:
            err("enterprise", _("No enterprise with this credit code in your jurisdiction."))
    if lk.scope.kind == ENTERPRISE and (enterprise is None or enterprise.pk != lk.scope.enterprise_id):
        err("enterprise", _("An enterprise reports only its own accidents."))
    industry = enterprise.industry if enterprise else None
    if row.get("industry"):
        industry = lk.industries.get(parse_industry_code(row["industry"]))
        if industry is None:
            err("industry", _("Unknown industry code."))
    category = AccidentCategory.INDUSTRIAL.value
    if row.get("category"):
        category = lk.categories.get(row["category"])
        if category is None:
            err("category", _("Unknown category."))
    for name in ("address", "summary"):
        if not row.get(name):
            err(name, _("This field is required."))
    for name in COUNT_FIELDS:
        text = row.get(name) or "0"
        if not text.isdigit():
            err(name, _("Give a whole number of persons (0 or more)."))
        else:
            values[name] = int(text)
    try:
        values["direct_loss_yuan"] = Decimal(row.get("direct_loss_yuan") or "0")
        if values["direct_loss_yuan"] < 0 or not values["direct_loss_yuan"].is_finite():
            raise InvalidOperation
    except InvalidOperation:
        err("direct_loss_yuan", _("Give an amount in yuan (0 or more)."))
    accident_type = None
    if "occurred_at" in values:
        scheme = accident_type_scheme_for(timezone.localdate(values["occurred_at"]))
        accident_type = lk.types.get((scheme, row.get("accident_type", "")))
        if accident_type is None:
            err("accident_type", _("Not a type of %(scheme)s, the list in force on the accident's date.")
                % {"scheme": scheme})
    learned, reported = values.get("learned_at"), values.get("reported_to_government_at")
    if learned and reported and reported < learned:
        err("reported_to_government_at", _(
            "The report to the government cannot precede the time the unit head learned of the accident."))
    if len(report.errors) > errors_before:
        return None
    grade, _by = grade_for(deaths=values["deaths"], missing=values["missing"],
                           serious_injuries=values["serious_injuries"],
                           direct_loss_yuan=values["direct_loss_yuan"], on=timezone.localdate(values["occurred_at"]))
    return {"region_id": region.pk, "region_path": region.path, "address": row["address"][:200],
            "enterprise_id": enterprise.pk if enterprise else None, "industry_id": industry.pk if industry else None,
            "grid_id": enterprise.grid_id if enterprise else None, "category": category,
            "accident_type_id": accident_type.pk, "grade": grade, "summary": row["summary"],
            "preliminary_cause": row.get("preliminary_cause", ""), "created_by_id": getattr(lk.actor, "pk", None),
            # Historical records: their follow-up reports (续报) and investigation were not
            # followed in this system.
            "obligations_tracked": False, **values}


def _number(row: dict) -> dict:
    """The accident's number (事故编号), made from its new id as the report service makes it."""
    return {"number": accident_number(Accident(pk=row["id"], occurred_at=row["occurred_at"]))}


def import_accidents(fileobj: IO[bytes], filename: str, *, actor) -> ImportReport:
    """Import historical accidents: every row is written, or none is. Raises
    ``core.imports.ImportFileError`` when the file itself cannot be read."""

    def validate(rows, report: ImportReport) -> list[dict]:
        lk = _Lookups(actor, rows)
        return [_row(n, r, lk, report) for n, r in rows]

    def write(built: list[dict], report: ImportReport) -> None:
        stamp = f"{timezone.now():%H%M%S%f}"
        for i, values in enumerate(built):
            values["number"] = f"IMP{stamp}{i}"[:32]  # unique until the id gives the number
        bulk_insert(Accident, built, actor=actor, reason=f"import: {filename}"[:100], derive=_number, large=True,
                    event=ImportEvent("imported", data=lambda values: {"file": filename, "grade": values["grade"]}))
        report.created = len(built)

    return run_import(fileobj, filename, columns=COLUMNS, validate=validate, write=write)
