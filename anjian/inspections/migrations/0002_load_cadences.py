"""The four self-inspection cadences of the dual prevention mechanism (班组日查、车间周查、厂矿月查、
公司季查). Reference data: administrators may edit them or add others; this only creates the
rows that are missing, so running it again changes nothing an administrator set."""

from django.db import migrations

CADENCES = [
    # code, name, English name, unit, every, sort
    ("team_daily", "班组日查", "Team daily inspection", "day", 1, 10),
    ("workshop_weekly", "车间周查", "Workshop weekly inspection", "week", 1, 20),
    ("plant_monthly", "厂矿月查", "Plant monthly inspection", "month", 1, 30),
    ("company_quarterly", "公司季查", "Company quarterly inspection", "quarter", 1, 40),
]


def load(apps, schema_editor):
    Cadence = apps.get_model("inspections", "InspectionCadence")
    for code, name, name_en, unit, every, sort in CADENCES:
        Cadence.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "unit": unit,
                                                           "every": every, "sort": sort})


def unload(apps, schema_editor):
    Cadence = apps.get_model("inspections", "InspectionCadence")
    Cadence.objects.filter(code__in=[c[0] for c in CADENCES], duties__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
