"""A major hazard source's sensor list as a spreadsheet: the import (all or nothing, through
``core.imports.run_import``), its template, and the export (the same columns, so an export edited
and uploaded again corrects the sensors)."""

from __future__ import annotations

import io
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook

from anjian.core.imports import Column, ImportReport, RowInvalid, TemplateNotes, run_import, template_workbook
from anjian.core.workflow import create, perform_step

from . import events
from .choices import KIND_UNITS, ControlSystem, SensorKind
from .models import Sensor

# The sheet's columns: headers are the contents of the files users exchange (Chinese in both languages).
COLUMNS = [
    Column("code", "传感器编号", required=True, text=True, help="企业内唯一，作为 MQTT 主题的最后一级"),
    Column("name", "名称", required=True),
    Column("kind", "类型", required=True, help="液位、温度、压力、流量、可燃气体、有毒气体、视频在线"),
    Column("unit", "单位", required=True, help="液位 m/mm/%，温度 °C，压力 MPa/kPa，流量 m³/h、t/h、kg/h，可燃气体 %LEL，有毒气体 ppm，视频 online"),
    Column("range_min", "量程下限", required=True),
    Column("range_max", "量程上限", required=True),
    Column("system", "所属系统", help="DCS、SIS、GDS、视频系统、其他"),
    Column("tag", "位号", text=True),
    Column("period_seconds", "上报周期（秒）"),
    Column("high_high", "高高报"),
    Column("high", "高报"),
    Column("low", "低报"),
    Column("low_low", "低低报"),
    Column("hysteresis", "回差"),
    Column("min_duration_seconds", "报警延时（秒）"),
]
KIND_NAMES = {"液位": SensorKind.LEVEL, "温度": SensorKind.TEMPERATURE, "压力": SensorKind.PRESSURE,
              "流量": SensorKind.FLOW, "可燃气体": SensorKind.COMBUSTIBLE_GAS, "有毒气体": SensorKind.TOXIC_GAS,
              "视频在线": SensorKind.VIDEO, "视频": SensorKind.VIDEO}
KIND_LABELS = {v: k for k, v in KIND_NAMES.items() if k != "视频"}
SYSTEM_NAMES = {"DCS": ControlSystem.DCS, "SIS": ControlSystem.SIS, "GDS": ControlSystem.GDS,
                "视频系统": ControlSystem.VIDEO, "其他": ControlSystem.OTHER}
SYSTEM_LABELS = {v: k for k, v in SYSTEM_NAMES.items()}
NUMBERS = ("range_min", "range_max", "high_high", "high", "low", "low_low", "hysteresis")
WHOLE = ("period_seconds", "min_duration_seconds")


