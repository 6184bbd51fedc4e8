"""Tabular import plumbing (xlsx and CSV): read rows, collect row-by-row errors, and let the
caller write everything in one transaction only when no row has an error."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter


@dataclass
class Column:
    """One column of an import template: the field it fills and its header (Chinese label)."""

    field: str
    header: str
    required: bool = False
    help: str = ""


@dataclass
class RowError:
    row: int
    field: str
    message: str
    column: str = ""


@dataclass
class ImportReport:
    """What an import did, or why it did nothing."""

    total_rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, field_name: str, message: str, column: str = "") -> None:
        self.errors.append(RowError(row, field_name, str(message), column))

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "total_rows": self.total_rows,
            "created": self.created,
            "errors": [e.__dict__ for e in self.errors],
        }


class ImportFileError(ValueError):
    """The file itself cannot be read (wrong type, missing headers)."""


def read_rows(fileobj: IO[bytes], filename: str, columns: list[Column]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (spreadsheet row number, {field: text}) for every non-empty data row, from an
    xlsx (``core.xlsx``, the one streaming reader) or a CSV file; both give the same texts
    (stripped, whole numbers without ".0", dates as YYYY-MM-DD) within the same bounds.

    Headers may be the Chinese label or the field name (the first such column counts);
    unknown headers are ignored.
    """
    from anjian.core.xlsx import iter_xlsx_rows

    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = iter_xlsx_rows(fileobj)
    elif name.endswith(".csv"):
        rows = _csv_rows(fileobj)
    else:
        raise ImportFileError(_("Upload an .xlsx or .csv file."))
    try:
        _rownum, header = next(rows)
    except StopIteration as exc:
        raise ImportFileError(_("The file is empty.")) from exc
    lookup = {}
    for c in columns:
        lookup[c.header.strip()] = c.field
        lookup[c.field] = c.field
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        key = lookup.get(str(h or "").strip().rstrip("*").strip())
        if key and key not in index:
            index[key] = i
    missing = [c.header for c in columns if c.required and c.field not in index]
    if missing:
        raise ImportFileError(_("Missing columns: %(cols)s") % {"cols": "、".join(missing)})
    items = list(index.items())
    for rownum, values in rows:
        if not any(values):
            continue
        n = len(values)
        yield rownum, {f: (values[i] if i < n else "") for f, i in items}


def _csv_rows(fileobj) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV upload (UTF-8 or GB18030) as (row number, [stripped text, ...]),
    within the bounds of ``core.xlsx.Limits``."""
    from anjian.core.xlsx import Limits, too_long, too_many_rows

    limits = Limits.from_settings()
    raw = fileobj.read(limits.max_xml_bytes + 1)
    if len(raw) > limits.max_xml_bytes:
        raise ImportFileError(_("The file is too large (at most %(mb)d MB).") % {"mb": limits.max_xml_bytes >> 20})
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The CSV file must be UTF-8 or GB18030 encoded."))
    reader = csv.reader(io.StringIO(text))
    data_rows = 0
    # The csv module's own field limit (131,072 characters) raises csv.Error; ours is lower and
    # named in the message, so raise the module's above it and check each cell here.
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_cell_chars + 1))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(_("Row %(row)d cannot be read as CSV: %(error)s")
                                  % {"row": reader.line_num, "error": exc}) from exc
        rownum = reader.line_num
        if len(row) > limits.max_columns and any(v.strip() for v in row[limits.max_columns:]):
            raise ImportFileError(_("Row %(row)d: imports read at most %(n)d columns.")
                                  % {"row": rownum, "n": limits.max_columns})
        values = [v.strip() for v in row[:limits.max_columns]]
        for col, v in enumerate(values):
            if len(v) > limits.max_cell_chars:
                raise too_long(rownum, col, limits.max_cell_chars)
        if any(values):
            data_rows += 1
            if data_rows > limits.max_rows + 1:
                raise too_many_rows(limits.max_rows)
        yield rownum, values


def template_workbook(columns: list[Column], title: str, examples: list[list] | None = None) -> bytes:
    """An import template: bold headers (required ones marked *), a help row as comments, examples."""
    from openpyxl.comments import Comment

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    for i, c in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=c.header + (" *" if c.required else ""))
        cell.font = Font(bold=True)
        if c.required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        if c.help:
            cell.comment = Comment(c.help, "Anjian")
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(c.header) * 2 + 4)
    for r, example in enumerate(examples or [], start=2):
        for i, v in enumerate(example, start=1):
            ws.cell(row=r, column=i, value=v)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def import_upload(request, run_import) -> ImportReport:
    """The report of an API import: ``run_import(file, filename, actor=user)`` on the request's
    multipart ``file``; a missing or unreadable file is a report with one error on "file"."""
    upload = request.FILES.get("file")
    if upload is None:
        report = ImportReport()
        report.add(0, "file", _("Upload the file in the multipart field “file”."))
        return report
    try:
        return run_import(upload, upload.name, actor=request.user)
    except ImportFileError as exc:
        report = ImportReport()
        report.add(0, "file", str(exc))
        return report
