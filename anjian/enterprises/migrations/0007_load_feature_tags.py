"""Reference data: the feature tags (特征标签) campaigns and statistics select enterprises by."""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.enterprises.reference import load_feature_tags

    load_feature_tags(apps.get_model("enterprises", "FeatureTag"))


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0006_correct_high_risk_industries")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
