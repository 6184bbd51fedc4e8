"""The page of an all-or-nothing import (template includes/import_page.html), shared by every
app that imports a spreadsheet: the app checks the right and names its columns and importer."""

from collections.abc import Callable, Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .imports import ImportFileError, ImportReport

ERRORS_SHOWN = 500  # the page lists this many errors; the count says how many more there are


def import_upload_page(request: HttpRequest, *, template: str, columns: Sequence,
                       run_import: Callable[..., ImportReport]) -> HttpResponse:
    """GET shows the form; POST runs ``run_import(file, filename, actor=user)`` and shows the
    report (status 400 when nothing was imported)."""
    context = {"columns": columns, "report": None, "file_error": None}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["file_error"] = _("Choose a file to upload.")
            status = 400
        else:
            try:
                report = run_import(upload, upload.name, actor=request.user)
            except ImportFileError as exc:
                context["file_error"] = str(exc)
                status = 400
            else:
                context.update(
                    report=report, filename=upload.name, errors=report.errors[:ERRORS_SHOWN],
                    errors_total=len(report.errors), errors_hidden=max(0, len(report.errors) - ERRORS_SHOWN),
                )
                if not report.ok:
                    status = 400
    return render(request, template, context, status=status)
