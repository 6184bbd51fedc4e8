"""Reference data: the national major-hazard criteria catalogue and the starter checklists,
loaded by `anjian migrate` so a fresh database has them (administrators edit them later).

Idempotent (keyed by code): re-running it refreshes the shipped rows and leaves rows that
administrators added alone. A checklist that already has any version is not touched, so an
administrator's revisions are never overwritten by the starter data.
"""

from django.db import migrations


def load(apps, schema_editor):
    # The loader sets only the fields these historical models have; 0008_load_criteria_items
    # fills the fields added later (article, provenance, ...).
    from anjian.standards.data.load import create_starter_checklists, load_criteria

    create_starter_checklists(apps, load_criteria(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_load_industries"),
        ("standards", "0002_criterion_industry_certainty"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
