"""Changes to the region tree: import from xlsx/CSV (all-or-nothing) and grid creation."""

from typing import IO

from django.utils.translation import gettext as _

from anjian.core.bulk import ImportEvent, bulk_insert, write_import_event
from anjian.core.imports import Column, ImportReport, run_import

from .choices import LEVEL_DEPTH, LEVEL_ORDER, RegionLevel
from .models import Region

# Headers are the template's content (Chinese, as users' spreadsheets have them); the field
# names (code, name, level, parent_code) are accepted as headers too.
REGION_COLUMNS = [
    Column("code", "区划代码", required=True, help="12位统计用区划代码"),
    Column("name", "名称", required=True),
    Column("level", "级别", required=True, help="省/市/县/乡镇/村"),
    Column("parent_code", "上级代码", help="上级区划代码；省级留空"),
]

LEVEL_ALIASES = {
    "省": RegionLevel.PROVINCE, "市": RegionLevel.CITY, "县": RegionLevel.COUNTY, "区": RegionLevel.COUNTY,
    "县区": RegionLevel.COUNTY, "乡镇": RegionLevel.TOWNSHIP, "街道": RegionLevel.TOWNSHIP,
    "村": RegionLevel.VILLAGE, "社区": RegionLevel.VILLAGE,
}


def parse_level(text: str) -> str | None:
    text = (text or "").strip()
    if text in RegionLevel.values:
        return text
    for value, label in RegionLevel.choices:
        if text.lower() == str(label).lower():
            return value
    return LEVEL_ALIASES.get(text)


def import_regions(fileobj: IO[bytes], filename: str, *, actor=None, columns=None) -> ImportReport:
    """Import (or rename) regions. Either every row is valid and all are written, or nothing is:
    new regions level by level with the one bulk writer (each with its "created" history row),
    renamed ones saved one by one (a "changed" history row each), and one ``imported`` event."""
    columns = columns or REGION_COLUMNS
    return run_import(fileobj, filename, columns=columns, validate=_validate,
                      write=lambda plan, report: _write(plan, report, actor=actor, filename=filename))


def _validate(file_rows, report: ImportReport):
    """The rows as (row number, code, name, level, parent code) and the regions of the system they
    name (by code); every error goes to the report."""
    rows = []
    seen: dict[str, int] = {}
    for rownum, row in file_rows:
        code, name = row.get("code", ""), row.get("name", "")
        level = parse_level(row.get("level", ""))
        parent_code = row.get("parent_code", "")
        if not (len(code) == 12 and code.isdigit()):
            report.add(rownum, "code", _("The division code must be 12 digits."))
        elif code in seen:
            report.add(rownum, "code", _("Code %(code)s appears again (first on row %(row)s).")
                       % {"code": code, "row": seen[code]})
        else:
            seen[code] = rownum
        if not name:
            report.add(rownum, "name", _("The name is required."))
        if level is None:
            report.add(rownum, "level", _("Unknown level “%(v)s”.") % {"v": row.get("level", "")})
        elif level == RegionLevel.PROVINCE and parent_code:
            report.add(rownum, "parent_code", _("A province has no parent."))
        elif level != RegionLevel.PROVINCE and not parent_code:
            report.add(rownum, "parent_code", _("The parent code is required."))
        rows.append((rownum, code, name, level, parent_code))

    file_levels = {code: level for _r, code, _n, level, _p in rows}
    existing = {r.code: r for r in Region.objects.filter(code__in=set(file_levels) | {r[4] for r in rows if r[4]})}
    for rownum, _code, _name, level, parent_code in rows:
        if not parent_code or level is None:
            continue
        parent_level = file_levels.get(parent_code) or (existing[parent_code].level if parent_code in existing
                                                         else None)
        if parent_level is None:
            report.add(rownum, "parent_code", _("Parent %(code)s is neither in the file nor in the system.")
                       % {"code": parent_code})
        elif LEVEL_DEPTH[parent_level] != LEVEL_DEPTH[level] - 1:
            report.add(rownum, "parent_code", _("The parent must be one level above (%(level)s).")
                       % {"level": LEVEL_ORDER[LEVEL_DEPTH[level] - 1].label})
    for rownum, code, _name, level, parent_code in rows:
        if code in existing and level and existing[code].level != level:
            report.add(rownum, "level", _("Region %(code)s already exists with another level.") % {"code": code})
        old_parent = existing[code].path[-24:-12] if code in existing else None
        if old_parent is not None and (old_parent or "") != (parent_code or ""):
            report.add(rownum, "parent_code", _("Region %(code)s already exists under another parent; "
                                                "moving regions is not done by import.") % {"code": code})
    return rows, existing


def _write(plan, report: ImportReport, *, actor, filename: str) -> None:
    rows, existing = plan
    # code → (id, path) of every region a row may name as its parent
    placed = {code: (r.pk, r.path) for code, r in existing.items()}
    created: list[int] = []
    for depth in sorted({LEVEL_DEPTH[level] for _r, _c, _n, level, _p in rows}):
        new = []
        for _rownum, code, name, level, parent_code in rows:
            if LEVEL_DEPTH[level] != depth:
                continue
            parent_id, parent_path = placed[parent_code] if parent_code else (None, "")
            region = existing.get(code)
            if region is None:
                new.append({"code": code, "name": name, "level": level, "parent_id": parent_id,
                            "path": parent_path + code})
            else:
                region.name, region.parent_id = name, parent_id
                region._history_user = actor
                region.save()
        # the level's new regions are the parents of the next level's
        created += bulk_insert(Region, new, actor=actor)
        placed.update({r["code"]: (r["id"], r["path"]) for r in new})
    report.created = len(created)
    if actor is not None and rows:
        first = existing.get(rows[0][1]) or Region.objects.get(pk=placed[rows[0][1]][0])
        write_import_event(ImportEvent("imported", on=first, data={"rows": report.total_rows, "file": filename}),
                           Region, [], created, actor=actor)
