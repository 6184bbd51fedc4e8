"""``anjian backup`` and ``anjian restore``: the database and the media directory in one directory,
with a manifest that lets the restore check itself.

A backup directory holds

- ``database.sqlite3`` (SQLite's online backup: consistent while the site runs) or
  ``database.pgdump`` (``pg_dump --format=custom``: a consistent snapshot while the site runs);
- ``media.tar.gz``, the uploaded files (``MEDIA_ROOT``);
- ``manifest.json``: when, from which engine, the last applied migration of every app, the row
  count of every table of the product, and the SHA-256 of each file.

``restore`` refuses a directory whose files do not match their checksums or whose engine differs
from the configured database, replaces the database and the media with the backup's, and then
compares every table's row count with the manifest: a restore that does not give back what was
backed up fails loudly instead of leaving a half-restored site."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"


class BackupError(Exception):
    """A backup or restore that cannot be done as asked (the message says why)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    """Rows per model of the product (and of the history and event tables they carry)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        if not (model.__module__.startswith("anjian.") or model._meta.app_label in ("auth", "contenttypes")):
            continue
        counts[model._meta.label] = model._base_manager.using(connection.alias).count()
    return dict(sorted(counts.items()))


def applied_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _engine() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def backup(dest: Path) -> dict[str, Any]:
    """Write a backup of the configured database and of the media directory into ``dest``."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: give a new directory for each backup.")
    dest.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    # Counts and the database copy come from one snapshot where the engine allows it: the counts are
    # read first, and SQLite's backup and pg_dump both copy a consistent state; a write in between
    # shows up as a count mismatch at restore time, which the operator then sees at once.
    counts, migrations = table_counts(), applied_migrations()
    if engine == "sqlite":
        db_file = dest / "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(db_file)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif engine == "postgresql":
        db_file = dest / "database.pgdump"
        args, env = _pg_env()
        # A fixed argument list from the settings, no shell: nothing a user typed reaches it.
        subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(db_file), *args],  # noqa: S603
                       check=True, env=env)
    else:  # pragma: no cover - only the two supported engines are configured
        raise ImproperlyConfigured(f"no backup for the {engine} engine")
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(dest / MEDIA, "w:gz") as tar:
        if media_root.exists():
            tar.add(media_root, arcname="media")
    manifest = {
        "format": FORMAT, "created_at": timezone.now().isoformat(), "engine": engine,
        "migrations": migrations, "counts": counts,
        "files": {p.name: _sha256(p) for p in (db_file, dest / MEDIA)},
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def read_manifest(src: Path) -> dict[str, Any]:
    """The manifest of the backup in ``src``, after checking every file against its checksum."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src} holds no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, digest in manifest["files"].items():
        path = src / name
        if not path.exists() or _sha256(path) != digest:
            raise BackupError(f"{name} is missing or damaged (its checksum does not match the manifest).")
    return manifest


def restore(src: Path) -> dict[str, Any]:
    """Replace the configured database and the media directory with the backup in ``src`` and check
    that every table has the rows the backup recorded. Stop the web and worker processes first."""
    src = Path(src)
    manifest = read_manifest(src)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(f"this backup is of a {manifest['engine']} database; the configured one is {engine}.")
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(src / "database.sqlite3")
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        args, env = _pg_env()
        for conn in connections.all():
            conn.close()
        # pg_restore --clean cannot drop the partitions of a partitioned table (monitoring's
        # readings: "cannot drop inherited constraint"), so the schema is emptied and refilled
        # instead, all in ONE transaction: the backup is turned into SQL, and psql runs the drop,
        # the re-creation and that SQL together, or nothing when any statement fails.
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "restore.sql"
            subprocess.run([_tool("pg_restore"), "--no-owner", "--file", str(script),  # noqa: S603
                            str(src / "database.pgdump")], check=True, env=env)
            subprocess.run([_tool("psql"), *args, "--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1",  # noqa: S603
                            "--single-transaction", "--command", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;",
                            "--file", str(script)], check=True, env=env, stdout=subprocess.DEVNULL)
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(src / MEDIA, "r:gz") as tar:
        staging = media_root.parent / (media_root.name + ".restoring")
        shutil.rmtree(staging, ignore_errors=True)
        tar.extractall(staging, filter="data")  # no absolute paths, links out or devices
        if (staging / "media").exists():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(staging / "media", media_root, dirs_exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
    counts = table_counts()
    wrong = {label: (n, counts.get(label)) for label, n in manifest["counts"].items() if counts.get(label) != n}
    if wrong:
        raise BackupError("the restored database differs from the backup: "
                          + "; ".join(f"{k}: {a} expected, {b} found" for k, (a, b) in sorted(wrong.items())[:10]))
    return manifest
