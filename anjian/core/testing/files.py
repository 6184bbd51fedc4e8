"""Files for tests: the smallest valid xlsx around a given worksheet XML, and real (tiny) photos
and documents to upload, since uploads are recognised by their content (``core.uploads``)."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def minimal_xlsx(sheet_xml: str | bytes, *, shared_strings: str | None = None) -> io.BytesIO:
    """An xlsx whose only worksheet is ``sheet_xml`` (written deflated, as Excel does)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{MAIN_NS}" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="x" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        if shared_strings is not None:
            z.writestr("xl/sharedStrings.xml", shared_strings)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    buf.seek(0)
    return buf


def sheet(rows_xml: str) -> str:
    """A worksheet around the given ``<row>`` elements."""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{rows_xml}</sheetData></worksheet>'


# The Pillow format of each photo extension tests upload.
IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP", "bmp": "BMP"}


def image_bytes(fmt: str = "PNG", *, size: tuple[int, int] = (40, 30), color=(200, 40, 40), **save) -> bytes:
    """A real image of one colour, in the Pillow format ``fmt`` (``save``: Pillow's save options, e.g. exif)."""
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt, **save)
    return buf.getvalue()


def image_upload(name: str = "现场.jpg", *, size: tuple[int, int] = (40, 30), color=(200, 40, 40)) -> SimpleUploadedFile:
    """An uploaded photo that is what its name says (a JPEG for ``.jpg``, a PNG for ``.png``…)."""
    fmt = IMAGE_FORMATS[name.rsplit(".", 1)[-1].lower()]
    return SimpleUploadedFile(name, image_bytes(fmt, size=size, color=color), content_type=f"image/{fmt.lower()}")


def pdf_upload(name: str = "报告.pdf", body: bytes = b"report") -> SimpleUploadedFile:
    """An uploaded document that opens as a PDF does (its header), with ``body`` after it."""
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + body + b"\n%%EOF\n", content_type="application/pdf")
