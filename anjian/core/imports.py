"""Tabular import plumbing (xlsx and CSV): read rows, collect row-by-row errors, and let the
caller write everything in one transaction only when no row has an error."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
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


def read_rows(fileobj: IO[bytes], filename: str, columns: list[Column]) -> Iterable[tuple[int, dict[str, str]]]:
    """Yield (spreadsheet row number, {field: text}) for every non-empty data row.

    Headers may be the Chinese label or the field name; unknown headers are ignored.
    """
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(fileobj)
    elif name.endswith(".csv"):
        rows = _csv_rows(fileobj)
    else:
        raise ImportFileError(_("Upload an .xlsx or .csv file."))
    try:
        header = next(rows)
    except StopIteration as exc:
        raise ImportFileError(_("The file is empty.")) from exc
    lookup = {}
    for c in columns:
        lookup[c.header.strip()] = c.field
        lookup[c.field] = c.field
    index = {}
    for i, h in enumerate(header):
        key = lookup.get(str(h or "").strip().rstrip("*").strip())
        if key:
            index[key] = i
    missing = [c.header for c in columns if c.required and c.field not in index]
    if missing:
        raise ImportFileError(_("Missing columns: %(cols)s") % {"cols": "、".join(missing)})
    for rownum, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        out = {}
        for f, i in index.items():
            v = values[i] if i < len(values) else None
            out[f] = "" if v is None else (str(v).strip() if not isinstance(v, float) or not v.is_integer()
                                           else str(int(v)))
        yield rownum, out


def _xlsx_rows(fileobj):
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a bad file
        raise ImportFileError(_("This is not a readable .xlsx file.")) from exc
    ws = wb.worksheets[0]
    for row in ws.iter_rows(values_only=True):
        yield list(row)
    wb.close()


def _csv_rows(fileobj):
    raw = fileobj.read()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The CSV file must be UTF-8 or GB18030 encoded."))
    yield from csv.reader(io.StringIO(text))


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
