"""Regional yearly figures (GDP, 工矿商贸 employment, 双下降 targets): who may enter them, the
entry service (create or correct, with an event), and the all-or-nothing xlsx/CSV import.

The figures are the denominators of the accident rates (REGULATIONS.md §7) and the targets the
accident statistics judge 双下降 against; the committee office (安委办) and administrators enter
them for the regions of their jurisdiction, everyone in scope reads them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core.imports import Column, ImportReport, run_import
from anjian.core.services import record_event
from anjian.core.workflow import create, perform

from . import events
from .models import Region, RegionYearFigure
from .policy import policy

#: The editable figures, in form and template order.
FIGURE_FIELDS = ("gdp_100m_yuan", "industrial_employment", "count_target_pct", "deaths_target_pct", "source", "note")

FIGURE_COLUMNS = [
    Column("region_code", "区划代码", required=True, help="12位统计用区划代码，须在本辖区内"),
    Column("year", "年度", required=True, help="如 2025"),
    Column("gdp_100m_yuan", "地区生产总值（亿元）", help="可留空；单位亿元"),
    Column("industrial_employment", "工矿商贸就业人员（人）", help="可留空；单位人"),
    Column("count_target_pct", "事故起数控制目标（%）", help="同比变化目标，如 -20 表示下降20%；可留空"),
    Column("deaths_target_pct", "死亡人数控制目标（%）", help="同比变化目标，如 -20；可留空"),
    Column("source", "数据来源", help="如 统计年鉴"),
    Column("note", "备注"),
]


def can_enter_figures(user) -> bool:
    """Whether ``user`` may enter or import figures at all (for the regions of their scope)."""
    return policy.can(user, "enter_figures")


def _clean(figure: RegionYearFigure) -> None:
    # Field validators (ranges, digits) with the field names; uniqueness is the service's.
    figure.full_clean(exclude=["region", "entered_by"], validate_unique=False, validate_constraints=False)


def _snapshot(figure: RegionYearFigure) -> dict[str, Any]:
    return {name: (str(v) if isinstance(v := getattr(figure, name), Decimal) else v) for name in FIGURE_FIELDS}


def save_region_figures(*, actor, region: Region, year: int, data: dict[str, Any],
                        version: int | None = None) -> tuple[RegionYearFigure, bool]:
    """Enter the figures of ``region`` for ``year``, or correct the live row already there.

    ``data`` holds any of ``FIGURE_FIELDS`` (missing keys keep their value on a correction);
    ``version`` (optional) is the version the user edited: a different current version means
    someone else changed the row meanwhile (ConflictError → HTTP 409). The region must be in
    the actor's jurisdiction and the actor must be allowed to enter figures. Writes an event
    (``figures_entered`` or ``figures_corrected`` with the values before and after). Returns
    (row, created)."""
    if not policy.can(actor, "enter_figures"):
        raise ValidationError({"region": _("You may not enter regional figures.")})
    if not policy.can(actor, "enter_figures", region):
        raise ValidationError({"region": _("This region is outside your jurisdiction.")})
    unknown = set(data) - set(FIGURE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Unknown field.")})

    def apply(figure: RegionYearFigure) -> None:
        for name, value in data.items():
            setattr(figure, name, "" if value is None and name in ("source", "note") else value)
        _clean(figure)

    with transaction.atomic():
        # Serialises the "one live row per region and year" check between concurrent entries.
        Region.objects.select_for_update().filter(pk=region.pk).first()
        figure = RegionYearFigure.objects.filter(region=region, year=year, is_voided=False).first()
        if figure is None:
            figure = RegionYearFigure(region=region, year=year, entered_by=actor if getattr(actor, "pk", None) else None)
            apply(figure)
            create(figure, actor=actor, policy=policy, action=events.FIGURES_ENTERED, clean=False, event=False)
            figure.refresh_from_db(fields=list(FIGURE_FIELDS))  # the stored values (decimal places)
            record_event(figure, events.FIGURES_ENTERED, actor=actor, data={"after": _snapshot(figure)})
            return figure, True
        before = _snapshot(figure)
        figure = perform(figure, events.FIGURES_CORRECTED, actor=actor, policy=policy, change=apply,
                         expected_version=version if version is not None else figure.version, event=False)
        figure.refresh_from_db(fields=list(FIGURE_FIELDS))
        after = _snapshot(figure)
        changed = {k: [before[k], after[k]] for k in FIGURE_FIELDS if before[k] != after[k]}
        record_event(figure, events.FIGURES_CORRECTED, actor=actor, data={"changes": changed})
        return figure, False


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").replace("%", "").strip())
    except InvalidOperation as exc:
        raise ValueError from exc
    if not value.is_finite():
        raise ValueError
    return value


def _parse_row(row: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The values of one import row, and its errors as (field, message)."""
    errors: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    year_text = row.get("year", "")
    if not (year_text.isdigit() and 1990 <= int(year_text) <= 2100):
        errors.append(("year", _("Enter a year between 1990 and 2100.")))
    else:
        values["year"] = int(year_text)
    for name in ("gdp_100m_yuan", "count_target_pct", "deaths_target_pct"):
        text = row.get(name, "")
        if text == "":
            values[name] = None
            continue
        try:
            values[name] = _decimal(text)
        except ValueError:
            errors.append((name, _("Enter a number.")))
    text = row.get("industrial_employment", "").replace(",", "")
    if text == "":
        values["industrial_employment"] = None
    elif text.isdigit():
        values["industrial_employment"] = int(text)
    else:
        errors.append(("industrial_employment", _("Enter a whole number of persons.")))
    values["source"] = row.get("source", "")[:200]
    values["note"] = row.get("note", "")
    return values, errors


