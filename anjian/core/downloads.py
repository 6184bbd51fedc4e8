"""What the pages and the API send back as a file: an xlsx download under a given name, and the
plain-text refusal of an export (a filter it cannot apply, too many rows). Every app's exports,
templates and statistics downloads answer through these, so the content type, the
Content-Disposition header and the text of a refusal are the same everywhere."""

from __future__ import annotations

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An xlsx file the browser saves as ``filename`` (ASCII: the names are built from dates)."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def text_response(message: str, status: int) -> HttpResponse:
    """A plain-text answer (a refused export): shown as it is by the browser that asked."""
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
