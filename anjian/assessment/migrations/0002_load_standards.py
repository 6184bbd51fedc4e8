"""The default targets of the indicators (data/standards.py), each with its basis and certainty."""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.assessment.data.standards import load as load_standards

    load_standards(apps.get_model("assessment", "IndicatorStandard"))


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