def import_region_figures(fileobj: IO[bytes], filename: str, *, actor) -> ImportReport:
    """Import regional yearly figures (xlsx/CSV, columns ``FIGURE_COLUMNS``). A row for a region
    and year that already has live figures corrects them (an event each). Either every row is
    valid and all are written in one transaction, or nothing is written and the report lists
    every row's errors."""
    if not can_enter_figures(actor):
        report = ImportReport()
        report.add(0, "region_code", _("You may not enter regional figures."))
        return report

    def write(plan, report: ImportReport) -> None:
        parsed, regions = plan
        for _rownum, code, values in parsed:
            data = {k: v for k, v in values.items() if k != "year"}
            save_region_figures(actor=actor, region=regions[code], year=values["year"], data=data)
            report.created += 1

    return run_import(fileobj, filename, columns=FIGURE_COLUMNS, write=write,
                      validate=lambda rows, report: _validate_figures(rows, report, actor=actor))


def _validate_figures(rows, report: ImportReport, *, actor):
    """The rows' values and the regions they name; every error goes to the report, named by column."""
    parsed: list[tuple[int, str, dict[str, Any]]] = []
    seen: dict[tuple[str, int], int] = {}
    for rownum, row in rows:
        values, errors = _parse_row(row)
        code = row.get("region_code", "")
        if "year" in values:
            key = (code, values["year"])
            if key in seen:
                errors.append(("year", _("Region %(code)s and year %(year)s appear again (first on row %(row)s).")
                               % {"code": code, "year": values["year"], "row": seen[key]}))
            else:
                seen[key] = rownum
        for name, message in errors:
            report.add(rownum, name, message)
        parsed.append((rownum, code, values))
    codes = {code for _r, code, _v in parsed}
    regions = {r.code: r for r in Region.objects.for_user(actor).filter(code__in=codes)}
    for rownum, code, values in parsed:
        region = regions.get(code)
        if region is None:
            report.add(rownum, "region_code", _("Unknown region code %(code)s, or outside your jurisdiction.")
                       % {"code": code or "—"})
            continue
        # The model's own checks (ranges, digits) on a throw-away row, named by column.
        probe = RegionYearFigure(region=region, **values)
        try:
            _clean(probe)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    report.add(rownum, name, message)
    return parsed, regions
