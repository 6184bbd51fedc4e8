"""Fixtures of the inspection tests: uploaded files go to a temporary media root."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(name: str = "现场.jpg") -> SimpleUploadedFile:
    """A small uploaded "photo" (the content is not decoded anywhere)."""
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0fake-jpeg", content_type="image/jpeg")
