"""The one import pipeline of every app (xlsx and CSV), and its templates.

``run_import`` reads every row with the one bounded reader (``read_rows``: ``core.xlsx`` for
xlsx, the csv module for CSV), lets the app validate all of them (each error names its row,
field and column), and only when no row has an error lets the app write, in one transaction:
an error raised or reported while writing rolls everything back. Apps write new records with
the one bulk writer (``core.bulk.bulk_insert``) or through their services; they keep only what
is theirs: the columns, the row checks and what a valid file becomes.

The cell parsers every import shares (yes/no, whole numbers, dates) raise ``RowInvalid`` with a
message for the user.
"""

import contextlib
import csv
import datetime
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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
    text: bool = False  # the template formats it as text, so codes keep their leading zeros


@dataclass
class RowError:
    """One error of an import: the spreadsheet row (0: the file), the field, the message for the
    user and the column header."""

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
    #: field → column header, for the errors added without one (set by ``run_import``).
    headers: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, field_name: str, message: str, column: str = "") -> None:
        self.errors.append(RowError(row, field_name, str(message), column or self.headers.get(field_name, "")))

    def sort_errors(self, columns: Sequence["Column"]) -> None:
        """Row by row (the file's own errors, row 0, first), and in a row in the template's column
        order (fields that are no column last)."""
        order = {c.field: i for i, c in enumerate(columns)}
        self.errors.sort(key=lambda e: (e.row, order.get(e.field, len(order))))

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "total_rows": self.total_rows,
            "created": self.created,
            "errors": [e.__dict__ for e in self.errors],
        }


class ImportFileError(ValueError):
    """The file itself cannot be read (wrong type, missing headers)."""


class RowInvalid(ValueError):
    """A cell's value cannot be parsed; the message is shown to the user."""


