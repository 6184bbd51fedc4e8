from django.db import migrations


def load(apps, schema_editor):
    from anjian.obligations.data.parameters import load as load_parameters
    from anjian.obligations.data.safety_org import load as load_requirements

    load_parameters(apps)
    load_requirements(apps)


class Migration(migrations.Migration):
    dependencies = [("obligations", "0003_standardisation_organisation_commitments"),
                    ("enterprises", "0007_load_feature_tags")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
