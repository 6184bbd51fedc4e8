"""``anjian backup`` / ``anjian restore`` round trip: what was backed up comes back (rows and files),
later changes are undone, a damaged backup or one of another engine is refused, and a restore
without --yes changes nothing."""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from anjian.core.backup import BackupError, read_manifest
from anjian.core.models import Attachment, Event
from anjian.core.services import attach_files, record_event
from anjian.enterprises.models import Enterprise


def _round_trip(tmp_path, world, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # given an enterprise with an event and an attached file
    ent = world.ent_a
    record_event(ent, "updated", actor=world.users["other_county"], comment="备份前")
    attach_files(ent, [ContentFile(b"%PDF-1.4 before", name="证明.pdf")])
    before = (Enterprise.objects.count(), Event.objects.count(), Attachment.objects.count())
    # when it is backed up
    call_command("backup", str(tmp_path / "b1"))
    manifest = read_manifest(tmp_path / "b1")
    assert manifest["counts"]["enterprises.Enterprise"] == before[0]
    # and things change afterwards (a new event, a renamed enterprise, a lost file)
    record_event(ent, "updated", comment="备份后")
    Enterprise.objects.filter(pk=ent.pk).update(name="改过的名字")
    stored = Attachment.objects.get()
    (tmp_path / "media" / stored.file.name).unlink()
    # then restore without --yes refuses and changes nothing
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "b1"))
    assert Event.objects.count() == before[1] + 1
    # and the restore gives back the rows and the file as they were
    call_command("restore", str(tmp_path / "b1"), "--yes")
    assert (Enterprise.objects.count(), Event.objects.count(), Attachment.objects.count()) == before
    assert Enterprise.objects.get(pk=ent.pk).name == ent.name
    assert (tmp_path / "media" / stored.file.name).read_bytes() == b"%PDF-1.4 before"
    return manifest


# Outside a test transaction, as the commands run: SQLite's backup cannot copy a database while
# the same shared-cache connection holds an open write transaction.
@pytest.mark.django_db(transaction=True)
def test_round_trip_on_sqlite(tmp_path, world, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs in the SQLite run; PostgreSQL has its own test below")
    _round_trip(tmp_path, world, settings)


@pytest.mark.django_db(transaction=True)
def test_round_trip_on_postgresql(tmp_path, world, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the CI runs it there)")
    _round_trip(tmp_path, world, settings)


@pytest.mark.django_db(transaction=True)
def test_a_damaged_or_foreign_backup_is_refused(tmp_path, world, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("backup", str(tmp_path / "b"))
    call_command("restore", str(tmp_path / "b"), "--check")
    with pytest.raises(CommandError):  # the directory must be new
        call_command("backup", str(tmp_path / "b"))
    manifest_path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["engine"] = "oracle"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="oracle"):
        call_command("restore", str(tmp_path / "b"), "--yes")
    with (tmp_path / "b" / "media.tar.gz").open("ab") as f:
        f.write(b"tampered")
    with pytest.raises(BackupError, match="media.tar.gz"):
        read_manifest(tmp_path / "b")
