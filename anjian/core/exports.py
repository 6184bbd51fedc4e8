"""The streaming xlsx writer every export uses, and how an export refuses.

An export reads the list page's query string through the app's FilterSet (``FilterInvalid``
names the fields it cannot apply), holds at most ``MAX_EXPORT_ROWS`` rows (``ExportTooLarge``
asks the user to narrow the filters) and streams its rows through ``write_xlsx`` in chunks of
``CHUNK_SIZE``. ``export_response`` is the one place a page or an API view turns those two
refusals into a 400 with the reason as plain text.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import IO

from django.http import HttpResponse
from django.utils.translation import gettext as _

from .downloads import text_response, xlsx_response

MAX_EXPORT_ROWS = 200_000
CHUNK_SIZE = 2000


class ExportTooLarge(ValueError):
    """More rows match than one file may hold; the message tells the user to filter."""


class FilterInvalid(ValueError):
    """The list filters in the query string are invalid; ``errors`` names the fields."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def export_response(build: Callable[[], bytes], filename: str) -> HttpResponse:
    """The xlsx ``build()`` makes, as a download named ``filename``; an export refused for its
    filters or its size answers 400 with the reason (the page's link is followed by a browser,
    which shows the text)."""
    try:
        content = build()
    except FilterInvalid as exc:
        return text_response(_("Invalid filter: %(errors)s") % {"errors": exc}, 400)
    except ExportTooLarge as exc:
        return text_response(str(exc), 400)
    return xlsx_response(content, filename)


def api_export_response(build: Callable[[], bytes], filename: str) -> HttpResponse:
    """``export_response`` for the API: a refusal is a JSON 400 — the invalid filters by name, or
    ``detail`` saying the export is too large."""
    from rest_framework.response import Response

    try:
        content = build()
    except FilterInvalid as exc:
        return Response(exc.errors, status=400)
    except ExportTooLarge as exc:
        return Response({"detail": str(exc)}, status=400)
    return xlsx_response(content, filename)


# --- A streaming xlsx writer ----------------------------------------------------------------
#
# openpyxl's write-only mode spends ~15 µs of Python per cell (it builds and serialises an
# element for each), i.e. more than a minute for a 150,000-row export on a small server. The
# writer below emits the same kind of file (one sheet, inline strings, a bold header, date
# cells) as text, about ten times faster, streaming the sheet into the zip.

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>'
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
# Cell styles: 0 normal, 1 date (yyyy-mm-dd), 2 header (bold on light blue).
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EPOCH = datetime.date(1899, 12, 30)
_EPOCH_DT = datetime.datetime(1899, 12, 30)
_BATCH = 1000


def _cell(ref: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if _ILLEGAL.search(value):
            value = _ILLEGAL.sub("", value)
        text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        serial = (value.replace(tzinfo=None) - _EPOCH_DT).total_seconds() / 86400
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>'
    return _cell(ref, str(value))


def write_xlsx(out: IO[bytes], sheet_name: str, header: list[str], rows: Iterable[list],
               widths: list[float] | None = None) -> int:
    """Write an xlsx with one sheet (a frozen bold header row, then ``rows``) to ``out``;
    return the number of data rows. Values may be str, int, float, Decimal, bool, date,
    datetime or None."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(i + 1) for i in range(len(header))]
    name = sheet_name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_NS}" xmlns:r="{_REL}">'
            f'<sheets><sheet name="{name[:31]}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/styles.xml", _STYLES)
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:  # < 2 GiB at MAX_EXPORT_ROWS
            cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                           for i, w in enumerate(widths or [], start=1))
            head = "".join(_cell(f"{letter}1", title).replace("<c ", '<c s="2" ', 1)
                           for letter, title in zip(letters, header, strict=True))
            sheet.write((
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_NS}" xmlns:r="{_REL}">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
                ' state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                + (f"<cols>{cols}</cols>" if cols else "")
                + f'<sheetData><row r="1">{head}</row>'
            ).encode())
            batch = []
            for count, row in enumerate(rows, start=1):
                r = str(count + 1)
                batch.append(f'<row r="{r}">' + "".join(_cell(letter + r, v) for letter, v in zip(letters, row, strict=False))
                             + "</row>")
                if len(batch) == _BATCH:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
    return count
