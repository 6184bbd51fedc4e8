"""Load the criteria documents added to the catalogue after 0008: 城镇燃气经营安全重大隐患判定标准
(建城规〔2023〕4号, the items found so far, unconfirmed) and 重大电力安全隐患判定标准（试行）
(国能综通安全〔2022〕123号, its items not yet found), and link the city-gas starter checklist's
items to the gas criteria they mirror. Same idempotent load as 0008: rows are refreshed by code."""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.standards.data.load import load_criteria, refresh_starter_checklists

    refresh_starter_checklists(apps, load_criteria(apps))


class Migration(migrations.Migration):
    dependencies = [("standards", "0008_load_criteria_items")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
