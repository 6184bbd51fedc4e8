"""The upload rules, in one place: which files are kept, recognised by their content and not only
by their extension (an HTML page named ``.jpg`` is refused), how large one may be
(``settings.ANJIAN_UPLOAD_MAX_MB``, read when a file is checked, so raising the setting raises
every limit at once), how many one step may bring, and what is stored: images are decoded in
full and re-encoded, so what we keep holds no metadata (EXIF GPS, comments, XMP) and nothing
appended after the picture.

Three layers check uploads and all go through ``checked_upload``: the page forms
(``core.forms.MultipleFileField``), the API's file fields (``core.api_fields.UploadField``) and
the services (``core.services.check_uploads``, called by ``attach_files``), so a file the page or
the API accepts is never refused later by the service, and the other way round. A file is
checked once: the result is remembered on it, and the later layers store what the first made.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import ExifTags, Image, ImageOps, ImageSequence

from . import bounds

#: At most this many files in one field of one step (a report's photos, a rectification's evidence):
#: the one limit of ``core.bounds``.
MAX_FILES = bounds.MAX_FILES
DEFAULT_MAX_MB = 20
#: The most pixels an uploaded image may decode to, all its frames together: a 48-megapixel phone
#: photo passes; a few-kilobyte "decompression bomb" that claims 100 000 × 100 000 pixels is
#: refused before a byte of it is decoded (Pillow's own guard would allow 178 megapixels).
MAX_IMAGE_PIXELS = 50_000_000
# How much of a file is read to recognise it (the longest signature; the ISO-BMFF box walk of
# HEIF reads further by itself).
HEAD_BYTES = 16


class UploadRefused(Exception):
    """An uploaded file we do not keep; ``message`` says why, naming the field and the file."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- recognising a file by its content --------------------------------------------------------

def _head(f: IO[bytes], n: int = HEAD_BYTES) -> bytes:
    f.seek(0)
    data = f.read(n)
    f.seek(0)
    return data


def _zip_names(f: IO[bytes]) -> list[str] | None:
    """The member names of a zip archive that *starts* as one (zipfile alone would accept a page
    with an archive appended), or None when it is not one."""
    if _head(f, 4) not in (b"PK\x03\x04", b"PK\x05\x06"):
        return None
    try:
        with zipfile.ZipFile(f) as z:
            return z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        f.seek(0)


def _is_ooxml(part_folder: str) -> Callable[[IO[bytes]], bool]:
    """An Office Open XML package (docx, xlsx): a zip with ``[Content_Types].xml`` and the
    folder of its main part (``word/``, ``xl/``)."""

    def matches(f: IO[bytes]) -> bool:
        names = _zip_names(f)
        return names is not None and "[Content_Types].xml" in names and any(
            n.startswith(part_folder) for n in names)

    return matches


def _is_ofd(f: IO[bytes]) -> bool:
    """An OFD document (GB/T 33190, the Chinese e-invoice and archive format): a zip whose entry
    file is ``OFD.xml``."""
    names = _zip_names(f)
    return names is not None and any(n.lower() == "ofd.xml" for n in names)


def _is_zip(f: IO[bytes]) -> bool:
    return _zip_names(f) is not None


# ISO base media file format brands of HEIF still images (and image sequences) phones write.
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})


def _is_heif(f: IO[bytes]) -> bool:
    """A HEIF/HEIC photo: an ISO-BMFF file opening with an ``ftyp`` box of a HEIF brand, whose
    top-level boxes tile the whole file (so nothing is appended after them)."""
    f.seek(0, io.SEEK_END)
    total = f.tell()
    f.seek(0)
    try:
        first = f.read(16)
        if len(first) < 16 or first[4:8] != b"ftyp" or first[8:12] not in HEIF_BRANDS:
            return False
        pos = 0
        while pos < total:
            f.seek(pos)
            header = f.read(16)
            if len(header) < 8:
                return False
            size = struct.unpack(">I", header[:4])[0]
            if size == 1:  # a 64-bit size follows the type
                if len(header) < 16:
                    return False
                size = struct.unpack(">Q", header[8:16])[0]
            elif size == 0:  # the last box runs to the end of the file
                size = total - pos
            if size < 8 or pos + size > total:
                return False
            pos += size
        return True
    finally:
        f.seek(0)


def _is_text(f: IO[bytes]) -> bool:
    """Plain text: no NUL byte, and UTF-8 (with or without a BOM) or GB18030 throughout."""
    f.seek(0)
    data = f.read()
    f.seek(0)
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _starts_with(*signatures: bytes) -> Callable[[IO[bytes]], bool]:
    def matches(f: IO[bytes]) -> bool:
        head = _head(f)
        return any(head.startswith(s) for s in signatures)

    return matches


def _is_webp(f: IO[bytes]) -> bool:
    head = _head(f)
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


