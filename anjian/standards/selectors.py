"""Reads of the standards library shared by the pages, the API and the exports, each in a
fixed number of queries whatever the number of rows (joins and prefetches, no per-row reads).

The library is reference data: every logged-in user reads all of it (no jurisdiction). An
enterprise's own checklists (``Checklist.enterprise`` set, e.g. generated from its risk
control measures) are not part of the library: they are read only through
``own_checklists(user)``, within the user's jurisdiction."""

import datetime

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet

from .models import CheckItem, Checklist, CriteriaDocument, MajorHazardCriterion


def active_items_prefetch() -> Prefetch:
    """A checklist's active items in order, with their criterion (read by ``active_item_list``)."""
    return Prefetch("items", queryset=CheckItem.objects.filter(is_active=True).select_related("criterion")
                    .order_by("sort", "id"), to_attr="prefetched_items")


def library_checklists() -> QuerySet:
    """The public library's checklists (no enterprise), unordered and without joins."""
    return Checklist.objects.filter(enterprise__isnull=True)


def checklists() -> QuerySet:
    """Library checklist versions with their industry, newest code first within a code."""
    return library_checklists().select_related("industry").order_by("code", "-effective_from", "-id")


def own_checklists(user) -> QuerySet:
    """The enterprise-owned checklists ``user`` may read (their jurisdiction), with their
    industry and enterprise."""
    from anjian.core.scoping import scope_of

    return (scope_of(user).apply(Checklist.objects.filter(enterprise__isnull=False))
            .select_related("industry", "enterprise").order_by("code", "-effective_from", "-id"))


def readable_checklists(user) -> QuerySet:
    """Library checklists plus the enterprise-owned ones in ``user``'s jurisdiction (details)."""
    from django.db.models import Q

    from anjian.core.scoping import scope_of

    own = scope_of(user).apply(Checklist.objects.filter(enterprise__isnull=False)).values("pk")
    return (Checklist.objects.filter(Q(enterprise__isnull=True) | Q(pk__in=own))
            .select_related("industry", "enterprise").order_by("code", "-effective_from", "-id"))


def checklists_with_counts() -> QuerySet:
    """Checklists with ``item_count`` and ``major_count`` (active items) for list pages."""
    active = Q(items__is_active=True)
    return checklists().annotate(
        item_count=Count("items", filter=active),
        major_count=Count("items", filter=active & Q(items__is_major_criterion=True)),
    )


def checklists_with_items() -> QuerySet:
    """Checklists with their active items prefetched (two queries for any page)."""
    return checklists().prefetch_related(active_items_prefetch())


def readable_check_items(user) -> QuerySet:
    """Check items of the library and of the enterprise-owned checklists in ``user``'s
    jurisdiction (details)."""
    return CheckItem.objects.filter(checklist__in=readable_checklists(user).values("pk")).select_related(
        "checklist", "criterion").order_by("checklist__code", "checklist_id", "sort", "id")


def criteria_documents() -> QuerySet:
    """Criteria documents with their industries and ``criteria_count`` (active criteria), in
    taxonomy order (by the first industry they apply to), the one in force before the ones
    it replaced. (``distinct``: the industry join must not multiply the count.)"""
    return CriteriaDocument.objects.annotate(
        criteria_count=Count("criteria", filter=Q(criteria__is_active=True), distinct=True),
        first_industry=Min("industries__code"),
    ).prefetch_related("industries").order_by(
        F("first_industry").asc(nulls_last=True), F("effective_to").desc(nulls_first=True), "code")


def criteria() -> QuerySet:
    """Criteria with their document and sub-sector, in catalogue order."""
    return MajorHazardCriterion.objects.select_related("document", "industry").order_by("document__code", "sort",
                                                                                          "id")


def check_items() -> QuerySet:
    """Library check items with their checklist and criterion, in checklist order."""
    return CheckItem.objects.filter(checklist__enterprise__isnull=True).select_related(
        "checklist", "criterion").order_by("checklist__code", "checklist_id",
                                                                              "sort", "id")


