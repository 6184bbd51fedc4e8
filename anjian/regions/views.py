"""Pages of the jurisdiction tree: browse the regions in scope with enterprise counts, one
region's detail (parent chain, children, grids, departments), the grid list, and the region
import for system administrators (all-or-nothing, with a row-by-row report)."""

import django_filters
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anjian.core.downloads import xlsx_response
from anjian.core.history import history_rows
from anjian.core.imports import ImportFileError, template_workbook
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.paths import CODE_LENGTH, subtree_q

from .choices import RegionLevel
from .filters import GridFilter
from .forms import RegionCodeField, RegionImportForm, township_label, township_queryset
from .models import Grid, Region
from .services import REGION_COLUMNS, import_regions

PAGE_SIZE = getattr(settings, "ANJIAN_PAGE_SIZE", 50)


class GridListFilter(GridFilter):
    """The API's grid filters plus a search over grid name and code."""

    q = django_filters.CharFilter(method="filter_q")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value) | Q(code__icontains=value)) if value else queryset


def _scoped_chain(user, region: Region) -> list[Region]:
    """The ancestors of ``region`` that lie in the user's scope, root first (for breadcrumbs)."""
    codes = [region.path[i:i + CODE_LENGTH] for i in range(0, len(region.path) - CODE_LENGTH, CODE_LENGTH)]
    found = {r.code: r for r in scoped_list(user, Region, code__in=codes)}
    return [found[c] for c in codes if c in found]


def _crumbs(user, region: Region | None) -> list[tuple[str, str]]:
    crumbs = [(_("Regions"), reverse("regions:list"))]
    if region is not None:
        for r in [*_scoped_chain(user, region), region]:
            crumbs.append((r.name, f"{reverse('regions:list')}?parent={r.code}"))
    return crumbs


def _enterprise_counts_by_child(user, parent_path: str, child_path_length: int) -> dict[str, dict]:
    """Enterprise figures per child region of ``parent_path``, in ONE grouped query over the
    user's scoped enterprises: the first ``child_path_length`` characters of an enterprise's
    region path are the path of the child it lies under."""
    from anjian.enterprises.choices import OperatingStatus
    from anjian.enterprises.models import Enterprise, Supervision

    current = Exists(Supervision.objects.filter(enterprise=OuterRef("pk"), is_current=True))
    qs = scoped_list(user, Enterprise)
    if parent_path:
        qs = qs.filter(subtree_q("region_path", parent_path))
    rows = (
        qs.annotate(child=Substr("region_path", 1, child_path_length))
        .values("child")
        .annotate(
            total=Count("id"),
            operating=Count("id", filter=Q(status=OperatingStatus.OPERATING)),
            blind=Count("id", filter=~Q(status=OperatingStatus.CLOSED) & ~Q(current)),
        )
        .order_by()
    )
    return {row["child"]: row for row in rows}


