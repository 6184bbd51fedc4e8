"""Checks and helpers for the settings that must be right before Django starts: the secret key,
the database address and where uploads are stored. Imported by ``anjian/settings.py``; imports nothing of Django but its
exception, so it can also run on its own (``python -m anjian.config secret-key``, which
``make demo`` uses to create the key of a local installation before any ``anjian`` command).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The key used while DEBUG is on and nothing else is configured. Refused when DEBUG is off.
DEVELOPMENT_KEY = "django-insecure-anjian-development-key-change-me-in-production-please"
# A local installation's own key (``make demo`` writes it), read when SECRET_KEY is not set.
SECRET_KEY_FILE = "secret_key"
KEY_HINT = 'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is not fit to sign sessions in production, or None. The same measures as
    Django's deployment check (security.W009): at least 50 characters, at least 5 different
    ones, and not a ``django-insecure-`` key."""
    if key == DEVELOPMENT_KEY or key.startswith("django-insecure-"):
        return "it is the development key (it starts with “django-insecure-”)"
    if len(key) < 50:
        return f"it has {len(key)} characters; at least 50 are needed"
    if len(set(key)) < 5:
        return "it has fewer than 5 different characters"
    return None


def secret_key(environ: Mapping[str, str], var_dir: Path, *, debug: bool) -> str:
    """The SECRET_KEY to use: the environment's; else the local installation's key file
    (``<var dir>/secret_key``); else, in DEBUG only, the development key. With DEBUG off a
    missing or weak key stops the start with a message saying what to do."""
    key = environ.get("SECRET_KEY", "").strip()
    source = "SECRET_KEY"
    key_file = var_dir / SECRET_KEY_FILE
    if not key and key_file.is_file():
        key = key_file.read_text(encoding="utf-8").strip()
        source = str(key_file)
    if not key:
        if debug:
            return DEVELOPMENT_KEY
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG is off. Set SECRET_KEY to 50 or more random characters "
            f"(for example from: {KEY_HINT}); or, for a local installation, run `make demo` (it creates "
            f"{key_file}); or set DEBUG=1 for development.")
    problem = None if debug else secret_key_problem(key)
    if problem:
        raise ImproperlyConfigured(
            f"The secret key from {source} is too weak for DEBUG off: {problem}. Use 50 or more random "
            f"characters, for example from: {KEY_HINT}")
    return key


def database_url(environ: Mapping[str, str], default: str) -> str:
    """DATABASE_URL, or ``default`` (the embedded SQLite) when it is not set. Set but empty is
    refused: a deployment whose address went missing must not quietly start on a new, empty
    SQLite database."""
    if "DATABASE_URL" not in environ:
        return default
    url = environ["DATABASE_URL"].strip()
    if not url:
        raise ImproperlyConfigured(
            "DATABASE_URL is set but empty. Unset it to use the embedded SQLite database "
            f"({default.removeprefix('sqlite:///')}), or set it to the database's address, e.g. "
            "postgres://USER:PASSWORD@HOST:5432/NAME.")
    return url


def parse_database(url: str, **kwargs) -> dict:
    """dj_database_url.parse with a message naming DATABASE_URL when the address is not one."""
    import dj_database_url

    try:
        config = dj_database_url.parse(url, **kwargs)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database address Anjian can use ({exc}). Expected e.g. "
            "postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:////absolute/path/anjian.sqlite3.") from exc
    return config


def media_storage(environ: Mapping[str, str], var_dir: Path) -> tuple[Path, dict]:
    """Where uploaded files go: (MEDIA_ROOT, STORAGES["default"]).

    ``ANJIAN_MEDIA_ROOT`` (or ``MEDIA_ROOT``, its earlier name) is the directory of the default
    file-system storage, ``<var dir>/media`` when neither is set. With more than one application
    server or worker it must be one shared directory (an NFS or other network mount) at the same
    path on every host. ``ANJIAN_STORAGE_BACKEND`` names another Django storage class instead (for
    example an object store's, from a package the installation adds), with ``ANJIAN_STORAGE_OPTIONS``
    a JSON object of its options. Options that are not a JSON object are refused with a message."""
    root = (environ.get("ANJIAN_MEDIA_ROOT") or environ.get("MEDIA_ROOT") or "").strip()
    media_root = Path(root) if root else var_dir / "media"
    backend = (environ.get("ANJIAN_STORAGE_BACKEND") or "").strip() or "django.core.files.storage.FileSystemStorage"
    storage: dict = {"BACKEND": backend}
    raw = (environ.get("ANJIAN_STORAGE_OPTIONS") or "").strip()
    if raw:
        try:
            options = json.loads(raw)
        except ValueError as exc:
            raise ImproperlyConfigured(f"ANJIAN_STORAGE_OPTIONS is not valid JSON ({exc}). Expected an object, "
                                       'e.g. {"bucket_name": "anjian-media"}.') from exc
        if not isinstance(options, dict):
            raise ImproperlyConfigured('ANJIAN_STORAGE_OPTIONS must be a JSON object, e.g. {"bucket_name": '
                                       '"anjian-media"}.')
        storage["OPTIONS"] = options
    return media_root, storage


def default_var_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """ANJIAN_VAR_DIR, or ./var of the working directory (the settings' rule)."""
    return Path(environ.get("ANJIAN_VAR_DIR", Path.cwd() / "var"))


def ensure_secret_key_file(var_dir: Path) -> tuple[Path, bool]:
    """Create ``<var dir>/secret_key`` with a new random key, readable by its owner only
    (mode 0600), unless it exists. Answers the path and whether it was created now."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / SECRET_KEY_FILE
    try:
        # O_EXCL: two commands racing on a fresh var dir must not overwrite each other's key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path, False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(50) + "\n")
    return path, True


def main(argv: list[str]) -> int:
    if argv != ["secret-key"]:
        print("usage: python -m anjian.config secret-key", file=sys.stderr)
        return 2
    path, created = ensure_secret_key_file(default_var_dir())
    if created:
        print(f"已生成本机密钥 Created a random secret key for this installation: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