@dataclass(frozen=True)
class FileKind:
    """A kind of file the platform keeps: its name for people, how its content is recognised,
    and, for an image Pillow decodes, the Pillow format it is opened and re-encoded in."""

    label: Promise
    matches: Callable[[IO[bytes]], bool]
    image_format: str = ""
    is_image: bool = False


JPEG = FileKind(gettext_lazy("JPEG image"), _starts_with(b"\xff\xd8\xff"), "JPEG", True)
PNG = FileKind(gettext_lazy("PNG image"), _starts_with(b"\x89PNG\r\n\x1a\n"), "PNG", True)
GIF = FileKind(gettext_lazy("GIF image"), _starts_with(b"GIF87a", b"GIF89a"), "GIF", True)
WEBP = FileKind(gettext_lazy("WebP image"), _is_webp, "WEBP", True)
BMP = FileKind(gettext_lazy("BMP image"), _starts_with(b"BM"), "BMP", True)
# No HEIF decoder comes with Pillow: a HEIC photo is recognised by its structure and kept as sent.
HEIF = FileKind(gettext_lazy("HEIF image"), _is_heif, "", True)
PDF = FileKind(gettext_lazy("PDF document"), _starts_with(b"%PDF-"))
# doc and xls before Office 2007: an OLE2 compound file.
OLE2 = FileKind(gettext_lazy("Office document"), _starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
DOCX = FileKind(gettext_lazy("Word document"), _is_ooxml("word/"))
XLSX = FileKind(gettext_lazy("Excel workbook"), _is_ooxml("xl/"))
OFD = FileKind(gettext_lazy("OFD document"), _is_ofd)
TEXT = FileKind(gettext_lazy("plain text"), _is_text)
ZIP = FileKind(gettext_lazy("zip archive"), _is_zip)

# Photos, and the documents rectification evidence comes as. No SVG or HTML: they could carry
# script when opened from our own domain. Every extension kept has its content check here, so
# none can be added without one.
KIND_BY_EXTENSION: dict[str, FileKind] = {
    "jpg": JPEG, "jpeg": JPEG, "png": PNG, "gif": GIF, "webp": WEBP, "bmp": BMP, "heic": HEIF, "heif": HEIF,
    "pdf": PDF, "doc": OLE2, "xls": OLE2, "docx": DOCX, "xlsx": XLSX, "ofd": OFD, "txt": TEXT, "zip": ZIP,
}
ALLOWED_UPLOAD_EXTENSIONS = frozenset(KIND_BY_EXTENSION)
# The <input type="file" accept=…> of a page: the same extensions, with their dot.
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in sorted(ALLOWED_UPLOAD_EXTENSIONS))


def upload_limit_mb() -> int:
    """The largest file kept, in MB (settings.ANJIAN_UPLOAD_MAX_MB)."""
    return int(getattr(settings, "ANJIAN_UPLOAD_MAX_MB", DEFAULT_MAX_MB))


def upload_limit_bytes() -> int:
    return upload_limit_mb() * 1024 * 1024


def upload_limit_label() -> str:
    """The limit as people read it ("20 MB")."""
    return f"{upload_limit_mb()} MB"


def extension(name: str) -> str:
    """The file name's extension, lower case, without the dot ("" when it has none)."""
    name = (name or "").lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def kind_of(name: str) -> FileKind | None:
    """The kind of file a name says it is, or None when we keep no such files."""
    return KIND_BY_EXTENSION.get(extension(name))


# --- re-encoding images -----------------------------------------------------------------------

# What of an image's own information survives re-encoding: what it needs to look the same and,
# for an animation, to play the same. Everything else (EXIF, XMP, comments, text chunks) goes.
KEPT_IMAGE_INFO = ("transparency", "background", "duration", "loop", "disposal", "blend", "icc_profile")


def _clean_info(im: Image.Image) -> None:
    im.info = {k: v for k, v in im.info.items() if k in KEPT_IMAGE_INFO}


def _upright(im: Image.Image) -> Image.Image:
    """``im`` turned as its EXIF orientation says (the tag goes with the rest of EXIF, so a
    phone photo taken sideways would otherwise be stored sideways); ``im`` itself when upright."""
    orientation = im.getexif().get(ExifTags.Base.Orientation, 1)
    return ImageOps.exif_transpose(im) if orientation in range(2, 9) else im


