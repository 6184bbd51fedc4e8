"""The upload rules, in one place: which files are kept (by extension), how large one may be
(``settings.ANJIAN_UPLOAD_MAX_MB``, read when a file is checked, so raising the setting raises
every limit at once) and how many one step may bring.

Three layers check uploads and all read these rules: the page forms (``core.forms.MultipleFileField``),
the API's file fields (``core.api_fields.UploadField``) and the services
(``core.services.check_uploads``, called by ``attach_files``), so a file the page or the API
accepts is never refused later by the service, and the other way round.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

# Photos, and the documents rectification evidence comes as. No SVG or HTML: they could carry
# script when opened from our own domain.
ALLOWED_UPLOAD_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "webp", "bmp", "heic", "heif", "pdf", "doc",
                                       "docx", "xls", "xlsx", "ofd", "txt", "zip"})
# The <input type="file" accept=…> of a page: the same extensions, with their dot.
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in sorted(ALLOWED_UPLOAD_EXTENSIONS))
#: At most this many files in one field of one step (a report's photos, a rectification's evidence).
MAX_FILES = 20
DEFAULT_MAX_MB = 20


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


def upload_problem(f) -> str | None:
    """Why ``f`` (an uploaded file) is not kept — its type or its size — or None when it is."""
    name = getattr(f, "name", "") or ""
    if extension(name) not in ALLOWED_UPLOAD_EXTENSIONS:
        return _("%(name)s: this file type cannot be uploaded (allowed: %(allowed)s).") % {
            "name": name, "allowed": ", ".join(sorted(ALLOWED_UPLOAD_EXTENSIONS))}
    if (getattr(f, "size", 0) or 0) > upload_limit_bytes():
        return _("%(name)s is larger than %(limit)s MB.") % {"name": name, "limit": upload_limit_mb()}
    return None
