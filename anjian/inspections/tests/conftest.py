"""Fixtures of the inspection tests: uploaded files go to a temporary media root."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.core.testing.files import image_upload


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(name: str = "现场.jpg") -> SimpleUploadedFile:
    """A small uploaded photo (a real JPEG: uploads are recognised by their content)."""
    return image_upload(name)
