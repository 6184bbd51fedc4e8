"""Source notes of the shipped criteria documents without the project's research tags
("资料 S56", "[C2]", "[CODE]"): the certainty is shown as a badge in words, and the note names
the sources and what is unconfirmed in words. Only a note still as shipped (it carries such a
tag) is replaced; one an administrator wrote is left alone."""

import re

from django.db import migrations

TAGGED = re.compile(r"资料 S\d+|\[(?:C2|C|CODE|D|VAR)\]")


def forwards(apps, schema_editor):
    from anjian.standards.data.criteria import DOCUMENTS

    Document = apps.get_model("standards", "CriteriaDocument")
    for doc in DOCUMENTS:
        for row in Document.objects.filter(code=doc["code"]).only("pk", "source_note"):
            if TAGGED.search(row.source_note):
                Document.objects.filter(pk=row.pk).update(source_note=doc["source_note"])


class Migration(migrations.Migration):
    dependencies = [("standards", "0006_checklist_enterprise")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
