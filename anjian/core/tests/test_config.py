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
