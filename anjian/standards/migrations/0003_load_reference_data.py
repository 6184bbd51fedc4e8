"""Reference data: the national major-hazard criteria catalogue and the starter checklists,
loaded by `anjian migrate` so a fresh database has them (administrators edit them later).

Idempotent (keyed by code): re-running it refreshes the shipped rows and leaves rows that
administrators added alone. A checklist that already has any version is not touched, so an
administrator's revisions are never overwritten by the starter data.
"""

import datetime

from django.db import migrations


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def load(apps, schema_editor):
    from anjian.standards.data.checklists import CHECKLISTS, SOURCE_NOTE
    from anjian.standards.data.criteria import DOCUMENTS

    Industry = apps.get_model("enterprises", "Industry")
    CriteriaDocument = apps.get_model("standards", "CriteriaDocument")
    MajorHazardCriterion = apps.get_model("standards", "MajorHazardCriterion")
    Checklist = apps.get_model("standards", "Checklist")
    CheckItem = apps.get_model("standards", "CheckItem")
    industries = {i.code: i for i in Industry.objects.all()}

    criteria = {}
    for doc in DOCUMENTS:
        document, _ = CriteriaDocument.objects.update_or_create(code=doc["code"], defaults={
            "title": doc["title"], "document_number": doc["document_number"], "issuer": doc["issuer"],
            "effective_from": _date(doc["effective_from"]), "effective_to": _date(doc["effective_to"]),
            "certainty": doc["certainty"], "source_note": doc["source_note"],
        })
        document.industries.set([industries[code] for code in doc["industries"]])
        for sort, (code, section, item_no, text, confirmed, industry) in enumerate(doc["criteria"], start=1):
            criteria[code], _ = MajorHazardCriterion.objects.update_or_create(code=code, defaults={
                "document": document, "section": section, "item_no": item_no, "text": text,
                "is_confirmed": confirmed, "industry": industries[industry] if industry else None, "sort": sort * 10,
            })

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


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_load_industries"),
        ("standards", "0002_criterion_industry_certainty"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