TRUE_WORDS = {"是", "y", "yes", "true", "1", "t", "√", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "f", "×", "无"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_bool(text: str) -> bool | None:
    """是/否 (and yes/no, true/false, 1/0); None for an empty cell."""
    if not text:
        return None
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise RowInvalid(_("Write 是 (yes) or 否 (no), not “%(v)s”.") % {"v": text})


def parse_int(text: str) -> int | None:
    """A whole number from 0 to 2,147,483,647 (thousands separators allowed); None for an empty cell."""
    if not text:
        return None
    try:
        value = int(text.replace(",", ""))
    except ValueError:
        raise RowInvalid(_("“%(v)s” is not a whole number.") % {"v": text}) from None
    if value < 0:
        raise RowInvalid(_("The number cannot be negative."))
    if value > 2_147_483_647:
        raise RowInvalid(_("The number is too large."))
    return value


def parse_date(text: str) -> datetime.date | None:
    """A date written as 2015-06-01 (or 2015/6/1, 2015.06.01, 20150601, 2015年6月1日, an Excel
    serial day number); None for an empty cell."""
    if not text:
        return None
    text = text.strip()
    value = None
    if text.isdigit() and len(text) == 5:  # an Excel serial day number in a cell not formatted as a date
        value = EXCEL_EPOCH + datetime.timedelta(days=int(text))
    else:
        with contextlib.suppress(ValueError):
            value = datetime.date.fromisoformat(text)
    if value is None:
        for fmt in DATE_FORMATS:
            try:
                value = datetime.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
    if value is None:
        raise RowInvalid(_("“%(v)s” is not a date; write it as 2015-06-01.") % {"v": text})
    if value.year < 1900:
        raise RowInvalid(_("The date is too early."))
    return value


def parse_industry_code(text: str) -> str:
    """An industry code as typed, with the leading zero put back that Excel drops from a code
    typed as a number (0504 → 504): the codes of the industry list have an even number of digits."""
    text = (text or "").strip()
    return "0" + text if text.isdigit() and len(text) % 2 else text


def text_cells(rownum: int, row: dict[str, str], limits: dict[str, int], report: "ImportReport") -> dict[str, str]:
    """The texts of the columns in ``limits`` (field → most characters); a longer text is an
    error on its column (the text is still returned)."""
    values = {}
    for name, limit in limits.items():
        text = row.get(name, "")
        if len(text) > limit:
            report.add(rownum, name, _("At most %(n)s characters.") % {"n": limit})
        values[name] = text
    return values


def parse_cell(rownum: int, row: dict[str, str], name: str, parse: Callable[[str], Any], report: "ImportReport",
               default: Any = None) -> Any:
    """``parse`` of the cell ``name``; when it raises ``RowInvalid``, the error goes to the report
    on that column and ``default`` is returned."""
    try:
        return parse(row.get(name, ""))
    except RowInvalid as exc:
        report.add(rownum, name, str(exc))
        return default


Rows = list[tuple[int, dict[str, str]]]


def run_import(fileobj: IO[bytes], filename: str, *, columns: Sequence[Column],
               validate: Callable[[Rows, ImportReport], Any], write: Callable[[Any, ImportReport], None],
               counts: Sequence[str] = (), conflict: tuple[str, str] | None = None) -> ImportReport:
    """Import a file all-or-nothing: read every row, ``validate(rows, report)`` them all (the app
    adds each error with its row and field, and returns what a valid file becomes), and only when
    no row has an error ``write(plan, report)`` in one transaction, setting ``report.created`` (and
    the other ``counts``, attributes of the report that start at 0).

    Whatever the write raises as a ValidationError, or adds to the report, rolls everything back
    and the counts go back to 0. So does an IntegrityError: someone wrote a conflicting record
    between the check and the write; ``conflict`` = (field, message) says what to report.
    Raises ``ImportFileError`` when the file itself cannot be read."""
    report = ImportReport(headers={c.field: str(c.header) for c in columns})
    for name in counts:
        setattr(report, name, 0)
    rows = list(read_rows(fileobj, filename, columns))
    report.total_rows = len(rows)
    if not rows:
        report.add(0, "file", _("The file has no data rows."))
        return report
    if len(rows) > settings.ANJIAN_IMPORT_MAX_ROWS:
        report.add(0, "file", _("At most %(n)s rows can be imported at once; split the file.")
                   % {"n": settings.ANJIAN_IMPORT_MAX_ROWS})
        return report
    plan = validate(rows, report)
    del rows  # a large file's texts are no longer needed while writing
    if not report.ok:
        report.sort_errors(columns)
        return report
    try:
        with transaction.atomic():
            write(plan, report)
            if not report.ok:
                raise _Rollback
    except _Rollback:
        pass
    except ValidationError as exc:  # a rule the row checks do not know
        for message in exc.messages:
            report.add(0, "file", message)
    except IntegrityError:
        name, message = conflict or ("file", _("Someone else changed these records meanwhile; nothing was "
                                               "imported. Upload the file again to see which rows."))
        report.add(0, name, message)
    if not report.ok:
        for name in ("created", *counts):
            setattr(report, name, 0)
    return report


class _Rollback(Exception):
    """Leaves the import's transaction so that nothing of a failed file is kept."""


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


@dataclass
class TemplateNotes:
    """The 填写说明 (instructions) sheet of an import template: numbered instructions, the
    table of the columns, then reference tables (e.g. the industry codes), each with a bold
    header row."""

    lines: list[str]
    tables: list[tuple[list[str], list[list]]] = field(default_factory=list)
    widths: tuple[int, ...] = (22, 40, 60)


def template_workbook(columns: list[Column], title: str, examples: list[list] | None = None,
                      notes: TemplateNotes | None = None) -> bytes:
    """An import template: bold headers (required ones marked *), a help row as comments, examples,
    and the instructions sheet when ``notes`` are given. Text columns keep what is typed as text."""
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
    for i, c in enumerate(columns, start=1):
        if c.text:  # keep leading zeros and long digit strings as typed
            letter = get_column_letter(i)
            ws.column_dimensions[letter].number_format = "@"
            for r in range(2, len(examples or []) + 2):
                ws[f"{letter}{r}"].number_format = "@"
    ws.freeze_panes = "A2"
    if notes is not None:
        _notes_sheet(wb, columns, notes)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _notes_sheet(wb: Workbook, columns: list[Column], notes: TemplateNotes) -> None:
    ws = wb.create_sheet("填写说明")
    bold = Font(bold=True)
    ws.append(["填写说明"])
    ws["A1"].font = bold
    for line in notes.lines:
        ws.append([line])
    tables = [(["列", "必填", "说明"], [[c.header, "是" if c.required else "", c.help] for c in columns]),
              *notes.tables]
    for header, rows in tables:
        ws.append([])
        ws.append(header)
        for cell in ws[ws.max_row]:
            cell.font = bold
        for row in rows:
            ws.append(row)
    for i, width in enumerate(notes.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def import_upload(request, importer: Callable[..., ImportReport]) -> ImportReport:
    """The report of an API import: ``importer(file, filename, actor=user)`` on the request's
    multipart ``file``; a missing or unreadable file is a report with one error on "file"."""
    upload = request.FILES.get("file")
    if upload is None:
        report = ImportReport()
        report.add(0, "file", _("Upload the file in the multipart field “file”."))
        return report
    try:
        return importer(upload, upload.name, actor=request.user)
    except ImportFileError as exc:
        report = ImportReport()
        report.add(0, "file", str(exc))
        return report
