# The covering index of the accident statistics (bench/README.md, "Accident statistics at
# 200,000 accidents"), on PostgreSQL only.

from django.db import migrations, models

from anjian.core.migration_ops import AddIndexOnPostgreSQL


class Migration(migrations.Migration):

    dependencies = [
        ("accidents", "0005_investigation_approval_deadline"),
    ]

    operations = [
        AddIndexOnPostgreSQL(
            model_name="accident",
            index=models.Index(condition=models.Q(("is_voided", False)), fields=["occurred_at", "region_path"],
                               include=["deaths", "missing", "serious_injuries", "minor_injuries",
                                        "direct_loss_yuan", "category", "grade", "industry", "accident_type"],
                               name="acc_stats_idx"),
        ),
    ]
