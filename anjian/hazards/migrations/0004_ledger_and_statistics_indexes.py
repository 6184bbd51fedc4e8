# Indexes of the hazard ledger at province scale (bench/README.md, "Hazard ledger at 10,000,000
# hazards"): deduplicated COUNT indexes for the ledger, a covering index for the statistics, and no
# single-column indexes that a composite index already answers (is_voided, enterprise, industry, grid).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from anjian.core.migration_ops import AddIndexOnPostgreSQL


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0004_list_indexes_with_is_voided'),
        ('hazards', '0003_enterpriseapikey'),
        ('regions', '0001_initial'),
        ('standards', '0003_load_reference_data'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='hazard',
            name='enterprise',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='hazards', to='enterprises.enterprise', verbose_name='enterprise'),
        ),
        migrations.AlterField(
            model_name='hazard',
            name='grid',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.grid', verbose_name='grid'),
        ),
        migrations.AlterField(
            model_name='hazard',
            name='industry',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.industry', verbose_name='industry'),
        ),
        migrations.AlterField(
            model_name='hazard',
            name='is_voided',
            field=models.BooleanField(default=False, verbose_name='voided'),
        ),
        migrations.AlterField(
            model_name='historicalhazard',
            name='is_voided',
            field=models.BooleanField(default=False, verbose_name='voided'),
        ),
        migrations.AddIndex(
            model_name='hazard',
            index=models.Index(condition=models.Q(('is_voided', False)), fields=['state', 'grade', 'region_path'], name='hz_count_idx'),
        ),
        migrations.AddIndex(
            model_name='hazard',
            index=models.Index(condition=models.Q(('is_voided', False)), fields=['region_path', 'state', 'grade'], name='hz_region_count_idx'),
        ),
        AddIndexOnPostgreSQL(
            model_name='hazard',
            index=models.Index(models.F('region_path'), models.F('state'), models.F('grade'), models.ExpressionWrapper(models.Q(('rectified_at__date__lte', models.F('deadline'))), output_field=models.BooleanField()), condition=models.Q(('is_voided', False)), include=('deadline', 'rectified_at', 'id'), name='hz_stats_idx'),
        ),
    ]
