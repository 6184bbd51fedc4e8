"""Criteria documents that apply across industries (fire safety, special equipment)."""

from django.db import migrations, models


def mark_shipped(apps, schema_editor):
    """The shipped documents that apply across industries (fire safety, special equipment: see
    anjian/standards/data/criteria.py) get the flag; documents administrators added keep False."""
    from anjian.standards.data.criteria import DOCUMENTS

    CriteriaDocument = apps.get_model("standards", "CriteriaDocument")
    codes = [doc["code"] for doc in DOCUMENTS if doc.get("applies_across_industries")]
    CriteriaDocument.objects.filter(code__in=codes).update(applies_across_industries=True)


class Migration(migrations.Migration):

    dependencies = [
        ('standards', '0006_checklist_enterprise'),
    ]

    operations = [
        migrations.AddField(
            model_name='criteriadocument',
            name='applies_across_industries',
            field=models.BooleanField(default=False, help_text='Its criteria apply to enterprises of every industry (e.g. fire safety, special equipment).', verbose_name='applies across industries'),
        ),
        migrations.AddField(
            model_name='historicalcriteriadocument',
            name='applies_across_industries',
            field=models.BooleanField(default=False, help_text='Its criteria apply to enterprises of every industry (e.g. fire safety, special equipment).', verbose_name='applies across industries'),
        ),
        migrations.RunPython(mark_shipped, migrations.RunPython.noop),
    ]
