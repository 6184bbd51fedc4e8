from django.db import migrations


def load(apps, schema_editor):
    from anjian.enforcement.data.reference import load as load_reference

    load_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0002_plans")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
