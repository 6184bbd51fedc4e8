"""Loads the GB 18218-2018 tables (version 1, current) — see anjian/majorhazards/data/."""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.majorhazards.data.loader import load as load_tables

    load_tables(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("majorhazards", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
