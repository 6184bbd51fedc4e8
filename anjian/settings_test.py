"""Settings of the test suite (pyproject's DJANGO_SETTINGS_MODULE): the product's own settings
as the demo runs them — DEBUG off, plain HTTP — with a test-only secret key, and static files
found in the apps' folders, because the suite does not run `collectstatic` first."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-of-the-anjian-suite-never-used-to-serve-0123456789")
os.environ.setdefault("ANJIAN_PLAIN_HTTP", "1")

from anjian.settings import *  # noqa: E402,F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
