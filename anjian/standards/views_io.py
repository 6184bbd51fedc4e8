"""Pages for the standards library's files: Excel export of the filtered checklists (same
query string as the list page) and of the criteria catalogue (same as the catalogue page),
the import templates, and the import pages of checklists and of criteria (upload, then the
counts or the row-by-row error table). Exports are open to every logged-in user; importing
is for system administrators."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anjian.core.downloads import text_response, xlsx_response
from anjian.core.views_imports import import_upload_page

from . import selectors
from .exports import export_checklists, export_criteria
from .filters import ChecklistFilter, active_unless_asked
from .forms import CriteriaFilterForm
from .imports import CHECKLIST_COLUMNS, import_checklists, template_bytes
from .imports_criteria import CRITERIA_COLUMNS, import_criteria
from .imports_criteria import template_bytes as criteria_template_bytes


def checklist_export_filename() -> str:
    return f"checklists-{timezone.localdate():%Y%m%d}.xlsx"


def criteria_export_filename() -> str:
    return f"major-hazard-criteria-{timezone.localdate():%Y%m%d}.xlsx"



@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The list page's checklists (same query string) with their items, as an xlsx attachment."""
    filterset = ChecklistFilter(request.GET, queryset=selectors.checklists())
    if not filterset.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items())
        return text_response(_("Invalid filter: %(errors)s") % {"errors": errors}, 400)
    queryset = active_unless_asked(filterset.qs, request.GET)
    return xlsx_response(export_checklists(queryset), checklist_export_filename())


@login_required
@require_GET
def criteria_export_xlsx(request: HttpRequest) -> HttpResponse:
    """The criteria catalogue page's selection (same query string), as an xlsx attachment."""
    values = CriteriaFilterForm(request.GET).values() if request.GET else {}
    documents, criteria, narrowed = selectors.catalogue_selection(values)
    if narrowed:
        documents = documents.filter(pk__in=criteria.values("document_id"))
    return xlsx_response(export_criteria(documents, criteria), criteria_export_filename())


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(template_bytes(), "checklist-import-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload checklists; show what was written or every row's errors."""
    if not request.user.is_system_admin:
        raise PermissionDenied
    return import_upload_page(request, template="standards/import.html", columns=CHECKLIST_COLUMNS, run_import=import_checklists)


@login_required
@require_GET
def criteria_import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(criteria_template_bytes(), "criteria-import-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def criteria_import_page(request: HttpRequest) -> HttpResponse:
    """Upload criteria texts (e.g. the official wording); show what was written or every row's errors."""
    if not request.user.is_system_admin:
        raise PermissionDenied
    return import_upload_page(request, template="standards/criteria_import.html", columns=CRITERIA_COLUMNS,
                              run_import=import_criteria)