@login_required
def region_list(request):
    """The region tree in scope: the children of ``?parent=<code>`` (or of the top of the
    user's scope) with their enterprise counts, and breadcrumbs back up the tree."""
    user = request.user
    scoped = scoped_list(request, Region)
    parent = None
    code = request.GET.get("parent", "").strip()
    if code:
        parent = get_object_or_404(scoped, code=code)
        children = scoped.filter(parent=parent)
    else:
        top = scoped.order_by("path").first()
        if top is not None:
            tops = scoped.annotate(plen=Length("path")).filter(plen=len(top.path))
            if tops.count() == 1:
                # A single top region (a regulator's city, say): open it straight away.
                parent = top
                children = scoped.filter(parent=parent)
            else:
                children = tops
        else:
            children = scoped.none()
    page_obj = Paginator(children.order_by("path"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    if parent is not None and not rows:
        # A leaf (a grid officer's township, say): its detail page is what there is to see.
        return redirect("regions:detail", code=parent.code)
    if rows:
        counts = _enterprise_counts_by_child(user, parent.path if parent else "", len(rows[0].path))
        sub = dict(scoped.filter(parent__in=rows).values("parent").annotate(n=Count("id")).values_list("parent", "n"))
        for r in rows:
            figures = counts.get(r.path, {})
            r.total = figures.get("total", 0)
            r.operating = figures.get("operating", 0)
            r.blind = figures.get("blind", 0)
            r.sub_count = sub.get(r.pk, 0)
    totals = None
    if parent is not None:
        totals = {k: sum(getattr(r, k) for r in rows) for k in ("total", "operating", "blind")} \
            if page_obj.paginator.num_pages == 1 else None
    return render(request, "regions/list.html", {
        "parent": parent,
        "page_obj": page_obj,
        "rows": rows,
        "totals": totals,
        "crumbs": _crumbs(user, parent),
        "can_import": user.is_system_admin,
    })


@login_required
def region_detail(request, code: str):
    """One region: code, level, parent chain, children, grids, departments and change history."""
    from anjian.enterprises.models import Enterprise
    from anjian.orgs.models import Department

    user = request.user
    region = scoped_object_or_404(request, Region, code=code)
    children_page = Paginator(scoped_list(request, Region, parent=region).order_by("path"), PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    grids = scoped_list(request, Grid).filter(subtree_q("region_path", region.path)).select_related("township")
    departments = scoped_list(request, Department, region=region).prefetch_related("industries")
    return render(request, "regions/detail.html", {
        "region": region,
        "chain": _scoped_chain(user, region),
        "crumbs": _crumbs(user, region),
        "page_obj": children_page,
        "grid_count": grids.count(),
        "grids": grids.order_by("code")[:PAGE_SIZE] if region.level == RegionLevel.TOWNSHIP else None,
        "departments": departments,
        "enterprise_count": scoped_list(request, Enterprise).filter(subtree_q("region_path", region.path)).count(),
        "history": history_rows(region, limit=50),
    })


@login_required
def grid_list(request):
    """Grids in scope, filterable by township (or any region above), 50 per page."""
    from django import forms

    from anjian.enterprises.models import Enterprise

    user = request.user
    data = request.GET or None
    filterset = GridListFilter(data, queryset=scoped_list(request, Grid).select_related("township__parent"))
    form = filterset.form
    form.fields["township"] = forms.ChoiceField(
        label=_("Township"), required=False,
        choices=[("", _("All townships"))] + [(r.code, township_label(r)) for r in township_queryset(user)])
    form.fields["region"] = RegionCodeField(user, deepest=RegionLevel.COUNTY, label=_("County / city"))
    form.fields["q"] = forms.CharField(label=_("Search"), required=False, max_length=50,
                                       widget=forms.TextInput(attrs={"type": "search",
                                                                     "placeholder": _("Grid name or code")}))
    qs = filterset.qs
    page_obj = Paginator(qs.order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    # Enterprises per grid on this page, counted in the user's scope in one grouped query.
    counts = dict(
        scoped_list(request, Enterprise, grid__in=rows).values("grid").annotate(n=Count("id"))
        .order_by().values_list("grid", "n")
    )
    for g in rows:
        g.enterprise_count = counts.get(g.pk, 0)
    return render(request, "regions/grids.html", {"form": form, "page_obj": page_obj, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def region_import(request):
    """System administrators upload a region list; either every row is written or none."""
    user = request.user
    if not user.is_system_admin:
        raise PermissionDenied
    if request.GET.get("template"):
        content = template_workbook(REGION_COLUMNS, _("Regions"), examples=[
            ["990000000000", "示范省", "province", ""], ["990100000000", "示范市", "city", "990000000000"]])
        return xlsx_response(content, "region-import-template.xlsx")
    form = RegionImportForm(request.POST, request.FILES) if request.method == "POST" else RegionImportForm()
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_regions(upload, upload.name, actor=user)
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                headers = {c.field: c.header for c in REGION_COLUMNS}
                for error in report.errors:
                    error.label = error.column or headers.get(error.field, error.field)
                if report.ok:
                    messages.success(request, _("%(rows)s rows imported, %(created)s new regions.")
                                     % {"rows": report.total_rows, "created": report.created})
        if form.errors or (report is not None and not report.ok):
            status = 400
    return render(request, "regions/import.html", {
        "form": form, "report": report, "columns": REGION_COLUMNS,
    }, status=status)
