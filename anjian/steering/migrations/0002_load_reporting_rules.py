"""Load the reporting cadences with their sources (data/reporting_rules.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.steering.data.reporting_rules import load as load_rules

    load_rules(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("steering", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
