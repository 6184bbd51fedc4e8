"""Pages of the duty lists (责任清单): each committee's itemised duties of its member units and
leaders, one duty, the forms and the all-or-nothing import. Reads through ``core.pages``;
writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.imports import ImportFileError
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.views_imports import import_upload_page
from anjian.regions.models import Region

from . import services
from .forms import DutyForm, DutyListFilter
from .imports import COLUMNS as IMPORT_COLUMNS
from .imports import import_duties, template_file
from .models import Duty
from .policy import policy
from .views_common import crumbs, form_page, history, list_page, require, timeline, void_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DUTY_PERM = "steering.change_duty"


def _duties_crumb():
    return (_("Duty lists"), reverse("steering:duties"))


def _duty(user, pk: int) -> Duty:
    return scoped_object_or_404(user, Duty.objects.select_related("unit", "task__plan", "committee_region"), pk=pk)


@login_required
def duty_list(request):
    """责任清单: the duties of the committees in the user's jurisdiction, by unit and by leader."""
    user = request.user
    return list_page(
        request, scoped_list(user, Duty).select_related("unit", "task", "committee_region"), DutyListFilter,
        "steering/duty_list.html", order=("committee_region__path", "holder", "unit__sort", "leader_role", "seq"),
        can_add=user.has_perm("steering.add_duty"), crumbs=crumbs((_("Duty lists"), "")), title=_("Duty lists"),
        sub=_("Each committee's duties, itemised per member unit and per leader (党政同责、一岗双责), each linked to "
              "the task or indicator that shows it is done."))


@login_required
def duty_detail(request, pk: int):
    user = request.user
    duty = _duty(user, pk)
    return render(request, "steering/duty_detail.html", {
        "duty": duty, "can_manage": policy.can(user, "update_duty", duty), "events": timeline(duty),
        "history": history(duty), "crumbs": crumbs(_duties_crumb(), (str(duty.seq), "")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def duty_create(request):
    require(request.user, "steering.add_duty")
    form = DutyForm(request.POST or None, user=request.user)

    def save(form):
        duty = services.create_duty(actor=request.user, committee_region=Region.objects.get(
            code=form.cleaned_data["committee"]), data=form.service_data())
        messages.success(request, _("Duty %(seq)s added.") % {"seq": duty.seq})
        return redirect("steering:duty_detail", pk=duty.pk)

    return form_page(request, form, save, "steering/form.html", {
        "title": _("Add a duty"), "cancel": reverse("steering:duties"),
        "crumbs": crumbs(_duties_crumb(), (_("Add"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def duty_edit(request, pk: int):
    require(request.user, DUTY_PERM)
    duty = _duty(request.user, pk)
    form = DutyForm(request.POST or None, instance=duty, user=request.user)

    def save(form):
        services.update_duty(duty, actor=request.user, data=form.service_data(),
                             version=request.POST.get("version") or None)
        messages.success(request, _("Saved."))
        return redirect("steering:duty_detail", pk=duty.pk)

    back = reverse("steering:duty_detail", args=[duty.pk])
    return form_page(request, form, save, "steering/form.html", {
        "title": _("Edit the duty"), "record": duty, "cancel": back,
        "crumbs": crumbs(_duties_crumb(), (str(duty.seq), back), (_("Edit"), ""))})


@login_required
@require_POST
def duty_void(request, pk: int):
    return void_page(request, pk, "steering.delete_duty", _duty, services.void_duty, "steering:duty_detail",
                     "steering:duties")


def _import_committee(request) -> Region | None:
    """The committee an import fills: the office's own; a system administrator names one
    (?committee=<division code>) among the regions of their scope."""
    code = request.GET.get("committee") or ""
    if code:
        return scoped_list(request, Region).filter(code=code).first()
    own = getattr(request.user, "scope_region", None)
    return own if not getattr(request.user, "is_system_admin", False) else None


@login_required
@require_http_methods(["GET", "POST"])
def duty_import(request):
    require(request.user, "steering.add_duty")
    committee = _import_committee(request)

    def run(fileobj, filename, *, actor):
        if committee is None:
            raise ImportFileError(_("Name the committee: add ?committee=<division code> to the address."))
        return import_duties(fileobj, filename, actor=actor, committee_region=committee)

    return import_upload_page(request, template="steering/duty_import.html", columns=IMPORT_COLUMNS, run_import=run)


@login_required
@require_GET
def duty_import_template(request):
    response = HttpResponse(template_file(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="duty-list-template.xlsx"'
    return response
