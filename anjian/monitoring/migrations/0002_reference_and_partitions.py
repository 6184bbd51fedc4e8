"""Load the reference data (required sensor kinds, monitoring parameters) and, on PostgreSQL, make
the readings table partitioned by month with partitions around today (monitoring/partitions.py).

The readings table was just created empty by 0001, so on PostgreSQL it is dropped and created
again as a partitioned table with the same columns, key and foreign key (the migration state is
0001's: Django sees the same model)."""

from django.db import migrations

from anjian.monitoring.data.parameters import DEFAULTS
from anjian.monitoring.data.requirements import REQUIREMENTS, SOURCE


def load(apps, schema_editor):
    Requirement = apps.get_model("monitoring", "SensorRequirement")
    Parameter = apps.get_model("monitoring", "MonitoringParameter")
    for facility_type, kind, article, confirmed, note in REQUIREMENTS:
        Requirement.objects.get_or_create(facility_type=facility_type, kind=kind, defaults={
            "source_document": SOURCE, "article": article, "confirmed": confirmed, "note": note})
    for code, spec in DEFAULTS.items():
        Parameter.objects.get_or_create(code=code, defaults=dict(spec))


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from anjian.monitoring.partitions import ensure_partitions

    schema_editor.execute("DROP TABLE monitoring_reading")
    schema_editor.execute(
        "CREATE TABLE monitoring_reading ("
        " sensor_id bigint NOT NULL REFERENCES monitoring_sensor (id) DEFERRABLE INITIALLY DEFERRED,"
        " ts timestamp with time zone NOT NULL,"
        " value double precision NOT NULL,"
        " PRIMARY KEY (sensor_id, ts)"
        ") PARTITION BY RANGE (ts)")
    ensure_partitions(schema_editor=schema_editor, back=3)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(partition, migrations.RunPython.noop),
    ]
