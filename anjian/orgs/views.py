"""Pages of the departments: the list in scope (filter by kind and region) and one
department's detail with its members and the enterprises it currently supervises."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext as _

from anjian.core.history import history_rows
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.regions.fields import RegionCodeField

from .choices import DepartmentKind
from .filters import DepartmentFilter
from .models import Department, User

PAGE_SIZE = getattr(settings, "ANJIAN_PAGE_SIZE", 50)


@login_required
def department_list(request):
    """Departments of the regions in the user's scope, with member and supervised counts."""
    from anjian.enterprises.models import Supervision

    user = request.user
    filterset = DepartmentFilter(
        request.GET or None,
        queryset=scoped_list(request, Department.objects.select_related("region").prefetch_related("industries")),
    )
    form = filterset.form
    form.fields["kind"] = forms.ChoiceField(label=_("Kind"), required=False,
                                            choices=[("", _("All kinds")), *DepartmentKind.choices])
    form.fields["region"] = RegionCodeField(user, label=_("Region"))
    page_obj = Paginator(filterset.qs.order_by("region__path", "kind", "name"), PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    # Two grouped queries for the whole page instead of two per row.
    members = dict(
        User.objects.filter(department__in=rows, is_active=True).values("department").annotate(n=Count("id"))
        .order_by().values_list("department", "n")
    )
    supervised = dict(
        scoped_list(request, Supervision, department__in=rows, is_current=True, enterprise__is_voided=False)
        .values("department").annotate(n=Count("id")).order_by().values_list("department", "n")
    )
    for d in rows:
        d.member_count = members.get(d.pk, 0)
        d.supervised_count = supervised.get(d.pk, 0)
    return render(request, "orgs/departments.html", {"form": form, "page_obj": page_obj, "rows": rows})


@login_required
def department_detail(request, pk: int):
    """One department: its details, members, and the enterprises on its current plates."""
    from anjian.enterprises.selectors import enterprise_list

    user = request.user
    department = scoped_object_or_404(
        request, Department.objects.select_related("region").prefetch_related("industries"), pk=pk)
    members = User.objects.filter(department=department, is_active=True).order_by("role", "name", "username")
    enterprises = (
        enterprise_list(user)
        .select_related("region__parent")
        .filter(supervisions__department=department, supervisions__is_current=True)
        .order_by("region_path", "name", "id")
    )
    page_obj = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/department_detail.html", {
        "department": department,
        "members": members,
        "page_obj": page_obj,
        "history": history_rows(department, limit=50),
    })
