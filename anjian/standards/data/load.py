"""Loading the shipped criteria catalogue and starter checklists into the database, shared by
the data migrations and ``reference.ensure`` (after a transactional test's flush).

Works on the historical models of any migration state (``apps``): a field a model does not
have yet at that state is simply not set, so the same code serves the first load
(0003_load_reference_data) and later reloads (0008_load_criteria_items).

Idempotent, keyed by code: re-running refreshes the shipped rows and leaves rows that
administrators added alone.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import FieldDoesNotExist

DOCUMENT_FIELDS = ("title", "document_number", "issuer", "certainty", "source_note", "provenance", "cross_industry",
                   "items_complete")
CRITERION_FIELDS = ("section", "item_no", "article", "text", "is_confirmed", "is_active")


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _fields(model, names) -> list[str]:
    """The names among ``names`` that ``model`` (at this migration state) has."""
    out = []
    for name in names:
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        out.append(name)
    return out


def load_criteria(apps) -> dict:
    """Create or refresh every shipped criteria document and criterion; returns {code: criterion}."""
    from .criteria import DOCUMENTS

    Industry = apps.get_model("enterprises", "Industry")
    CriteriaDocument = apps.get_model("standards", "CriteriaDocument")
    MajorHazardCriterion = apps.get_model("standards", "MajorHazardCriterion")
    industries = {i.code: i for i in Industry.objects.all()}
    document_fields = _fields(CriteriaDocument, DOCUMENT_FIELDS)
    criterion_fields = _fields(MajorHazardCriterion, CRITERION_FIELDS)

    documents, criteria = {}, {}
    for spec in DOCUMENTS:
        defaults = {name: spec[name] for name in document_fields}
        defaults.update(effective_from=_date(spec["effective_from"]), effective_to=_date(spec["effective_to"]))
        document, _ = CriteriaDocument.objects.update_or_create(code=spec["code"], defaults=defaults)
        document.industries.set([industries[code] for code in spec["industries"]])
        documents[spec["code"]] = document
        for sort, spec_item in enumerate(spec["criteria"], start=1):
            defaults = {name: spec_item[name] for name in criterion_fields}
            defaults.update(document=document, sort=sort * 10,
                            industry=industries[spec_item["industry"]] if spec_item["industry"] else None)
            criteria[spec_item["code"]], _ = MajorHazardCriterion.objects.update_or_create(
                code=spec_item["code"], defaults=defaults)
    if _fields(CriteriaDocument, ["superseded_by"]):
        for spec in DOCUMENTS:
            successor = documents.get(spec["superseded_by"]) if spec["superseded_by"] else None
            CriteriaDocument.objects.filter(pk=documents[spec["code"]].pk).update(superseded_by=successor)
    return criteria


def create_starter_checklists(apps, criteria: dict) -> None:
    """Create the starter checklists that have no version yet (an administrator's revisions are
    never overwritten)."""
    from .checklists import CHECKLISTS, SOURCE_NOTE

    Industry = apps.get_model("enterprises", "Industry")
    Checklist = apps.get_model("standards", "Checklist")
    CheckItem = apps.get_model("standards", "CheckItem")
    industries = {i.code: i for i in Industry.objects.all()}
    for spec in CHECKLISTS:
        if Checklist.objects.filter(code=spec["code"]).exists():
            continue
        checklist = Checklist.objects.create(
            code=spec["code"], version="1", name=spec["name"], description=spec["description"],
            industry=industries[spec["industry"]] if spec["industry"] else None, source_note=SOURCE_NOTE,
        )
        CheckItem.objects.bulk_create([
            CheckItem(checklist=checklist, item_no=str(n), content=content, basis=basis, hazard_factor=factor,
                      is_major_criterion=criterion is not None,
                      criterion=criteria[criterion] if criterion else None, sort=n * 10)
            for n, (content, basis, factor, criterion) in enumerate(spec["items"], start=1)
        ])


def refresh_starter_checklists(apps, criteria: dict) -> None:
    """Bring the shipped version 1 of each starter checklist in line with the starter data:
    link its items to their criteria (an item is major exactly when it names one), reword the
    items in ``RENAMED_ITEMS`` and append the items that are new.

    Only rows still as shipped are touched: items are found by their shipped content, so an
    item an administrator reworded is left alone, and a checklist whose version 1 was
    deactivated or which has no version 1 is skipped."""
    from .checklists import CHECKLISTS, RENAMED_ITEMS

    Checklist = apps.get_model("standards", "Checklist")
    CheckItem = apps.get_model("standards", "CheckItem")
    old_content = {new: old for old, new in RENAMED_ITEMS.items()}
    for spec in CHECKLISTS:
        checklist = Checklist.objects.filter(code=spec["code"], version="1", enterprise__isnull=True,
                                             is_active=True).first()
        if checklist is None:
            continue
        items = {i.content: i for i in CheckItem.objects.filter(checklist=checklist)}
        last = max((i.sort for i in items.values()), default=0)
        numbers = [int(i.item_no) for i in items.values() if i.item_no.isdigit()]
        next_no = max(numbers, default=0)
        for content, basis, factor, code in spec["items"]:
            criterion = criteria[code] if code else None
            found = items.get(content) or items.get(old_content.get(content, ""))
            if found is None:
                last += 10
                next_no += 1
                CheckItem.objects.create(checklist=checklist, item_no=str(next_no), content=content, basis=basis,
                                         hazard_factor=factor, is_major_criterion=criterion is not None,
                                         criterion=criterion, sort=last)
                continue
            if code is None and found.content == content:
                continue  # not a criterion item: an administrator's own link, if any, stays
            found.content = content
            found.criterion = criterion
            found.is_major_criterion = criterion is not None
            if code:
                found.basis = basis
            found.save(update_fields=["content", "criterion", "is_major_criterion", "basis"])
