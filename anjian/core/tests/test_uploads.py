"""Uploads are recognised by their content, not their name (core.uploads): a page named ``.jpg``
is refused by the page forms, the API and the services alike, naming the field and the file;
images are decoded in full and stored re-encoded — without EXIF (GPS), without anything
appended, upright, under a random stored name — and an image claiming too many pixels is
refused before it is decoded."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import ValidationError as FormValidationError
from django.utils import translation
from PIL import ExifTags, Image
from rest_framework import serializers

from anjian.core import uploads
from anjian.core.api_fields import UploadField, files_field
from anjian.core.forms import MultipleFileField
from anjian.core.models import Attachment
from anjian.core.services import attach_files, check_uploads
from anjian.core.testing.files import image_bytes, image_upload, minimal_xlsx, pdf_upload, sheet

HTML = b"<!doctype html><html><body><script>fetch('/api/')</script></body></html>"
GPS = ExifTags.IFD.GPSInfo


@pytest.fixture(autouse=True)
def english():
    """The messages in English (the interface's default is Chinese; one test checks that)."""
    with translation.override("en"):
        yield


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def refusal_messages(f, images_only: bool = False) -> dict[str, str]:
    """What each layer says when it refuses ``f``: the page form field (label 证据), the API
    field (named ``evidence``) and the service (field ``files``)."""
    out = {}
    try:
        MultipleFileField(label="证据", images_only=images_only).clean([f])
    except FormValidationError as exc:
        out["form"] = exc.messages[0]
    f.seek(0)
    api_field = files_field("evidence")
    api_field.bind("evidence", serializers.Serializer())
    try:
        api_field.run_validation([f])
    except serializers.ValidationError as exc:
        out["api"] = str(exc.detail[0][0])
    f.seek(0)
    try:
        check_uploads([f])
    except ValidationError as exc:
        out["service"] = exc.message_dict["files"][0]
    return out


def stored_image(f) -> Image.Image:
    """The image the upload rules keep for ``f``, opened."""
    kept = uploads.checked_upload(f, "照片")
    kept.seek(0)
    return Image.open(io.BytesIO(kept.read()))


# --- recognised by content --------------------------------------------------------------------

def test_a_page_named_jpg_is_refused_by_every_layer_naming_the_field_and_the_file():
    # given an HTML page with a script, named like a photo
    # when it is uploaded, then the form, the API and the service all refuse it, each naming its
    # field and the file
    messages = refusal_messages(upload("现场.jpg", HTML))
    assert set(messages) == {"form", "api", "service"}
    assert messages["form"].startswith("证据") and messages["api"].startswith("evidence")
    assert messages["service"].startswith("files")
    assert all("现场.jpg" in m and "does not match its extension" in m for m in messages.values())


def test_the_refusal_is_in_chinese():
    # given the Chinese interface, when a page named .jpg is sent through a page form
    with translation.override("zh-hans"):
        messages = refusal_messages(upload("现场.jpg", HTML))
    # then the message is in Chinese, naming the field and the file
    assert messages["form"] == "证据：“现场.jpg”的内容与扩展名不符（应为JPEG 图片）。"


def test_a_photos_only_field_refuses_a_document_and_a_page():
    # given a field for photos only, then a real PDF and a page named .png are both refused there
    assert "form" in refusal_messages(pdf_upload("报告.pdf"), images_only=True)
    assert "form" in refusal_messages(upload("现场.png", HTML), images_only=True)
    # and a real photo is kept
    assert refusal_messages(image_upload("现场.png"), images_only=True) == {}


@pytest.mark.parametrize(("name", "data", "kept"), [
    ("报告.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", True),
    ("报告.pdf", b"PK\x03\x04" + b"\x00" * 26, False),  # a zip named .pdf
    ("报告.pdf", HTML, False),
    ("检查表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, True),
    ("检查表.xls", HTML, False),
    ("说明.txt", "整改完成，附检测报告。".encode(), True),
    ("说明.txt", "整改完成，附检测报告。".encode("gb18030"), True),
    ("说明.txt", b"MZ\x90\x00\x03\x00\x00\x00", False),  # a program named .txt
    ("现场.gif", image_bytes("GIF"), True),
    ("现场.webp", image_bytes("WEBP"), True),
    ("现场.bmp", image_bytes("BMP"), True),
    ("现场.jpg", image_bytes("PNG"), False),  # a PNG is not a JPEG
    ("现场.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", False),  # a JPEG's first bytes, then nothing
])
def test_each_kind_is_recognised_by_its_content(name, data, kept):
    assert (refusal_messages(upload(name, data)) == {}) is kept


def office_package(*members: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for member in members:
            z.writestr(member, "<x/>")
    return buf.getvalue()


def test_an_xlsx_is_a_zip_with_its_content_types_and_workbook():
    # given a real (minimal) workbook, then it is kept as it came
    xlsx = minimal_xlsx(sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>')).getvalue()
    f = upload("隐患台账.xlsx", xlsx)
    assert refusal_messages(f) == {}
    kept = uploads.checked_upload(f)
    kept.seek(0)
    assert kept.read() == xlsx
    # but a plain zip, or a Word document, named .xlsx is refused
    assert refusal_messages(upload("隐患台账.xlsx", office_package("a.txt"))) != {}
    assert refusal_messages(upload("隐患台账.xlsx", office_package("[Content_Types].xml", "word/document.xml"))) != {}
    # and a page with a workbook appended (zip readers find the archive at the end) is refused
    assert refusal_messages(upload("隐患台账.xlsx", HTML + xlsx)) != {}


def test_a_docx_and_an_ofd_are_recognised():
    assert refusal_messages(upload("方案.docx", office_package("[Content_Types].xml", "word/document.xml"))) == {}
    assert refusal_messages(upload("发票.ofd", office_package("OFD.xml", "Doc_0/Document.xml"))) == {}
    assert refusal_messages(upload("发票.ofd", office_package("a.xml"))) != {}


def heif(*boxes: bytes) -> bytes:
    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body
    return box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + b"".join(box(k, b"\x00" * 16) for k in boxes)


def test_a_heic_photo_is_recognised_by_its_boxes():
    # given a HEIC photo's box structure, then it is kept; with a page appended after its
    # boxes, or a page named .heic, it is refused
    assert refusal_messages(upload("现场.heic", heif(b"meta", b"mdat"))) == {}
    assert refusal_messages(upload("现场.heic", heif(b"meta", b"mdat") + HTML)) != {}
    assert refusal_messages(upload("现场.heic", HTML)) != {}


# --- images are re-encoded --------------------------------------------------------------------

@pytest.mark.django_db
def test_a_png_with_a_page_appended_is_stored_re_encoded_without_it(settings, tmp_path):
    # given a real PNG with an HTML page appended (a browser sniffing the file could run it)
    settings.MEDIA_ROOT = tmp_path
    png = image_bytes("PNG", color=(10, 120, 200))
    f = upload("现场.png", png + HTML)
    # when it is attached to a record
    target = ContentType.objects.get_for_model(Attachment)
    [att] = attach_files(target, [f])
    # then what is stored is the same picture, as a PNG, without the page
    stored = att.file.open("rb").read()
    assert stored.startswith(b"\x89PNG") and b"<script>" not in stored and b"html" not in stored
    assert att.size == len(stored)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "PNG" and image.size == (40, 30) and image.convert("RGB").getpixel((5, 5)) == (10, 120, 200)
    # and under a random name: the uploader's name is kept only as the attachment's name
    assert att.name == "现场.png"
    assert "现场" not in att.file.name and att.file.name.endswith(".png") and len(att.file.name.rsplit("/", 1)[-1]) == 36


def test_the_gps_position_is_stripped_from_a_jpeg():
    # given a phone photo whose EXIF says where it was taken
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif.get_ifd(GPS).update({ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (30.0, 15.0, 0.0)})
    data = image_bytes("JPEG", exif=exif, comment=b"secret note")
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS)
    # when it is uploaded, then the photo kept has no EXIF at all, nor the comment
    kept = stored_image(upload("现场.jpg", data))
    assert kept.format == "JPEG" and kept.size == (40, 30)
    assert not kept.getexif() and "exif" not in kept.info and "comment" not in kept.info


def test_a_photo_taken_sideways_is_stored_upright():
    # given a photo stored landscape whose EXIF says to turn it (orientation 6: 90° clockwise)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    data = image_bytes("JPEG", size=(40, 30), exif=exif)
    # when it is uploaded, then the photo kept is portrait (the tag went with the EXIF)
    kept = stored_image(upload("现场.jpg", data))
    assert kept.size == (30, 40) and not kept.getexif()


def png_claiming(width: int, height: int) -> bytes:
    """A real 1×1 PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb's
    first step: a few bytes that would decode to gigabytes)."""
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.parametrize(("width", "height"), [(8000, 8000), (100_000, 100_000)])
def test_an_image_claiming_too_many_pixels_is_refused(width, height):
    # given a tiny PNG claiming 64 million pixels (more than we decode, fewer than Pillow's own
    # bound) or 10 billion, then every layer refuses it, saying so
    messages = refusal_messages(upload("现场.png", png_claiming(width, height)))
    assert set(messages) == {"form", "api", "service"}
    assert all("too many pixels" in m for m in messages.values())


def test_a_file_is_checked_once_and_every_layer_stores_the_same_copy():
    # given a photo the page form has checked (and re-encoded)
    f = image_upload("现场.jpg")
    [from_form] = MultipleFileField(label="照片").clean([f])
    # then the service and the API field take that copy rather than decoding the photo again
    assert check_uploads([f]) == [from_form]
    assert UploadField().run_validation(f) is from_form
    assert from_form is not f and from_form.name == "现场.jpg"
