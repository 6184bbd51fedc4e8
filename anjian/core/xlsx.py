"""The one xlsx reader of every import: the first worksheet streamed as rows of cell texts, in
time linear in the file and in bounded memory.

openpyxl's read-only mode needs minutes for 150,000 rows on a small server, so rows are read
with the standard library's C XML parser and, for rows written the way Excel, WPS, LibreOffice
and openpyxl write them, with regular expressions that never look past the row at hand.

An upload is untrusted: the decompressed size of every part read, the size of one row, the
length of one cell, the column a cell may sit in and the number of rows are all bounded, and a
file beyond a bound is refused with a clear message (``ImportFileError``) instead of keeping a
core busy or the memory full.
"""

from __future__ import annotations

import contextlib
import datetime
import html
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from anjian.core.imports import ImportFileError

# Excel's own bounds: 16,384 columns (XFD), 32,767 characters in a cell.
MAX_COLUMN = 16_384
MAX_CELL_CHARS = 32_767
# Each shared string costs some 60 bytes of Python beside its text: bound their number too.
MAX_SHARED_STRINGS = 2_000_000


@dataclass(frozen=True)
class Limits:
    """The bounds an import reads within (defaults from the ANJIAN_IMPORT_* settings)."""

    max_rows: int
    max_xml_bytes: int  # decompressed size of any one part (sheet, shared strings)
    max_row_bytes: int
    max_cell_chars: int = MAX_CELL_CHARS
    max_columns: int = 256  # cells with text beyond this column are refused; empty ones ignored

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(max_rows=settings.ANJIAN_IMPORT_MAX_ROWS,
                   max_xml_bytes=settings.ANJIAN_IMPORT_MAX_XML_MB << 20,
                   max_row_bytes=settings.ANJIAN_IMPORT_MAX_ROW_KB << 10)


def unreadable() -> ImportFileError:
    return ImportFileError(_("This is not a readable .xlsx file."))


def too_long(rownum: int, col: int, limit: int) -> ImportFileError:
    return ImportFileError(_("Row %(row)d, column %(col)s: a cell has more than %(n)d characters.")
                           % {"row": rownum, "col": column_letters(col), "n": limit})


def too_many_rows(limit: int) -> ImportFileError:
    return ImportFileError(_("The file has more than %(n)d data rows; split it into several files.") % {"n": limit})


DIGITS = "0123456789"
# Built-in number formats that show a date: the international ones and the zh-CN ones.
DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}

# The standard library's expat (2.4.1 and newer; Python 3.11 ships 2.5) is not open to entity
# expansion ("billion laughs") and never fetches external entities or DTDs (see "XML
# vulnerabilities" in the Python docs), so ElementTree is safe for uploaded xlsx parts; it
# is what openpyxl itself uses when defusedxml is not installed.


def _xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 (see above)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def column_index(letters: str) -> int:
    """0-based index of column ``letters`` ("A" → 0); -1 when there are no letters. Stops
    counting past Excel's last column, so a reference like AAAAAAAA2 cannot grow a row."""
    n = 0
    for ch in letters:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
            if n > MAX_COLUMN:
                return MAX_COLUMN
        else:
            break
    return n - 1


