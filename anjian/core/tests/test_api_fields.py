"""The shared upload rules and API fields (core.uploads, core.api_fields, core.forms): one upload
limit read from settings.ANJIAN_UPLOAD_MAX_MB by the page forms, the API and the services alike,
and a bounded version."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import ValidationError as FormValidationError
from rest_framework import serializers

from anjian.core.api_fields import VERSION_MAX, UploadField, VersionSerializer
from anjian.core.forms import MultipleFileField
from anjian.core.services import check_uploads

MB = 1024 * 1024


def document(size: int, name: str = "整改报告.pdf") -> SimpleUploadedFile:
    """A file of ``size`` bytes that is a PDF and plain text alike by content (``%PDF-`` then ``%``)."""
    return SimpleUploadedFile(name, (b"%PDF-" + b"%" * size)[:size], content_type="application/pdf")


def refusals(f) -> list[str]:
    """Which of the three layers refuse ``f``: the page form field, the API field, the service."""
    out = []
    try:
        MultipleFileField().clean([f])
    except FormValidationError:
        out.append("form")
    f.seek(0)
    try:
        UploadField().run_validation(f)
    except serializers.ValidationError:
        out.append("api")
    f.seek(0)
    try:
        check_uploads([f])
    except ValidationError:
        out.append("service")
    return out


def test_one_setting_sets_the_size_limit_of_pages_api_and_services(settings):
    # given a file of 1.5 MB
    # when the limit is 1 MB, then the page, the API and the service all refuse it
    settings.ANJIAN_UPLOAD_MAX_MB = 1
    assert refusals(document(MB + MB // 2)) == ["form", "api", "service"]
    # when the setting is raised to 2 MB, then all three take it
    settings.ANJIAN_UPLOAD_MAX_MB = 2
    assert refusals(document(MB + MB // 2)) == []


def test_the_file_types_are_the_same_everywhere(settings):
    # given a script dressed as a document, then every layer refuses it; a plain text file is kept by all
    assert refusals(document(10, "报告.html")) == ["form", "api", "service"]
    assert refusals(document(10, "说明.txt")) == []


@pytest.mark.parametrize("version", [0, 1, VERSION_MAX])
def test_a_version_in_range_is_taken(version):
    ser = VersionSerializer(data={"version": version})
    assert ser.is_valid(), ser.errors
    assert ser.validated_data["version"] == version


@pytest.mark.parametrize("version", [-1, VERSION_MAX + 1, 10**30])
def test_a_version_out_of_range_is_refused_naming_it(version):
    ser = VersionSerializer(data={"version": version})
    assert not ser.is_valid()
    assert list(ser.errors) == ["version"]
