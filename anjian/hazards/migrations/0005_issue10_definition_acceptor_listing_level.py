
import django.db.models.deletion
from django.conf import settings
"""Issue #10: a major grade by the general definition (condition, justification, confirmation),
who submitted the rectification (the acceptance is someone else's), and province-level listings.

The hazards waiting for acceptance get their rectifier from the "rectification_submitted" event
(the others are past the acceptance, so the rule no longer concerns them)."""

from django.db import migrations, models

CHUNK = 2000


def drop_postgresql_only_index_on_sqlite(apps, schema_editor):
    """SQLite adds a column with a foreign key by rebuilding the table, and rebuilds its indexes
    from the model state, hz_stats_idx included; that index is PostgreSQL-only (0004,
    AddIndexOnPostgreSQL: an expression SQLite can evaluate only through Django), so it goes again."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS hz_stats_idx")


def backfill_rectified_by(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Event = apps.get_model("core", "Event")
    Hazard = apps.get_model("hazards", "Hazard")
    ct = ContentType.objects.filter(app_label="hazards", model="hazard").first()
    if ct is None:
        return
    ids = list(Hazard.objects.filter(state="rectified", rectified_by__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = [str(pk) for pk in ids[start:start + CHUNK]]
        last = {}
        for object_id, actor_id in (Event.objects.filter(content_type=ct, object_id__in=chunk,
                                                         action="rectification_submitted")
                                    .order_by("at", "id").values_list("object_id", "actor_id")):
            last[object_id] = actor_id  # the latest submission wins
        for object_id, actor_id in last.items():
            if actor_id is not None:
                Hazard.objects.filter(pk=int(object_id)).update(rectified_by_id=actor_id)


class Migration(migrations.Migration):

    dependencies = [
        ('hazards', '0004_ledger_and_statistics_indexes'),
        ('core', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='hazard',
            name='definition_condition',
            field=models.CharField(blank=True, choices=[('hard_to_rectify', 'Hard to rectify: production must be suspended in whole or in part, and it takes time to remove'), ('external_factors', 'External factors: the enterprise cannot remove it by itself')], max_length=24, verbose_name='condition of the general definition'),
        ),
        migrations.AddField(
            model_name='hazard',
            name='definition_justification',
            field=models.TextField(blank=True, verbose_name='why the general definition is met'),
        ),
        migrations.AddField(
            model_name='hazard',
            name='major_confirmation',
            field=models.CharField(blank=True, choices=[('pending', "Awaiting the regulator's confirmation"), ('confirmed', 'Confirmed by the regulator')], editable=False, max_length=16, verbose_name='confirmation of the major grade'),
        ),
        migrations.AddField(
            model_name='hazard',
            name='major_confirmed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='major grade confirmed at'),
        ),
        migrations.AddField(
            model_name='hazard',
            name='major_confirmed_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='major grade confirmed by'),
        ),
        migrations.AddField(
            model_name='hazard',
            name='rectified_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='rectification submitted by'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='definition_condition',
            field=models.CharField(blank=True, choices=[('hard_to_rectify', 'Hard to rectify: production must be suspended in whole or in part, and it takes time to remove'), ('external_factors', 'External factors: the enterprise cannot remove it by itself')], max_length=24, verbose_name='condition of the general definition'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='definition_justification',
            field=models.TextField(blank=True, verbose_name='why the general definition is met'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='major_confirmation',
            field=models.CharField(blank=True, choices=[('pending', "Awaiting the regulator's confirmation"), ('confirmed', 'Confirmed by the regulator')], editable=False, max_length=16, verbose_name='confirmation of the major grade'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='major_confirmed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='major grade confirmed at'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='major_confirmed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='major grade confirmed by'),
        ),
        migrations.AddField(
            model_name='historicalhazard',
            name='rectified_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='rectification submitted by'),
        ),
        migrations.AlterField(
            model_name='historicallistedsupervision',
            name='level',
            field=models.CharField(choices=[('province', 'Province level'), ('city', 'City level'), ('county', 'County level'), ('township', 'Township level')], max_length=16, verbose_name='level'),
        ),
        migrations.AlterField(
            model_name='listedsupervision',
            name='level',
            field=models.CharField(choices=[('province', 'Province level'), ('city', 'City level'), ('county', 'County level'), ('township', 'Township level')], max_length=16, verbose_name='level'),
        ),
        migrations.RunPython(drop_postgresql_only_index_on_sqlite, migrations.RunPython.noop),
        migrations.RunPython(backfill_rectified_by, migrations.RunPython.noop),
    ]
