"""Start-up configuration (anjian/config.py, anjian/settings.py): DEBUG is off unless asked
for; with DEBUG off the secret key must exist and be strong (a local installation's own key
file is used when SECRET_KEY is not set); an empty DATABASE_URL is refused with a message."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from anjian import config

STRONG = "k3y-" + "x7Q9vLm2Rt8Zp4Wn6Bs1Dc5Fh0Jy" * 2
ROOT = Path(__file__).resolve().parents[3]


def test_with_debug_off_a_missing_key_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set") as refused:
        config.secret_key({}, tmp_path, debug=False)
    assert "make demo" in str(refused.value)
    # while development (DEBUG on) gets the development key
    assert config.secret_key({}, tmp_path, debug=True) == config.DEVELOPMENT_KEY


@pytest.mark.parametrize("key", [config.DEVELOPMENT_KEY, "django-insecure-" + "a1b2c3d4e5" * 5, "short-key",
                                 "ab" * 30])
def test_with_debug_off_a_weak_key_is_refused(tmp_path, key):
    with pytest.raises(ImproperlyConfigured, match="too weak"):
        config.secret_key({"SECRET_KEY": key}, tmp_path, debug=False)


def test_the_local_key_file_is_made_once_owner_only_and_used(tmp_path):
    # When the local installation's key is ensured twice
    path, created = config.ensure_secret_key_file(tmp_path)
    again, created_again = config.ensure_secret_key_file(tmp_path)
    # Then one file exists, readable by its owner only, and it is not replaced
    assert created and not created_again and again == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text().strip()
    assert config.secret_key_problem(key) is None
    # and without SECRET_KEY it is the key used; SECRET_KEY, when set, wins
    assert config.secret_key({}, tmp_path, debug=False) == key
    assert config.secret_key({"SECRET_KEY": STRONG}, tmp_path, debug=False) == STRONG


def test_database_url_unset_empty_or_nonsense(tmp_path):
    default = f"sqlite:///{tmp_path}/anjian.sqlite3"
    assert config.database_url({}, default) == default
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is set but empty"):
        config.database_url({"DATABASE_URL": "  "}, default)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is not a database address"):
        config.parse_database("nonsense")


def _anjian(tmp_path, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items()
               if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ANJIAN_PLAIN_HTTP", "DJANGO_SETTINGS_MODULE"}}
    environ.update({"ANJIAN_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), **env})
    return subprocess.run([sys.executable, "-m", "anjian", "check"], cwd=tmp_path, env=environ,  # noqa: S603
                          capture_output=True, text=True, timeout=120)


def test_the_command_defaults_to_debug_off_and_says_what_is_wrong_without_a_traceback(tmp_path):
    # Given a fresh machine: no SECRET_KEY, no DEBUG, no key file
    run = _anjian(tmp_path)
    # Then `anjian` stops with the message, not a traceback: DEBUG is off by default
    assert run.returncode == 2
    assert "SECRET_KEY is not set and DEBUG is off" in run.stderr and "Traceback" not in run.stderr
    # and an empty DATABASE_URL is named, not a crash
    run = _anjian(tmp_path, DEBUG="1", DATABASE_URL="")
    assert run.returncode == 2
    assert "DATABASE_URL is set but empty" in run.stderr and "Traceback" not in run.stderr


def test_uploads_go_to_the_shared_directory_or_storage_configured(tmp_path):
    # given nothing configured, then the uploads stay under the var dir, on the file system
    root, storage = config.media_storage({}, tmp_path)
    assert root == tmp_path / "media" and storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    # given a shared mount (the earlier MEDIA_ROOT still read; ANJIAN_MEDIA_ROOT wins)
    assert config.media_storage({"MEDIA_ROOT": "/srv/old"}, tmp_path)[0] == Path("/srv/old")
    root, _ = config.media_storage({"MEDIA_ROOT": "/srv/old", "ANJIAN_MEDIA_ROOT": "/mnt/nfs/anjian"}, tmp_path)
    assert root == Path("/mnt/nfs/anjian")
    # given another storage class and its options, then Django's default storage is that one
    _, storage = config.media_storage({"ANJIAN_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
                                       "ANJIAN_STORAGE_OPTIONS": '{"bucket_name": "anjian-media"}'}, tmp_path)
    assert storage == {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "anjian-media"}}


@pytest.mark.parametrize("options", ["{bucket: x}", '["anjian-media"]'])
def test_storage_options_that_are_not_a_json_object_are_refused(tmp_path, options):
    with pytest.raises(ImproperlyConfigured, match="ANJIAN_STORAGE_OPTIONS"):
        config.media_storage({"ANJIAN_STORAGE_OPTIONS": options}, tmp_path)


def test_the_settings_give_django_the_configured_storage(tmp_path):
    # given the environment of a server whose uploads are on a shared mount
    shared = tmp_path / "nfs"
    environ = {k: v for k, v in os.environ.items() if k not in {"MEDIA_ROOT", "ANJIAN_STORAGE_BACKEND"}}
    environ.update({"ANJIAN_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), "DEBUG": "1",
                    "ANJIAN_MEDIA_ROOT": str(shared), "DJANGO_SETTINGS_MODULE": "anjian.settings"})
    code = ("import django; django.setup(); from django.core.files.storage import storages; "
            "s = storages['default']; print(type(s).__name__, s.location)")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=environ,  # noqa: S603
                         capture_output=True, text=True, timeout=120)
    # then Django stores files there
    assert run.stdout.split() == ["FileSystemStorage", str(shared)], run.stderr
