"""Pages of the summonses (安全生产约谈): the list, one summons with its talk, the unit's written
report and the office's follow-up, circular and public disclosure. Reads through ``core.pages``;
writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.services import attachments_for
from anjian.core.workflow import available_steps

from . import services
from .choices import SUMMONS_MACHINE
from .forms import (
    CirculateForm,
    PublishForm,
    RectificationReportForm,
    SummonsForm,
    SummonsHoldForm,
    SummonsListFilter,
    SummonsVerifyForm,
)
from .models import Summons
from .policy import policy
from .views_common import (
    crumbs,
    form_page,
    history,
    list_page,
    posted,
    record_step,
    require,
    timeline,
    void_page,
)

PERM = "steering.change_summons"


def _list_crumb():
    return (_("Summonses"), reverse("steering:summonses"))


def _summons(user, pk: int) -> Summons:
    return scoped_object_or_404(user, Summons.objects.select_related(
        "unit", "committee_region", "accident", "reported_by"), pk=pk)


@login_required
def summons_list(request):
    """约谈: the summonses of lower governments and departments in the user's jurisdiction."""
    return list_page(
        request, scoped_list(request.user, Summons).select_related("unit", "committee_region"), SummonsListFilter,
        "steering/summons_list.html", order=("-scheduled_on", "-pk"),
        can_add=request.user.has_perm("steering.add_summons"), crumbs=crumbs((_("Summonses"), "")),
        title=_("Summonses"),
        sub=_("Talks in which the committee warns a lower government or a department and fixes the rectification "
              "it owes; the unit reports in writing by the day the talk set."))


@login_required
def summons_detail(request, pk: int):
    user = request.user
    summons = _summons(user, pk)
    actions = set(available_steps(SUMMONS_MACHINE, policy, user, summons))
    version = {"version": summons.version}
    return render(request, "steering/summons_detail.html", {
        "summons": summons, "actions": actions, "steps": {a: SUMMONS_MACHINE[a].label for a in actions},
        "files": attachments_for(summons),
        "hold_form": SummonsHoldForm(initial={**version, "held_on": summons.scheduled_on}),
        "report_form": RectificationReportForm(initial=version), "verify_form": SummonsVerifyForm(initial=version),
        "circulate_form": CirculateForm(initial=version), "publish_form": PublishForm(initial=version),
        "events": timeline(summons), "history": history(summons),
        "crumbs": crumbs(_list_crumb(), (summons.number, "")),
    })


def _unit_of(form):
    try:
        return form.fields["unit"].unit(form.cleaned_data["unit"])
    except (TypeError, ValueError) as exc:
        raise ValidationError({"unit": _("Choose the summoned unit.")}) from exc


@login_required
@require_http_methods(["GET", "POST"])
def summons_create(request):
    require(request.user, "steering.add_summons")
    form = SummonsForm(request.POST or None, user=request.user)

    def save(form):
        summons = services.create_summons(
            actor=request.user, committee_region=form.fields["committee"].region(form.cleaned_data["committee"]),
            unit=_unit_of(form), data=form.service_data())
        messages.success(request, _("Summons %(number)s planned.") % {"number": summons.number})
        return redirect("steering:summons_detail", pk=summons.pk)

    return form_page(request, form, save, "steering/form.html", {
        "title": _("Summon a unit"), "cancel": reverse("steering:summonses"),
        "crumbs": crumbs(_list_crumb(), (_("Plan"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def summons_edit(request, pk: int):
    require(request.user, PERM)
    summons = _summons(request.user, pk)
    form = SummonsForm(request.POST or None, instance=summons, user=request.user)

    def save(form):
        services.update_summons(summons, actor=request.user, data=form.service_data(),
                                version=request.POST.get("version") or None)
        messages.success(request, _("Saved."))
        return redirect("steering:summons_detail", pk=summons.pk)

    back = reverse("steering:summons_detail", args=[summons.pk])
    return form_page(request, form, save, "steering/form.html", {
        "title": _("Edit the summons"), "record": summons, "cancel": back,
        "crumbs": crumbs(_list_crumb(), (summons.number, back), (_("Edit"), ""))})


@login_required
@require_POST
def summons_hold(request, pk: int):
    def do(summons):
        form = posted(SummonsHoldForm, request)
        data = form.cleaned_data
        services.hold_summons(summons, actor=request.user, held_on=data["held_on"], minutes=data["minutes"],
                              measures=data["measures"], report_due=data["report_due"], files=data["files"],
                              version=data["version"])
        return _("Talk recorded: the unit now owes its written report.")
    return record_step(request, PERM, _summons, pk, do, "steering:summons_detail")


@login_required
@require_POST
def summons_report(request, pk: int):
    def do(summons):
        form = posted(RectificationReportForm, request)
        services.report_summons(summons, actor=request.user, note=form.cleaned_data["note"],
                                files=form.cleaned_data["files"], version=form.cleaned_data["version"])
        return _("Rectification reported.")
    return record_step(request, PERM, _summons, pk, do, "steering:summons_detail")


@login_required
@require_POST
def summons_verify(request, pk: int):
    def do(summons):
        form = posted(SummonsVerifyForm, request)
        accept = form.cleaned_data["decision"] == "close"
        services.verify_summons(summons, actor=request.user, accept=accept, comment=form.cleaned_data["comment"],
                                report_due=form.cleaned_data["report_due"], version=form.cleaned_data["version"])
        return _("Summons closed.") if accept else _("Rectification returned.")
    return record_step(request, PERM, _summons, pk, do, "steering:summons_detail")


@login_required
@require_POST
def summons_circulate(request, pk: int):
    def do(summons):
        form = posted(CirculateForm, request)
        services.circulate_summons(summons, actor=request.user, document_number=form.cleaned_data["document_number"],
                                   on=form.cleaned_data["circulated_on"], comment=form.cleaned_data["comment"],
                                   version=form.cleaned_data["version"])
        return _("Circular recorded.")
    return record_step(request, PERM, _summons, pk, do, "steering:summons_detail")


@login_required
@require_POST
def summons_publish(request, pk: int):
    def do(summons):
        form = posted(PublishForm, request)
        services.publish_summons(summons, actor=request.user, publication=form.cleaned_data["publication"],
                                 on=form.cleaned_data["published_on"], version=form.cleaned_data["version"])
        return _("Public disclosure recorded.")
    return record_step(request, PERM, _summons, pk, do, "steering:summons_detail")


@login_required
@require_POST
def summons_void(request, pk: int):
    return void_page(request, pk, "steering.delete_summons", _summons, services.void_summons,
                     "steering:summons_detail", "steering:summonses")
