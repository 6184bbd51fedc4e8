"""Pages of the administrative cases (行政执法案件) and of summons, circulars and exposure: the
list with its filters and xlsx export, a case with its steps as buttons, parties, violations,
evidence and full-process record (三项制度), the steps' forms, the 行政处罚决定书 PDF, the violation
catalogue, and the public page of published decisions (一公开: public fields only, no log-in)."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from anjian.core.exports import FilterInvalid, export_response, write_xlsx
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.services import attachments_for
from anjian.core.workflow import available_steps

from . import forms_cases as f
from . import selectors_cases as sel
from . import services
from .choices import ADMONITION_MACHINE, CASE_MACHINE, CaseState
from .models import Admonition, Case, CaseParty, Violation
from .policy import policy
from .views import StepSpec, buttons, create_page, crumbs, edit_page, paginate, posted, step_page, timeline


def _crumb():
    return (_("Enforcement cases"), reverse("enforcement:cases"))


def _filtered(request):
    base = scoped_list(request, Case)
    filterset = f.CaseListFilter(request.GET or None, queryset=base)
    if filterset.is_bound and not filterset.is_valid():
        return base.none(), filterset
    return (filterset.qs if filterset.is_bound else base), filterset


@login_required
def case_list(request):
    """行政执法案件: the cases of the jurisdiction, filtered; counts by state on the filtered set."""
    qs, filterset = _filtered(request)
    totals = qs.order_by().aggregate(total=Count("id"), fines=Sum("fine_amount"))
    page_obj = paginate(request, sel.case_list(qs.order_by("-discovered_on", "-id")))
    return render(request, "enforcement/cases/list.html", {
        "crumbs": crumbs((_("Enforcement cases"), "")), "form": filterset.form, "page_obj": page_obj,
        "totals": totals, "query": request.GET.urlencode(), "can_add": policy.can(request.user, "add_case")})


EXPORT_HEADER = [gettext_lazy("Case number"), gettext_lazy("Title"), gettext_lazy("Enterprise"),
                 gettext_lazy("Department"), gettext_lazy("Discovered on"), gettext_lazy("Filed on"),
                 gettext_lazy("Filed before any accident"), gettext_lazy("Decide by"), gettext_lazy("Decided on"),
                 gettext_lazy("Fine (yuan)"), gettext_lazy("State")]


@login_required
@require_GET
def case_export(request):
    """The filtered list as xlsx (same filters as the list)."""
    qs, filterset = _filtered(request)

    def build() -> bytes:
        if filterset.is_bound and not filterset.is_valid():
            raise FilterInvalid(filterset.errors)
        labels = dict(CaseState.choices)
        rows = ([r["number"], r["title"], r["enterprise__name"], r["department__name"], r["discovered_on"],
                 r["filed_on"], _("Yes") if r["pre_accident"] else _("No"), r["decide_due"], r["decided_on"],
                 r["fine_amount"], str(labels.get(r["state"], ""))]
                for r in qs.order_by("-discovered_on", "-id").values(
                    "number", "title", "enterprise__name", "department__name", "discovered_on", "filed_on",
                    "pre_accident", "decide_due", "decided_on", "fine_amount", "state").iterator(chunk_size=2000))
        out = io.BytesIO()
        write_xlsx(out, str(_("Enforcement cases")), [str(h) for h in EXPORT_HEADER], rows)
        return out.getvalue()

    return export_response(build, "cases.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    form = f.CaseForm(posted(request), user=request.user)
    return create_page(
        request, form=form, title=_("New enforcement case"), back=reverse("enforcement:cases"),
        allowed=policy.can(request.user, "add_case"),
        run=lambda form: services.open_case(actor=request.user, department=form.cleaned_data["department"],
                                            enterprise=form.cleaned_data["enterprise"], data=form.service_data()),
        done=lambda c: reverse("enforcement:case", args=[c.pk]))


@login_required
def case_detail(request, pk: int):
    case = scoped_object_or_404(request, Case.objects.select_related(
        "enterprise", "department", "accident", "handler", "reviewed_by"), include_voided=True, pk=pk)
    violations = list(case.violations.filter(is_voided=False).select_related("violation").order_by("id"))
    return render(request, "enforcement/cases/detail.html", {
        "crumbs": crumbs(_crumb(), (case.number, "")), "case": case, "violations": violations,
        "parties": list(CaseParty.objects.filter(case=case).order_by("kind", "id")),
        "files": list(attachments_for(case).select_related("event").order_by("id")),
        "buttons": buttons(CASE_MACHINE, request.user, case, lambda a: (
            reverse("enforcement:case_edit", args=[pk]) if a == "update"
            else reverse("enforcement:case_step", args=[pk, a])), primary=("file", "notify", "decide", "close")),
        "review_required": sel.review_required(case), "on_time": sel.decided_on_time(case),
        "from_findings": list(case.findings.select_related("inspection").order_by("id")),
        "events": timeline(case)})


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk: int):
    case = scoped_object_or_404(request, Case, pk=pk)
    form = f.CaseForm(posted(request), instance=Case.objects.get(pk=pk), user=request.user)
    return edit_page(request, case, form=form, title=_("Correct the case"),
                     back=reverse("enforcement:case", args=[pk]),
                     allowed="update" in available_steps(CASE_MACHINE, policy, request.user, case),
                     run=lambda form, version: services.update_case(case, actor=request.user,
                                                                    data=form.service_data(), version=version))


def _s(form, label, run, style=""):
    return StepSpec(form, label, label, run, style)


CASE_STEPS = {
    "file": _s(f.DateStepForm, pgettext_lazy("case", "File the case"),
               lambda o, u, d, v: services.file_case(o, actor=u, filed_on=d["on"], comment=d["comment"], version=v)),
    "decline": _s(f.ReasonStepForm, pgettext_lazy("case", "Do not file"),
                  lambda o, u, d, v: services.decline_case(o, actor=u, reason=d["reason"], version=v)),
    "set_violations": _s(f.ViolationsForm, pgettext_lazy("case", "Violations and fines"),
                         lambda o, u, d, v: services.set_violations(
                             o, actor=u, items=f.ViolationsForm.items_from(d), version=v)),
    "add_party": _s(f.PartyForm, pgettext_lazy("case", "Add a party"),
                    lambda o, u, d, v: services.add_party(o, actor=u, kind=d["kind"], name=d["name"], post=d["post"],
                                                          fine=d["fine"] or 0, version=v)),
    "add_evidence": _s(f.EvidenceForm, pgettext_lazy("case", "Add evidence"),
                       lambda o, u, d, v: services.add_evidence(o, actor=u, description=d["description"],
                                                                files=d["files"] or [], version=v)),
    "extend": _s(f.ExtendForm, pgettext_lazy("case", "Extend the time limit"),
                 lambda o, u, d, v: services.extend_case(o, actor=u, days=d["days"], reason=d["reason"], version=v)),
    "notify": _s(f.DateStepForm, pgettext_lazy("case", "Notify the party"),
                 lambda o, u, d, v: services.notify_case(o, actor=u, notified_on=d["on"], comment=d["comment"],
                                                         version=v)),
    "record_statement": _s(f.StatementForm, pgettext_lazy("case", "Record statement or hearing"),
                           lambda o, u, d, v: services.record_statement(o, actor=u, statement=d["statement"],
                                                                        on=d["on"], files=d["files"] or [],
                                                                        version=v)),
    "submit_review": _s(f.ConfirmStepForm, pgettext_lazy("case", "Submit for legal review"),
                        lambda o, u, d, v: services.submit_review(o, actor=u, version=v)),
    "review": _s(f.OpinionForm, pgettext_lazy("case", "Legal review opinion"),
                 lambda o, u, d, v: services.review_case(o, actor=u, opinion=d["opinion"], version=v)),
    "decide": _s(f.DecisionForm, pgettext_lazy("case", "Decide"),
                 lambda o, u, d, v: services.decide_case(o, actor=u, decision_text=d["decision_text"],
                                                         public_summary=d["public_summary"],
                                                         measure=d["measure"] or "", decided_on=d["on"], version=v)),
    "publish": _s(f.ConfirmStepForm, pgettext_lazy("case", "Publish the decision"),
                  lambda o, u, d, v: services.publish_case(o, actor=u, version=v)),
    "record_execution": _s(f.ExecutionForm, pgettext_lazy("case", "Record execution"),
                           lambda o, u, d, v: services.record_execution(
                               o, actor=u, paid_amount=d["paid_amount"], paid_on=d["paid_on"], note=d["note"],
                               files=d["files"] or [], version=v)),
    "close": _s(f.ConfirmStepForm, pgettext_lazy("case", "Close the case"),
                lambda o, u, d, v: services.close_case(o, actor=u, version=v)),
    "revoke": _s(f.ReasonStepForm, pgettext_lazy("case", "Withdraw the case"),
                 lambda o, u, d, v: services.revoke_case(o, actor=u, reason=d["reason"], version=v), "danger"),
    "transfer": _s(f.TransferForm, pgettext_lazy("case", "Transfer to public security"),
                   lambda o, u, d, v: services.transfer_case(o, actor=u, to=d["to"], reason=d["reason"], version=v)),
    "void": _s(f.ReasonStepForm, pgettext_lazy("enforcement", "Void"),
               lambda o, u, d, v: services.void_case(o, actor=u, reason=d["reason"], version=v), "danger"),
}


@login_required
@require_http_methods(["GET", "POST"])
def case_step(request, pk: int, action: str):
    case = scoped_object_or_404(request, Case, pk=pk)
    back = reverse("enforcement:case", args=[pk])
    done = reverse("enforcement:cases") if action == "void" else back
    return step_page(request, case, action, CASE_STEPS, CASE_MACHINE, back=back, done=done,
                     title_object=f"{case.number} {case.title}")


@login_required
@require_GET
def case_pdf(request, pk: int):
    """The 行政处罚决定书 of a decided case, as PDF."""
    from .documents_cases import decision_pdf

    case = scoped_object_or_404(request, Case.objects.select_related("enterprise", "department"), pk=pk)
    if case.decided_on is None:
        raise PermissionDenied
    response = HttpResponse(decision_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{case.pk}.pdf"'
    return response


@login_required
def violation_catalogue(request):
    """违法行为目录: the catalogue with its legal basis and discretion tiers (edited in the admin)."""
    qs = Violation.objects.filter(is_active=True).prefetch_related("tiers").order_by("order", "code")
    return render(request, "enforcement/cases/catalogue.html", {
        "crumbs": crumbs(_crumb(), (_("Violation catalogue"), "")), "violations": list(qs)})


def public_decisions(request):
    """一公开: the published penalty decisions (public fields only: the enterprise's name and credit
    code, the decision's number, date, summary, fine and measure; never a person, facts or files).
    Public by design: no log-in."""
    rows = sel.public_decisions(Case.objects.all())
    response = render(request, "enforcement/cases/public.html", {"page_obj": paginate(request, rows)})
    response["X-Robots-Tag"] = "noindex"
    return response


# --- summons, circulars, exposure ----------------------------------------------------------------

@login_required
def admonition_list(request):
    base = scoped_list(request, Admonition).select_related("department", "enterprise", "target_region")
    filterset = f.AdmonitionListFilter(request.GET or None, queryset=base)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    return render(request, "enforcement/cases/admonitions.html", {
        "crumbs": crumbs((_("Summons, circulars and exposure"), "")), "form": filterset.form,
        "page_obj": paginate(request, qs.order_by("-held_on", "-id")),
        "can_add": policy.can(request.user, "add_admonition")})


@login_required
@require_http_methods(["GET", "POST"])
def admonition_create(request):
    form = f.AdmonitionForm(posted(request), request.FILES or None, user=request.user)
    return create_page(
        request, form=form, title=_("New summons, circular or exposure"), back=reverse("enforcement:admonitions"),
        allowed=policy.can(request.user, "add_admonition"),
        run=lambda form: services.create_admonition(actor=request.user, department=form.cleaned_data["department"],
                                                    data=form.service_data(), files=form.cleaned_data["files"] or []),
        done=lambda a: reverse("enforcement:admonition", args=[a.pk]))


@login_required
def admonition_detail(request, pk: int):
    adm = scoped_object_or_404(request, Admonition.objects.select_related("department", "enterprise",
                                                                         "target_region", "case"),
                               include_voided=True, pk=pk)
    return render(request, "enforcement/cases/admonition_detail.html", {
        "crumbs": crumbs((_("Summons, circulars and exposure"), reverse("enforcement:admonitions")), (adm.title, "")),
        "adm": adm, "files": list(attachments_for(adm).order_by("id")),
        "buttons": buttons(ADMONITION_MACHINE, request.user, adm,
                           lambda a: reverse("enforcement:admonition_step", args=[pk, a]), primary=("issue",)),
        "events": timeline(adm)})


ADMONITION_STEPS = {
    "issue": _s(f.ConfirmStepForm, pgettext_lazy("admonition", "Issue"),
                lambda o, u, d, v: services.issue_admonition(o, actor=u, version=v)),
    "void": _s(f.ReasonStepForm, pgettext_lazy("enforcement", "Void"),
               lambda o, u, d, v: services.void_admonition(o, actor=u, reason=d["reason"], version=v), "danger"),
}


@login_required
@require_http_methods(["GET", "POST"])
def admonition_step(request, pk: int, action: str):
    adm = scoped_object_or_404(request, Admonition, pk=pk)
    back = reverse("enforcement:admonition", args=[pk])
    return step_page(request, adm, action, ADMONITION_STEPS, ADMONITION_MACHINE, back=back,
                     done=reverse("enforcement:admonitions") if action == "void" else back)

