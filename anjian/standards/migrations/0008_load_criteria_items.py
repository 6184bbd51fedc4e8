"""Load the full criteria catalogue (issue #10): the items of every document in force, the
documents that replaced older ones (with the old ones closed), the new fields (article,
provenance, cross-industry, items complete, superseded by), and the starter checklists'
links from their items to the criteria they mirror.

Existing rows are refreshed by code, so hazards that cite a criterion keep pointing at the
same row: criteria an earlier release shipped that match no official item are deactivated,
never deleted. Only the shipped version 1 of a starter checklist is brought in line, and
only its items whose content is still as shipped (see data.load.refresh_starter_checklists).
"""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.standards.data.load import load_criteria, refresh_starter_checklists

    refresh_starter_checklists(apps, load_criteria(apps))


class Migration(migrations.Migration):
    dependencies = [("standards", "0007_criteria_provenance_cross_industry")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
