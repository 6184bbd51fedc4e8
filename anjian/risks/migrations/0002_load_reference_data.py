"""The evaluation profiles (LEC V1–V3, LS-A, LS-B), the L/E/C/S value tables, the major-source
grade rule and the example supervision frequencies (anjian/risks/data/reference.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.risks.data.reference import load as load_reference

    load_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