def _number(text: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise RowInvalid(_("“%(v)s” is not a number.") % {"v": text}) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise RowInvalid(_("“%(v)s” is not a number.") % {"v": text})
    return value


def _whole(text: str) -> int | None:
    value = _number(text)
    if value is None:
        return None
    if value != int(value) or value < 0:
        raise RowInvalid(_("“%(v)s” is not a whole number.") % {"v": text})
    return int(value)


def _row_data(rownum: int, row: dict[str, str], report: ImportReport) -> dict[str, Any] | None:
    data: dict[str, Any] = {"code": row.get("code", ""), "name": row.get("name", ""), "tag": row.get("tag", "")}
    kind = row.get("kind", "")
    data["kind"] = KIND_NAMES.get(kind, kind if kind in SensorKind.values else "")
    if not data["kind"]:
        report.add(rownum, "kind", _("Unknown sensor kind “%(v)s”.") % {"v": kind})
    data["unit"] = row.get("unit", "")
    system = row.get("system", "")
    if system:
        data["system"] = SYSTEM_NAMES.get(system.upper() if system.isascii() else system,
                                          system if system in ControlSystem.values else "")
        if not data["system"]:
            report.add(rownum, "system", _("Unknown control system “%(v)s”.") % {"v": system})
    ok = True
    for name in (*NUMBERS, *WHOLE):
        text = row.get(name, "")
        try:
            value = _number(text) if name in NUMBERS else _whole(text)
        except RowInvalid as exc:
            report.add(rownum, name, str(exc))
            ok = False
            continue
        if value is not None:
            data[name] = value
    for name in ("range_min", "range_max"):
        if name not in data and ok:
            report.add(rownum, name, _("Required."))
            ok = False
    return data if ok else None


def run_sensor_import(fileobj: IO[bytes], filename: str, *, actor, source) -> ImportReport:
    """The import of ``source``'s sensors (the right was checked by the service)."""
    from . import services

    existing = {s.code: s for s in Sensor.objects.filter(enterprise_id=source.enterprise_id, is_voided=False)}

    def validate(rows, report: ImportReport) -> list[tuple[int, dict[str, Any]]]:
        plan = []
        seen: dict[str, int] = {}
        for rownum, row in rows:
            data = _row_data(rownum, row, report)
            code = row.get("code", "")
            if code in seen:
                report.add(rownum, "code", _("The same code is on row %(row)s.") % {"row": seen[code]})
            seen[code] = rownum
            if data is None:
                continue
            current = existing.get(code)
            if current is not None and current.source_id != source.pk:
                report.add(rownum, "code", _("This code belongs to a sensor of another source of the enterprise."))
                continue
            probe = Sensor(**{**({f: getattr(current, f) for f in services.SENSOR_FIELDS} if current else {}), **data})
            probe.enterprise_id, probe.source_id = source.enterprise_id, source.pk
            try:
                probe.full_clean(exclude=["monitored", "source", "enterprise", "industry", "region_path", "grid",
                                          "risk_point"], validate_constraints=False)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        report.add(rownum, name, message)
                continue
            plan.append((rownum, data))
        return plan

    def write(plan, report: ImportReport) -> None:
        monitored = services.monitored_source(source, actor=actor)
        created = updated = 0
        for _rownum, data in plan:
            current = existing.get(data["code"])
            if current is None:
                sensor = Sensor(monitored=monitored, source=source, created_by=actor if actor.pk else None, **data)
                services._copy_scope(sensor, source)
                create(sensor, actor=actor, policy=None, action=events.SENSOR_REGISTERED, clean=False)
                created += 1
            else:
                def change(locked, data=data):
                    for k, v in data.items():
                        setattr(locked, k, v)
                if perform_step(current, events.SENSOR_UPDATED, actor=actor, policy=None, change=change,
                                data={"fields": sorted(data), "import": True}) is not None:
                    updated += 1
        report.created = created
        report.updated = updated
        services.record_import(monitored, actor=actor, created=created, updated=updated)

    return run_import(fileobj, filename, columns=COLUMNS, validate=validate, write=write, counts=("updated",))


def _cells(sensor: Sensor) -> list[Any]:
    return [sensor.code, sensor.name, KIND_LABELS.get(sensor.kind, sensor.kind), sensor.unit, sensor.range_min,
            sensor.range_max, SYSTEM_LABELS.get(sensor.system, sensor.system), sensor.tag, sensor.period_seconds,
            sensor.high_high, sensor.high, sensor.low, sensor.low_low, sensor.hysteresis, sensor.min_duration_seconds]


def export_sensors(sensors) -> bytes:
    """The sensors as the import's sheet (same headers and order)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("传感器")
    ws.append([c.header for c in COLUMNS])
    for sensor in sensors:
        ws.append(_cells(sensor))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template() -> bytes:
    units = [[KIND_LABELS[k], "、".join(v)] for k, v in KIND_UNITS.items()]
    return template_workbook(COLUMNS, "传感器", examples=[
        ["LT-101", "1#储罐液位", "液位", "m", 0, 20, "DCS", "LI-101", 10, 18, 16, 2, 1, 0.2, 30]],
        notes=TemplateNotes(lines=["每行一个传感器；编号已存在的传感器按本行修改，其余新增。",
                                   "报警值须满足 低低报 ≤ 低报 < 高报 ≤ 高高报，且在量程之内。"],
                            tables=[(["类型", "单位"], units)]))