def _reencoded(im: Image.Image, image_format: str) -> bytes:
    """The picture of the decoded ``im`` written anew in ``image_format``, without metadata."""
    out = io.BytesIO()
    icc = im.info.get("icc_profile")
    extra = {"icc_profile": icc} if icc and image_format != "GIF" else {}
    if image_format == "JPEG":
        # The first picture only (an MPO's depth map or preview goes). Unturned JPEGs keep their
        # quantisation tables, so re-encoding costs no quality; a turned one is written at 90.
        upright = _upright(im)
        if upright is im and im.format == "JPEG":
            _clean_info(im)
            im.save(out, "JPEG", quality="keep", **extra)
        else:
            _clean_info(upright)
            upright = upright if upright.mode in ("RGB", "L", "CMYK") else upright.convert("RGB")
            upright.save(out, "JPEG", quality=90, **extra)
        return out.getvalue()
    frames = []
    for frame in ImageSequence.Iterator(im):
        copy = frame.copy()
        copy.info = dict(frame.info)
        frames.append(copy)
    if len(frames) == 1:
        frames = [_upright(frames[0])]
    for frame in frames:
        _clean_info(frame)
    first = frames[0]
    if image_format == "WEBP":
        extra["quality"] = 90
    if len(frames) > 1:
        extra.update(save_all=True, append_images=frames[1:], duration=[f.info.get("duration", 0) for f in frames])
    first.save(out, image_format, **extra)
    return out.getvalue()


def _image_problem(name: str, kind: FileKind) -> str:
    return _("“%(name)s” is damaged and cannot be read (%(kind)s).") % {"name": name, "kind": kind.label}


def _checked_image(f: IO[bytes], name: str, kind: FileKind) -> bytes:
    """The image ``f`` decoded in full (so a damaged or truncated one is refused) and re-encoded."""
    try:
        f.seek(0)
        with Image.open(f, formats=[kind.image_format]) as im:
            width, height = im.size
            frames = 1 if kind.image_format == "JPEG" else getattr(im, "n_frames", 1)
            if width * height * frames > MAX_IMAGE_PIXELS:
                raise UploadRefused(_(
                    "“%(name)s” has too many pixels (%(pixels)s million; at most %(max)s million).") % {
                    "name": name, "pixels": round(width * height * frames / 1e6, 1),
                    "max": MAX_IMAGE_PIXELS // 1_000_000})
            im.verify()
        f.seek(0)
        # verify() leaves the image unusable: open it again to decode every pixel.
        with Image.open(f, formats=[kind.image_format]) as im:
            im.load()
            return _reencoded(im, kind.image_format)
    except UploadRefused:
        raise
    # Past twice its own bound Pillow refuses in Image.open, before the size is ours to see (between
    # our bound and its own it only warns, and ours refuses).
    except Image.DecompressionBombError as exc:
        raise UploadRefused(_("“%(name)s” has too many pixels (at most %(max)s million).") % {
            "name": name, "max": MAX_IMAGE_PIXELS // 1_000_000}) from exc
    # A crafted file can make Pillow's decoders fail in many ways (OSError, SyntaxError,
    # ValueError, struct.error, IndexError, …): each means the same, the image cannot be read.
    except Exception as exc:
        raise UploadRefused(_image_problem(name, kind)) from exc
    finally:
        f.seek(0)


# --- the check every layer runs ---------------------------------------------------------------

# Where the result of checking a file is kept on it, so the next layer does not decode it again.
_CHECKED = "_anjian_checked_upload"


def with_field(field: str, problem: str) -> str:
    """``problem`` prefixed with the field it is about, when there is one."""
    return _("%(field)s: %(problem)s") % {"field": field, "problem": problem} if field else problem


def checked_upload(f: File, field: str = "", *, images_only: bool = False) -> File:
    """The file to store for the upload ``f``: ``f`` itself, or for an image its re-encoded
    copy (under the same name). Raises ``UploadRefused`` naming ``field`` (a form field's label,
    an API field's name) and the file when ``f`` is of a type we do not keep, too large, or its
    content is not what its extension says; with ``images_only``, also when it is no image
    Pillow decodes."""
    done = getattr(f, _CHECKED, None)
    if done is not None and (not images_only or kind_of(done.name).image_format):
        return done
    name = getattr(f, "name", "") or ""
    kind = kind_of(name)
    if images_only and not (kind and kind.image_format):
        raise UploadRefused(with_field(field, _("“%(name)s” is not an image that can be read.") % {"name": name}))
    if kind is None:
        raise UploadRefused(with_field(field, _(
            "%(name)s: this file type cannot be uploaded (allowed: %(allowed)s).") % {
            "name": name, "allowed": ", ".join(sorted(ALLOWED_UPLOAD_EXTENSIONS))}))
    if (getattr(f, "size", 0) or 0) > upload_limit_bytes():
        raise UploadRefused(with_field(field, _("%(name)s is larger than %(limit)s MB.") % {
            "name": name, "limit": upload_limit_mb()}))
    if not kind.matches(f):
        raise UploadRefused(with_field(field, _(
            "The content of “%(name)s” does not match its extension (expected: %(kind)s).") % {
            "name": name, "kind": kind.label}))
    stored = f
    if kind.image_format:
        try:
            stored = ContentFile(_checked_image(f, name, kind), name=name)
        except UploadRefused as exc:
            raise UploadRefused(with_field(field, exc.message)) from exc
    setattr(f, _CHECKED, stored)
    setattr(stored, _CHECKED, stored)
    return stored
