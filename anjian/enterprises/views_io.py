"""Pages for the enterprise registry's files: Excel export of the filtered list, the import
template, the import page (upload, then the created count or the row-by-row error table) and
the supervision plate (一企一牌) PDF. All of them read through the user's scope."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from anjian.core.downloads import xlsx_response
from anjian.core.exports import export_response
from anjian.core.pages import scoped_object_or_404
from anjian.core.views_imports import import_upload_page

from .documents import plate_pdf as render_plate
from .exports import export_enterprises, filtered_enterprises
from .imports import ENTERPRISE_COLUMNS, import_enterprises, template_bytes
from .models import Enterprise


def export_filename() -> str:
    return f"enterprises-{timezone.localdate():%Y%m%d}.xlsx"


def template_filename() -> str:
    return "enterprise-import-template.xlsx"



@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The list page's filtered enterprises (same query string) as an xlsx attachment."""
    return export_response(lambda: export_enterprises(filtered_enterprises(request.user, request.GET)),
                           export_filename())


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(template_bytes(), template_filename())


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload an enterprise list; show the created count or every row's errors."""
    if not request.user.has_perm("enterprises.import_enterprise"):
        raise PermissionDenied
    return import_upload_page(request, template="enterprises/import.html", columns=ENTERPRISE_COLUMNS, run_import=import_enterprises)


@login_required
@require_GET
def plate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervision plate of an enterprise in the user's scope, as an inline PDF."""
    enterprise = scoped_object_or_404(request, Enterprise.objects.select_related("region", "industry"), pk=pk)
    pdf = render_plate(enterprise, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plate-{enterprise.credit_code}.pdf"'
    return response