def catalogue_selection(values: dict) -> tuple[QuerySet, QuerySet, bool]:
    """The criteria catalogue's (documents, criteria, narrowed) for the filter values of
    ``CriteriaFilterForm.values()`` (industry, document, q, is_confirmed); active rows only.
    ``narrowed`` says a text/certainty filter is on: only documents with a matching criterion
    are meant to be shown then. Shared by the catalogue page and its export."""
    from .filters import CriteriaDocumentFilter, MajorHazardCriterionFilter

    documents = CriteriaDocumentFilter({"industry": values.get("industry", "")},
                                       queryset=criteria_documents()).qs.filter(is_active=True)
    if values.get("document"):
        documents = documents.filter(code=values["document"])
    params = {k: v for k, v in values.items() if k in ("industry", "q")}
    if values.get("is_confirmed") is not None:
        params["is_confirmed"] = "true" if values["is_confirmed"] else "false"
    found = MajorHazardCriterionFilter(params, queryset=criteria()).qs.filter(is_active=True)
    return documents, found, bool(values.get("q") or values.get("is_confirmed") is not None)


def accident_type_scheme_for(day: datetime.date) -> str:
    """The accident-type list in force on ``day``: GB 6441-2025 from 2026-07-01, else 1986."""
    from .data.classifications import GB6441_2025_IN_FORCE
    from .models import AccidentTypeScheme

    if day >= datetime.date.fromisoformat(GB6441_2025_IN_FORCE):
        return AccidentTypeScheme.GB6441_2025
    return AccidentTypeScheme.GB6441_1986


def accident_types_for(day: datetime.date):
    """The active accident types of the list in force on ``day``, in list order."""
    from .models import AccidentType

    return AccidentType.objects.filter(scheme=accident_type_scheme_for(day), is_active=True).order_by("sort", "id")


def criteria_for_industries(industry_codes, on: datetime.date | None = None) -> QuerySet:
    """The active major-hazard criteria in force on ``on`` (today by default) that apply to an
    enterprise of the industries ``industry_codes``, with their document, in catalogue order.

    A criterion applies when its document is active and in force on that day and
    - the document applies to one of the industries, to a parent sector or to a sub-sector of
      one (a fireworks producer, 0401, gets the fireworks document filed under 04; an
      enterprise filed only as 非煤矿山, 02, gets the documents of its sub-sectors), or
    - the document applies across industries (``applies_across_industries``: fire safety,
      special equipment), or names no industry at all (empty means every industry, as for a
      checklist or a criterion's own ``industry``);
    and the criterion is not limited to a sub-sector (``industry``) unrelated to them.

    The same industry relation as the catalogue's industry filter (filters.related_industry_q).
    A coal-mine item is thus never offered to, nor accepted for, a fireworks company."""
    from django.utils import timezone

    from .services import in_force_q, industry_and_ancestor_codes

    on = on or timezone.localdate()
    codes = sorted({str(c).strip() for c in industry_codes if c and str(c).strip()})

    def related(field: str) -> Q:
        q = Q(pk__in=[])
        for code in codes:
            q |= Q(**{f"{field}__code__in": industry_and_ancestor_codes(code)}) | Q(
                **{f"{field}__code__startswith": code})
        return q

    through = CriteriaDocument.industries.through.objects
    documents = CriteriaDocument.objects.filter(in_force_q(on), is_active=True).filter(
        Q(applies_across_industries=True)
        | ~Q(pk__in=through.values("criteriadocument_id"))
        | Q(pk__in=through.filter(related("industry")).values("criteriadocument_id")))
    return (MajorHazardCriterion.objects.filter(is_active=True, document__in=documents.values("pk"))
            .filter(Q(industry__isnull=True) | related("industry"))
            .select_related("document").order_by("document__code", "sort", "id"))
