# The enterprise list's two indexes gain is_voided before id: scoping always filters
# is_voided = false, so COUNT(*) and the page of ids can be answered from the index alone
# (see bench/README.md, "Findings": 125 ms → 2–3 ms for a county's COUNT at 1M rows).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("enterprises", "0003_load_industries"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="enterprise", name="ent_path_idx"),
        migrations.RemoveIndex(model_name="enterprise", name="ent_industry_path_idx"),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(fields=["region_path", "is_voided", "id"], name="ent_path_idx"),
        ),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(fields=["industry", "region_path", "is_voided", "id"], name="ent_industry_path_idx"),
        ),
    ]
