from django.db import migrations


def load(apps, schema_editor):
    from anjian.obligations.data.licence_kinds import load as load_kinds

    load_kinds(apps)


class Migration(migrations.Migration):
    dependencies = [("obligations", "0001_initial"), ("enterprises", "0008_versioned_enterprise")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
