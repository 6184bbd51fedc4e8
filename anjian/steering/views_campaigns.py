"""Pages of the special campaigns (专项整治): the campaigns, one campaign with its figures read live
from the ledgers (enterprises in scope, inspected, hazards found and rectified; per sub-region),
and the records behind each figure. Reads through ``core.pages`` and ``selectors``; writes
through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.workflow import available_steps

from . import selectors, services
from .choices import CAMPAIGN_MACHINE
from .forms import CampaignCloseForm, CampaignForm, CampaignListFilter, CampaignReopenForm, StepForm
from .models import Campaign
from .policy import policy
from .views_common import (
    crumbs,
    form_page,
    history,
    list_page,
    page,
    posted,
    record_step,
    require,
    timeline,
    void_page,
)

CAMPAIGN_PERM = "steering.change_campaign"


def _campaigns_crumb():
    return (_("Special campaigns"), reverse("steering:campaigns"))


def _campaign(user, pk: int) -> Campaign:
    return scoped_object_or_404(user, Campaign.objects.select_related(
        "region", "committee_region", "checklist", "lead_unit"), pk=pk)


def _parts() -> dict[str, str]:
    """The figures of a campaign that open to their records, in words."""
    return {
        "in_scope": _("Enterprises in scope"),
        "inspected": _("Enterprises inspected"),
        "not_inspected": _("Enterprises not yet inspected"),
        "hazards": _("Hazards found"),
        "hazards_open": _("Hazards not closed out"),
        "hazards_overdue": _("Hazards overdue"),
        "hazards_major": _("Major hazards"),
        "hazards_closed": _("Hazards closed out"),
    }


@login_required
def campaign_list(request):
    """专项整治: the committees' special campaigns in the user's jurisdiction."""
    return list_page(
        request, scoped_list(request.user, Campaign).select_related("region", "committee_region"),
        CampaignListFilter, "steering/campaign_list.html", order=("-starts_on", "-pk"),
        can_add=request.user.has_perm("steering.add_campaign"),
        crumbs=crumbs((_("Special campaigns"), "")), title=_("Special campaigns"),
        sub=_("Campaigns on one topic over a period: the enterprises in scope, their inspections and the hazards "
              "found, read live from the ledgers."))


@login_required
def campaign_detail(request, pk: int):
    user = request.user
    campaign = _campaign(user, pk)
    actions = set(available_steps(CAMPAIGN_MACHINE, policy, user, campaign))
    figures = selectors.campaign_progress(campaign)
    return render(request, "steering/campaign_detail.html", {
        "campaign": campaign, "actions": actions, "steps": {a: CAMPAIGN_MACHINE[a].label for a in actions},
        "figures": figures, "parts": [(part, label, figures[part]) for part, label in _parts().items()],
        "industries": list(campaign.industries.order_by("code")), "tags": list(campaign.tags.all()),
        "close_form": CampaignCloseForm(initial={"version": campaign.version, "summary": campaign.summary}),
        "reopen_form": CampaignReopenForm(initial={"version": campaign.version}),
        "events": timeline(campaign), "history": history(campaign), "today": timezone.localdate(),
        "crumbs": crumbs(_campaigns_crumb(), (campaign.number, "")),
    })


@login_required
def campaign_records(request, pk: int, part: str):
    """The records behind one figure of the campaign (enterprises or hazards), paged."""
    campaign = _campaign(request.user, pk)
    parts = _parts()
    if part not in parts:
        raise Http404
    qs = selectors.campaign_records(campaign, part)
    is_hazards = part.startswith("hazards")
    if is_hazards:
        qs = qs.select_related("enterprise").order_by("deadline", "pk")
    else:
        qs = qs.select_related("industry", "region").order_by("region_path", "name", "pk")
    back = reverse("steering:campaign_detail", args=[campaign.pk])
    return render(request, "steering/campaign_records.html", {
        "campaign": campaign, "part": part, "part_label": parts[part], "is_hazards": is_hazards,
        "page_obj": page(request, qs), "today": timezone.localdate(),
        "crumbs": crumbs(_campaigns_crumb(), (campaign.number, back), (parts[part], "")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require(request.user, "steering.add_campaign")
    form = CampaignForm(request.POST or None, user=request.user)

    def save(form):
        campaign = services.create_campaign(
            actor=request.user, committee_region=form.fields["committee"].region(form.cleaned_data["committee"]),
            region=form.cleaned_data["region"], data=form.service_data(), scope=form.scope_data())
        messages.success(request, _("Campaign %(number)s planned.") % {"number": campaign.number})
        return redirect("steering:campaign_detail", pk=campaign.pk)

    return form_page(request, form, save, "steering/form.html", {
        "title": _("Plan a special campaign"), "cancel": reverse("steering:campaigns"),
        "crumbs": crumbs(_campaigns_crumb(), (pgettext("campaign", "Plan"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk: int):
    require(request.user, CAMPAIGN_PERM)
    campaign = _campaign(request.user, pk)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)

    def save(form):
        services.update_campaign(campaign, actor=request.user, data=form.service_data(), scope=form.scope_data(),
                                 version=request.POST.get("version") or None)
        messages.success(request, _("Saved."))
        return redirect("steering:campaign_detail", pk=campaign.pk)

    back = reverse("steering:campaign_detail", args=[campaign.pk])
    return form_page(request, form, save, "steering/form.html", {
        "title": _("Edit the campaign"), "record": campaign, "cancel": back,
        "crumbs": crumbs(_campaigns_crumb(), (campaign.number, back), (_("Edit"), ""))})


@login_required
@require_POST
def campaign_launch(request, pk: int):
    def do(campaign):
        form = posted(StepForm, request)
        services.launch_campaign(campaign, actor=request.user, version=form.cleaned_data["version"])
        return _("Campaign launched.")
    return record_step(request, CAMPAIGN_PERM, _campaign, pk, do, "steering:campaign_detail")


@login_required
@require_POST
def campaign_close(request, pk: int):
    def do(campaign):
        form = posted(CampaignCloseForm, request)
        services.close_campaign(campaign, actor=request.user, summary=form.cleaned_data["summary"],
                                version=form.cleaned_data["version"])
        return _("Campaign closed.")
    return record_step(request, CAMPAIGN_PERM, _campaign, pk, do, "steering:campaign_detail")


@login_required
@require_POST
def campaign_reopen(request, pk: int):
    def do(campaign):
        form = posted(CampaignReopenForm, request)
        services.reopen_campaign(campaign, actor=request.user, comment=form.cleaned_data["comment"],
                                 version=form.cleaned_data["version"])
        return _("Campaign reopened.")
    return record_step(request, CAMPAIGN_PERM, _campaign, pk, do, "steering:campaign_detail")


@login_required
@require_POST
def campaign_void(request, pk: int):
    return void_page(request, pk, "steering.delete_campaign", _campaign, services.void_campaign,
                     "steering:campaign_detail", "steering:campaigns")
