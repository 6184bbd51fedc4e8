"""Load the 条例 Art. 3 grading thresholds (anjian/accidents/data/thresholds.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.accidents.data.thresholds import load as load_thresholds

    load_thresholds(apps)


class Migration(migrations.Migration):
    dependencies = [("accidents", "0002_grading_reporting_investigation")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
