"""Load the accident-type lists (GB 6441-1986/2025) and the GB/T 13861 hazard-factor classes."""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.standards.data.classifications import load as load_classifications

    load_classifications(apps)


class Migration(migrations.Migration):
    dependencies = [("standards", "0004_accident_types_hazard_factor_classes")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
