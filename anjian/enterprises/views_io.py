"""Pages for the enterprise registry's files: Excel export of the filtered list, the import
template, the import page (upload, then created count or the row-by-row error table) and
the supervision plate (一企一牌) PDF."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .models import Enterprise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_filename() -> str:
    return f"enterprises-{timezone.localdate():%Y%m%d}.xlsx"


@login_required
@require_GET
def export_xlsx(request):
    """The list page's filtered enterprises (same query string) as an xlsx attachment."""
    from .exports import ExportTooLarge, export_enterprises, filtered_enterprises

    try:
        content = export_enterprises(filtered_enterprises(request.user, request.GET))
    except ExportTooLarge as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return xlsx_response(content, export_filename())


@login_required
@require_GET
def import_template(request):
    from .imports import template_bytes

    return xlsx_response(template_bytes(), "enterprise-import-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    """Upload an enterprise list; show the created count or every row's errors."""
    from anjian.core.imports import ImportFileError

    from .imports import ENTERPRISE_COLUMNS, import_enterprises

    if not request.user.has_perm("enterprises.import_enterprise"):
        raise PermissionDenied
    context = {"columns": ENTERPRISE_COLUMNS, "report": None, "file_error": None}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            from django.utils.translation import gettext as _

            context["file_error"] = _("Choose a file to upload.")
            status = 400
        else:
            try:
                report = import_enterprises(upload, upload.name, actor=request.user)
            except ImportFileError as exc:
                context["file_error"] = str(exc)
                status = 400
            else:
                context["report"] = report
                context["filename"] = upload.name
                if not report.ok:
                    status = 400
    return render(request, "enterprises/import.html", context, status=status)


@login_required
@require_GET
def plate_pdf(request, pk: int):
    """The supervision plate of an enterprise in the user's scope, as an inline PDF."""
    from .documents import plate_pdf as render_plate

    enterprise = get_object_or_404(Enterprise.objects.for_user(request.user).select_related("region", "industry"),
                                   pk=pk)
    response = HttpResponse(render_plate(enterprise), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plate-{enterprise.credit_code}.pdf"'
    return response