def column_letters(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(min(index, MAX_COLUMN - 1) + 1)


class _BoundedReader:
    """A part of the zip read through a byte budget: the declared size of a zip member can lie,
    so the bytes actually decompressed are counted."""

    def __init__(self, f: IO[bytes], budget: int):
        self.f, self.left = f, budget

    def read(self, n: int = -1) -> bytes:
        want = self.left + 1 if n is None or n < 0 else min(n, self.left + 1)
        data = self.f.read(want)
        self.left -= len(data)
        if self.left < 0:
            raise ImportFileError(_("The file is too large once decompressed (at most %(mb)d MB per worksheet).")
                                  % {"mb": settings.ANJIAN_IMPORT_MAX_XML_MB})
        return data


def _open_part(z: zipfile.ZipFile, name: str, limits: Limits) -> _BoundedReader:
    info = z.getinfo(name)
    if info.file_size > limits.max_xml_bytes:
        raise ImportFileError(_("The file is too large once decompressed (at most %(mb)d MB per worksheet).")
                              % {"mb": limits.max_xml_bytes >> 20})
    return _BoundedReader(z.open(info), limits.max_xml_bytes)


def _read_small(z: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    f = _open_part(z, name, limits)
    return f.read()


def _first_sheet_path(z: zipfile.ZipFile, limits: Limits) -> str:
    wb = _xml(_read_small(z, "xl/workbook.xml", limits))
    sheet = next((el for el in wb.iter() if _local(el.tag) == "sheet"), None)
    if sheet is None:
        raise unreadable()
    rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
    rels = _xml(_read_small(z, "xl/_rels/workbook.xml.rels", limits))
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise unreadable()


def _shared_strings(z: zipfile.ZipFile, limits: Limits) -> list[str]:
    try:
        f = _open_part(z, "xl/sharedStrings.xml", limits)
    except KeyError:
        return []
    out = []
    for _event, el in ET.iterparse(f):  # noqa: S314 (see above)
        if _local(el.tag) == "si":
            if len(out) >= MAX_SHARED_STRINGS:
                raise ImportFileError(_("The file has more than %(n)d distinct texts; split it into several files.")
                                      % {"n": MAX_SHARED_STRINGS})
            parts = []
            for child in el:
                name = _local(child.tag)
                if name == "t":
                    parts.append(child.text or "")
                elif name == "r":  # a rich-text run; phonetic runs (rPh) are skipped
                    parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
            out.append("".join(parts))
            el.clear()
    return out


def _date_styles(z: zipfile.ZipFile, limits: Limits) -> tuple[set[int], bool]:
    """The indexes of cell styles that show a date, and whether the workbook uses the 1904 epoch."""
    from openpyxl.styles.numbers import is_date_format

    date1904 = any(_local(el.tag) == "workbookPr" and el.get("date1904") in ("1", "true")
                   for el in _xml(_read_small(z, "xl/workbook.xml", limits)).iter())
    try:
        styles = _xml(_read_small(z, "xl/styles.xml", limits))
    except KeyError:
        return set(), date1904
    custom = {}
    xfs = []
    for el in styles:
        if _local(el.tag) == "numFmts":
            custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in el}
        elif _local(el.tag) == "cellXfs":
            xfs = [int(xf.get("numFmtId", "0")) for xf in el]
    dates = set()
    for i, fmt_id in enumerate(xfs):
        if fmt_id in custom:
            if is_date_format(custom[fmt_id]):
                dates.add(i)
        elif fmt_id in DATE_FORMAT_IDS:
            dates.add(i)
    return dates, date1904


def _number_text(text: str) -> str:
    if text.isdigit():
        return text.lstrip("0") or "0"
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() else str(value)


EPOCH_1900 = datetime.date(1899, 12, 30)
EPOCH_1904 = datetime.date(1904, 1, 1)


def _date_text(text: str, date1904: bool) -> str:
    """A serial day number (cell formatted as a date) as YYYY-MM-DD (or an ISO datetime)."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    if text.isdigit() and len(text) < 8 and (date1904 or int(text) > 60):  # after Excel's phantom 1900-02-29
        with contextlib.suppress(OverflowError):
            return ((EPOCH_1904 if date1904 else EPOCH_1900) + datetime.timedelta(days=int(text))).isoformat()
    try:
        value = from_excel(float(text), CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
    except (ValueError, OverflowError):
        return text
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class _Sheet:
    """What turning cells into text needs (shared strings, date styles, the epoch), and the
    bounds a row is read within."""

    def __init__(self, strings: list[str], date_styles: set[int], date1904: bool, limits: Limits):
        self.strings = strings
        self.date_styles = {str(i) for i in date_styles}
        self.date1904 = date1904
        self.limits = limits
        self.columns: dict[str, int] = {}  # "AB" -> 27, filled as met

    def column(self, letters: str) -> int:
        col = self.columns.get(letters)
        if col is None:
            col = self.columns[letters] = column_index(letters)
        return col

    def text(self, typ: str | None, style: str | None, value: str) -> str:
        """The text of a cell whose <v> is ``value`` (inline strings are handled by the caller)."""
        if typ == "s":
            return self.strings[int(value)] if value else ""
        if typ == "b":
            return "True" if value == "1" else "False"
        if value and (typ is None or typ == "" or typ == "n"):
            if style in self.date_styles:
                return _date_text(value, self.date1904)
            return _number_text(value)
        return html.unescape(value) if "&" in value else value

    def put(self, values: list[str], col: int, text: str, rownum: int) -> None:
        text = text.strip()
        if col >= self.limits.max_columns:
            if text:
                raise ImportFileError(_("Row %(row)d: a cell beyond column %(col)s holds data; imports read at most "
                                        "%(n)d columns.") % {"row": rownum, "col": column_letters(self.limits.max_columns - 1),
                                                             "n": self.limits.max_columns})
            return
        if len(text) > self.limits.max_cell_chars:
            raise too_long(rownum, col, self.limits.max_cell_chars)
        if col == len(values):
            values.append(text)
        else:
            if col > len(values):
                values.extend([""] * (col - len(values) + 1))
            values[col] = text


def _row_values_et(row: ET.Element, ns: str, sheet: _Sheet, rownum: int) -> list[str]:
    """The cell texts of one <row> element (the general path: formulas, rich text, any
    attribute order or namespace prefix)."""
    values: list[str] = []
    c_tag, v_tag, is_tag = ns + "c", ns + "v", ns + "is"
    for c in row:
        if c.tag != c_tag:
            continue
        ref = c.get("r")
        col = sheet.column(ref.rstrip(DIGITS)) if ref else len(values)
        if col < 0:
            raise unreadable()
        typ = c.get("t")
        if typ == "inlineStr":
            inline = c.find(is_tag)
            text = "".join(inline.itertext()) if inline is not None else ""
        else:
            v = c.find(v_tag)
            text = sheet.text(typ, c.get("s"), (v.text or "") if v is not None else "")
        sheet.put(values, col, text, rownum)
    return values


# The fast path reads rows written the usual way (attributes r, s, t in that order; a <v> value
# or a plain inline string), about five times faster than building elements. A row with
# anything else in it (formulas, rich text, other attributes, namespace prefixes) goes through
# ElementTree. Every pattern is applied to one row's text only, so no search runs past it.
_CELL = (r'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="([A-Za-z]+)")?\s*'
         r'(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)')
CELL_RE = re.compile(_CELL)
CANONICAL_ROW_RE = re.compile(r"(?:\s*" + re.sub(r"\((?!\?)", "(?:", _CELL) + r")*\s*")
ROW_NUMBER_RE = re.compile(r'\br="(\d{1,9})"')
ROOT_RE = re.compile(rb"<((?:[\w.-]{1,64}:)?)worksheet\b[^>]{0,65536}>")
CHUNK = 1 << 20


def iter_xlsx_rows(fileobj: IO[bytes], limits: Limits | None = None) -> Iterator[tuple[int, list[str]]]:
    """Stream the first worksheet as (row number, [cell text, ...]): stripped strings, whole
    numbers without ".0", cells formatted as dates as YYYY-MM-DD, booleans as True/False.
    Raises ImportFileError for a file that is not a readable xlsx or is beyond ``limits``."""
    limits = limits or Limits.from_settings()
    try:
        z = zipfile.ZipFile(fileobj)
        sheet_path = _first_sheet_path(z, limits)
        sheet = _Sheet(_shared_strings(z, limits), *_date_styles(z, limits), limits)
        part = _open_part(z, sheet_path, limits)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError, EOFError, NotImplementedError) as exc:
        if isinstance(exc, ImportFileError):
            raise
        raise unreadable() from exc
    try:
        yield from _sheet_rows(part, sheet)
    except ImportFileError:
        raise
    except (ET.ParseError, IndexError, ValueError, UnicodeDecodeError, zipfile.BadZipFile, EOFError) as exc:
        raise unreadable() from exc
    finally:
        z.close()


def _sheet_rows(part: _BoundedReader, sheet: _Sheet) -> Iterator[tuple[int, list[str]]]:
    """The rows of the sheet XML, read in chunks. Each row is found by searching forward for its
    start and end tags from where the last one ended, so the work is linear in the input; a row
    larger than the row bound is refused before it is held whole."""
    limits = sheet.limits
    buffer = b""
    at_end = False
    while True:  # the root element, with its namespace prefix
        data = part.read(CHUNK)
        at_end = not data
        buffer += data
        m = ROOT_RE.search(buffer)
        if m is not None:
            break
        if at_end or len(buffer) > 1 << 20:
            raise unreadable()
    prefix = m.group(1)
    root_open = m.group(0).decode()
    root_close = "</" + prefix.decode() + "worksheet>"
    row_open, row_close = b"<" + prefix + b"row", b"</" + prefix + b"row>"
    buffer = buffer[m.end():]
    pos = 0
    next_row = 1
    data_rows = 0
    ns = None
    while True:
        start = buffer.find(row_open, pos)
        while start >= 0:
            after = start + len(row_open)
            if after < len(buffer) and buffer[after:after + 1] not in (b" ", b"/", b">", b"\t", b"\n", b"\r"):
                start = buffer.find(row_open, after)  # e.g. <rowBreaks>: not a row
                continue
            break
        if start < 0:
            # keep only what may begin a row tag, then read on
            keep = max(pos, len(buffer) - len(row_open))
            if at_end:
                return
            buffer, pos = buffer[keep:], 0
            data = part.read(CHUNK)
            at_end = not data
            buffer += data
            continue
        tag_end = buffer.find(b">", start)
        end = -1
        if tag_end >= 0:
            end = tag_end + 1 if buffer[tag_end - 1:tag_end] == b"/" else buffer.find(row_close, tag_end)
        if end < 0 or tag_end < 0:
            if at_end:
                raise unreadable()
            if len(buffer) - start > limits.max_row_bytes:
                raise ImportFileError(_("Row %(row)d is larger than %(kb)d KB; imports take rows of ordinary size.")
                                      % {"row": next_row, "kb": limits.max_row_bytes >> 10})
            # read on, keeping the row's beginning (the search starts again from it: the
            # bytes before it are dropped, so no byte is searched more than twice)
            buffer, pos = buffer[start:], 0
            data = part.read(CHUNK)
            at_end = not data
            buffer += data
            continue
        if buffer[tag_end - 1:tag_end] != b"/":
            end += len(row_close)
        if end - start > limits.max_row_bytes:
            raise ImportFileError(_("Row %(row)d is larger than %(kb)d KB; imports take rows of ordinary size.")
                                  % {"row": next_row, "kb": limits.max_row_bytes >> 10})
        raw = buffer[start:end]
        pos = end
        attrs = raw[len(row_open):raw.find(b">") + 1].decode("utf-8")
        number = ROW_NUMBER_RE.search(attrs)
        rownum = int(number.group(1)) if number else next_row
        next_row = rownum + 1
        text = raw.decode("utf-8")
        body_start = text.find(">") + 1
        body = text[body_start:len(text) - len(row_close)] if not attrs.endswith("/>") else ""
        if prefix or not CANONICAL_ROW_RE.fullmatch(body):
            row = _xml(root_open + text + root_close)[0]
            if ns is None:
                ns = row.tag[: -len("row")]
            values = _row_values_et(row, ns, sheet, rownum)
        else:
            values = _fast_row_values(body, sheet, rownum)
        if any(values):
            data_rows += 1
            if data_rows > limits.max_rows + 1:  # the header and max_rows data rows
                raise too_many_rows(limits.max_rows)
        yield rownum, values


def _fast_row_values(body: str, sheet: _Sheet, rownum: int) -> list[str]:
    values: list[str] = []
    for letters, style, typ, v, inline in CELL_RE.findall(body):
        if inline:
            cell = html.unescape(inline) if "&" in inline else inline
        elif not v:
            cell = ""
        else:
            cell = sheet.text(typ, style, v)
        sheet.put(values, sheet.column(letters), cell, rownum)
    return values
