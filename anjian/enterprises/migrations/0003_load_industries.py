"""Reference data: the industry taxonomy, loaded by `anjian migrate` so a fresh database is usable."""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.enterprises.data.industries import INDUSTRIES

    Industry = apps.get_model("enterprises", "Industry")
    by_code = {}
    for sort, (code, name, name_en, high_risk) in enumerate(INDUSTRIES):
        parent = by_code.get(code[:-2]) if len(code) > 2 else None
        obj, _ = Industry.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "high_risk": high_risk, "parent": parent,
                                 "sort": sort}
        )
        by_code[code] = obj


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
