# The Warning and WarningRead models moved to the alerts app (issue #11, layers). Their tables
# stay where they are (alerts declares db_table "core_warning" and "core_warningread"), so this
# removes them from core's state only; alerts.0001_initial takes them over, rows and all.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_verbose_names'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='WarningRead'),
                migrations.DeleteModel(name='Warning'),
            ],
            database_operations=[],
        ),
    ]
