"""Pages of the major hazard source registry: the registry (list, filters, export), one source
(substances and its evaluation explained, responsible persons, checks, history), the forms, the
calculator and the reference tables. Reads go through ``for_user``; writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.events import event_label, event_state_labels
from anjian.core.exports import export_response
from anjian.core.history import history_rows
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.services import ConflictError, events_for
from anjian.core.workflow import available_steps

from . import services
from .calculation import EvaluationError, current_table, evaluate, parse_substances
from .choices import SOURCE_MACHINE, MajorGrade, PersonRole
from .events import EVALUATION_REASONS, SOURCE_EVALUATED
from .exports import export_filename, export_registry
from .forms import (
    CalculatorForm,
    CalculatorRows,
    CheckForm,
    PersonForm,
    RegistryFilter,
    SourceForm,
    SubstanceForm,
    TransitionForm,
    VoidForm,
)
from .models import CriticalQuantityTable, MajorHazardSource, SourceEvaluation
from .policy import policy

PAGE_SIZE = 30


def _crumbs(*extra):
    return [(_("Major hazard sources"), reverse("majorhazards:list")), *extra]


def _sources(user):
    return scoped_list(user, MajorHazardSource)


def _can_add(user) -> bool:
    return user.has_perm("majorhazards.add_majorhazardsource")


# --- the registry ------------------------------------------------------------------------------

@login_required
def source_list(request):
    """重大危险源台账: the sources in the user's jurisdiction with grade, chemicals and persons."""
    user = request.user
    filterset = RegistryFilter(request.GET or None, queryset=_sources(user).select_related(
        "enterprise__region", "industry"), user=user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    counts = qs.order_by().aggregate(total=Count("id"), major=Count("id", filter=Q(is_major=True)),
                                     **{f"g{g}": Count("id", filter=Q(grade=g, is_major=True)) for g in (1, 2, 3, 4)})
    # Gravest first: major sources by grade (1 first), then the rest by S.
    order = (F("grade").asc(nulls_last=True), "-s_value", "-id") if request.GET.get("sort") != "new" else ("-id",)
    page_obj = Paginator(qs.order_by(*order), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    ids = [s.pk for s in rows]
    from .models import ResponsiblePerson, SourceSubstance

    chems: dict[int, list[str]] = {}
    for sid, name in (SourceSubstance.objects.filter(source_id__in=ids, is_voided=False).order_by("id")
                      .values_list("source_id", "name")):
        chems.setdefault(sid, []).append(name)
    persons: dict[int, set] = {}
    for sid, role in ResponsiblePerson.objects.filter(source_id__in=ids, ended_on__isnull=True).values_list(
            "source_id", "role"):
        persons.setdefault(sid, set()).add(role)
    for s in rows:
        s.chemical_names = chems.get(s.pk, [])
        s.persons_complete = len(persons.get(s.pk, ())) == len(PersonRole.values)
    return render(request, "majorhazards/list.html", {
        "filter": filterset, "form": filterset.form, "page_obj": page_obj, "rows": rows, "counts": counts,
        "can_add": _can_add(user), "crumbs": _crumbs(),
    })


@login_required
@require_GET
def export_xlsx(request):
    return export_response(lambda: export_registry(request.user, request.GET), export_filename())


# --- one source ------------------------------------------------------------------------------

def _scoped(user, pk: int) -> MajorHazardSource:
    return scoped_object_or_404(user, MajorHazardSource.objects.select_related("enterprise__region", "industry", "grid"),
                                pk=pk)


def explain(evaluation: SourceEvaluation | None) -> list[str]:
    """How the grade came out, in sentences (shown under the substances table)."""
    if evaluation is None:
        return []
    lines = [_("S = Σ q/Q = %(s)s.") % {"s": _num(evaluation.s_value)}]
    if not evaluation.is_major:
        lines.append(_("S < 1: the unit is not a major hazard source, so it has no grade (R = %(r)s is shown "
                       "for reference only).") % {"r": _num(evaluation.r_value)})
        return lines
    pop = evaluation.inputs.get("population_500m")
    lines.append(_("S ≥ 1: the unit is a major hazard source."))
    lines.append(_("%(pop)s residents within 500 m give α = %(alpha)s (Table 5).")
                 % {"pop": pop, "alpha": _num(evaluation.alpha)})
    lines.append(_("R = α × Σ β·q/Q = %(r)s, which is grade %(grade)s (Table 6: R ≥ 100 grade 1; 50 ≤ R < 100 "
                   "grade 2; 10 ≤ R < 50 grade 3; R < 10 grade 4).") % {"r": _num(evaluation.r_value),
                                                                         "grade": evaluation.grade})
    if any(i.get("beta_source") == "table4_default" for i in evaluation.items):
        lines.append(_("β marked “derived” comes from a default hazard class we assigned to the Table 1 chemical; "
                       "the standard gives none. Enter the hazard class on the substance to override it."))
    return lines


def _num(value) -> str:
    text = f"{value:f}" if not isinstance(value, float) else repr(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _timeline(source: MajorHazardSource, limit: int = 100) -> list[dict]:
    """The source's events in words: the action's and the states' labels, and the details a
    reader needs (the new S and R of an evaluation and why it ran, the person or chemical)."""
    roles = dict(PersonRole.choices)
    rows = []
    for event in events_for(source)[:limit]:
        data = event.data or {}
        from_state, to_state = event_state_labels(event)
        details = []
        comment = event.comment
        if event.action == SOURCE_EVALUATED:
            if comment in EVALUATION_REASONS:
                comment = str(EVALUATION_REASONS[comment])
            if data.get("S") is not None:
                details.append(f"S = {_num(data['S'])}，R = {_num(data['R'])}")
        if data.get("role") in roles:
            details.append(str(roles[data["role"]]))
        if data.get("name"):
            details.append(data["name"])
        rows.append({"at": event.at, "actor": event.actor, "label": event_label(event.action, "majorhazards"),
                     "from_state": from_state, "to_state": to_state, "comment": comment, "details": details})
    return rows


def _history(source: MajorHazardSource) -> list:
    """Field history rows; core names each change by its step (the source machine's labels)."""
    return history_rows(source)


@login_required
def source_detail(request, pk: int):
    user = request.user
    source = _scoped(user, pk)
    evaluation = source.evaluations.select_related("table", "evaluated_by").first()
    substances = {s.pk: s for s in source.substances.filter(is_voided=False).select_related("chemical")}
    items = []
    if evaluation is not None:
        ids = [s.get("id") for s in evaluation.inputs.get("substances", [])]
        for sub_id, item in zip(ids, evaluation.items, strict=False):
            items.append({**item, "substance": substances.get(sub_id)})
    persons = list(source.persons.select_related("user").order_by("role", "-appointed_on", "-id"))
    current = {p.role: p for p in persons if p.ended_on is None}
    can_manage = policy.can(user, "update", source)
    # The state buttons: the machine's steps possible now that the policy allows (target, label).
    transitions = [(SOURCE_MACHINE[a].target, SOURCE_MACHINE[a].label)
                   for a in available_steps(SOURCE_MACHINE, policy, user, source)]
    return render(request, "majorhazards/detail.html", {
        "source": source, "evaluation": evaluation, "items": items, "explanation": explain(evaluation),
        "persons": persons, "roles": [(r, label, current.get(r)) for r, label in PersonRole.choices],
        "checks": source.checks.filter(is_voided=False).select_related("person").prefetch_related("hazards")[:50],
        "evaluations": source.evaluations.select_related("table")[:20],
        "events": _timeline(source), "history": _history(source),
        "can_manage": can_manage, "transitions": transitions,
        "substance_form": SubstanceForm(), "person_form": PersonForm(), "check_form": CheckForm(),
        "crumbs": _crumbs((source.number, "")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def source_create(request):
    if not _can_add(request.user):
        raise PermissionDenied
    form = SourceForm(request.POST or None, user=request.user)
    done = submit(
        request, form,
        lambda data: services.create_source(actor=request.user, enterprise=data["enterprise"],
                                            data=form.service_data()),
        success=lambda source: _("Major hazard source %(number)s registered; now add its chemicals.")
        % {"number": source.number},
        then=lambda source: reverse("majorhazards:detail", args=[source.pk]))
    return done or form_page(request, "majorhazards/form.html",
                             {"form": form, "crumbs": _crumbs((_("Register"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request, pk: int):
    source = _scoped(request.user, pk)
    if not policy.can(request.user, "update", source):
        raise PermissionDenied
    form = SourceForm(request.POST or None, instance=source, user=request.user)
    done = submit(
        request, form,
        lambda data: services.update_source(source, actor=request.user, data=form.service_data(),
                                            version=request.POST.get("version") or None),
        success=_("Saved."),
        then=reverse("majorhazards:detail", args=[source.pk]))
    return done or form_page(request, "majorhazards/form.html", {
        "form": form, "source": source, "crumbs": _crumbs((source.number, reverse("majorhazards:detail",
                                                                                  args=[source.pk])),
                                                          (_("Edit"), ""))})


def _error_text(exc: Exception) -> str:
    """What a refused step tells the user: the conflict, the errors, or that they may not."""
    if isinstance(exc, ConflictError):
        return exc.message
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else _("You may not do this.")


def _act(request, pk: int, do) -> HttpResponse:
    """Run one POSTed step on a source; errors come back as messages on the detail page."""
    source = _scoped(request.user, pk)
    try:
        message = do(source)
    except (ValidationError, PermissionDenied, ConflictError) as exc:
        messages.error(request, _error_text(exc))
    else:
        if message:
            messages.success(request, message)
    return redirect("majorhazards:detail", pk=pk)


def _form_errors(form) -> ValidationError:
    return ValidationError([f"{form.fields[k].label if k in form.fields else ''}: {m}".lstrip(": ")
                            for k, errs in form.errors.items() for m in errs])


@login_required
@require_POST
def substance_add(request, pk: int):
    def do(source):
        form = SubstanceForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        services.add_substance(source, actor=request.user, data=form.cleaned_data)
        return _("Substance added; the source was evaluated again.")
    return _act(request, pk, do)


@login_required
@require_POST
def substance_void(request, pk: int, sub_pk: int):
    def do(source):
        sub = get_object_or_404(source.substances.filter(is_voided=False), pk=sub_pk)
        services.void_substance(sub, actor=request.user, reason=request.POST.get("reason", "") or _("Removed"))
        return _("Substance removed; the source was evaluated again.")
    return _act(request, pk, do)


@login_required
@require_POST
def person_appoint(request, pk: int):
    def do(source):
        form = PersonForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        services.appoint_person(source, actor=request.user, data=form.cleaned_data)
        return _("Responsible person appointed.")
    return _act(request, pk, do)


@login_required
@require_POST
def check_add(request, pk: int):
    def do(source):
        form = CheckForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        services.record_check(source, actor=request.user, data=form.cleaned_data)
        return _("Check recorded.")
    return _act(request, pk, do)


@login_required
@require_POST
def transition(request, pk: int):
    def do(source):
        form = TransitionForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        services.change_state(source, actor=request.user, to_state=form.cleaned_data["to_state"],
                              comment=form.cleaned_data["comment"], version=form.cleaned_data.get("version"))
        return _("State changed.")
    return _act(request, pk, do)


@login_required
@require_POST
def void(request, pk: int):
    source = _scoped(request.user, pk)
    form = VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        services.void_source(source, actor=request.user, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied, ConflictError) as exc:
        messages.error(request, _error_text(exc))
        return redirect("majorhazards:detail", pk=pk)
    messages.success(request, _("Voided."))
    return redirect("majorhazards:list")


# --- calculator and tables ----------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def calculator(request):
    """重大危险源辨识与分级计算器: anyone logged in; nothing is stored."""
    form = CalculatorForm(request.POST or None)
    rows = CalculatorRows(request.POST or None, prefix="s")
    result, errors = None, []
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        subs = [r.as_substance() for r in rows.forms]
        numbered = [(i, s) for i, s in enumerate(subs) if s is not None]
        try:
            if not numbered:
                raise EvaluationError({"substances": [_("Give a non-empty list of substances.")]})
            result = evaluate(form.cleaned_data["population_500m"],
                              parse_substances([dict(s, quantity_t=s["quantity_t"]) for _i, s in numbered]))
        except EvaluationError as exc:
            for _key, value in exc.errors.items():
                if isinstance(value, dict):
                    for idx, fields in value.items():
                        row = numbered[int(idx)][0] + 1
                        for msgs in fields.values():
                            errors += [_("Row %(row)s: %(msg)s") % {"row": row, "msg": m} for m in msgs]
                else:
                    errors += [str(m) for m in value]
    elif request.method == "POST":
        for i, r in enumerate(rows.forms, start=1):
            for msgs in r.errors.values():
                errors += [_("Row %(row)s: %(msg)s") % {"row": i, "msg": m} for m in msgs]
    return render(request, "majorhazards/calculator.html", {
        "form": form, "rows": rows, "result": result, "errors": errors,
        "items": [i.as_dict() for i in result.items] if result else [],
        "grade_label": MajorGrade(result.grade).label if result and result.grade else "",
        "crumbs": _crumbs((_("Calculator"), "")),
    }, status=400 if errors else 200)


@login_required
def tables(request):
    """The GB 18218 reference tables: the current version (or ?version=id), read-only here; an
    administrator edits them (and makes new versions) in the admin."""
    versions = list(CriticalQuantityTable.objects.order_by("code", "-version"))
    chosen = request.GET.get("version", "")
    table = next((t for t in versions if str(t.pk) == chosen), None) or next(
        (t for t in versions if t.is_current), None)
    if table is None:
        current_table()  # raises: no table loaded
    return render(request, "majorhazards/tables.html", {
        "table": table, "versions": versions,
        "chemicals": table.chemicals.order_by("seq"), "classes": table.classes.order_by("sort", "symbol"),
        "alpha_bands": table.alpha_bands.order_by("min_population"), "grade_bands": table.grade_bands.order_by("grade"),
        "is_admin": getattr(request.user, "is_system_admin", False) or request.user.is_superuser,
        "crumbs": _crumbs((_("Reference tables"), "")),
    })
