"""Names and notes of the shipped evaluation profiles without the project's research tags
("S34", "[VAR]", "REGULATIONS.md §3.2"): users read them, so they say the source and how sure
it is in words. Only a name or note still as shipped (it carries such a tag) is replaced; one an
administrator wrote is left alone."""

import re

from django.db import migrations

TAGGED = re.compile(r"S\d{2}|\[(?:C2|C|CODE|D|VAR)\]|REGULATIONS\.md")


def forwards(apps, schema_editor):
    from anjian.risks.data.reference import PROFILES

    Profile = apps.get_model("risks", "RiskProfile")
    for code, name, _method, _default, _sort, note, _bands in PROFILES:
        profile = Profile.objects.filter(code=code).first()
        if profile is None:
            continue
        changed = []
        if TAGGED.search(profile.name):
            profile.name = name
            changed.append("name")
        if TAGGED.search(profile.note):
            profile.note = note
            changed.append("note")
        if changed:
            profile.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("risks", "0004_notes_in_chinese")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
