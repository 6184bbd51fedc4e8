"""The notes of the shipped risk profiles, the major-source grade rule and the supervision
frequencies in Chinese (their users read them): a note still as shipped in English is replaced;
one an administrator edited is left alone."""

from django.db import migrations

OLD_PROFILE_NOTES = {
    "LEC-V1": "Source S33 (a generic enterprise document): >320 major, 160–320 high, 70–159 moderate, 20–69 low. Lower-inclusive: 160, 70 and 20 belong to the higher band; 320 belongs to high. S33 leaves D < 20 'not graded' (稍有危险，可以接受); we map it to low so every score has a level. Certainty: [VAR] — no official guidance prescribes an LEC→colour mapping.",
    "LEC-V2": "Source S29 (a construction company document): >320 (1级) major, 160–320 (2级) high, 70–160 (3级) moderate, <70 (4级) low. The source lists 160 in both the high and the moderate band; our reading: 160 belongs to high (the band it is listed in first, as its lower bound), so moderate is 70 ≤ D < 160. Certainty: [VAR].",
    "LEC-V3": "Source S34 (deployed code), upper-inclusive bands: D > 160 major; 70 < D ≤ 160 high; 20 < D ≤ 70 moderate; D ≤ 20 low. Chosen as the default for LEC because no official guidance exists (REGULATIONS.md §3.2) and it is the strictest of the three (D > 160 is already major), so a risk is never graded lower than another shipped reading would grade it; it is also the mapping deployed software uses. Administrators can choose another default. Certainty: [VAR].",
    "LS-A": "Source S38 (coal-mine risk document): R 20–25 major, 9–16 high, 4–8 moderate, 1–3 low (轻微). Chosen as the default for LS because it is the stricter of the two (R = 9 is high, not moderate); no official LS thresholds were found (REGULATIONS.md §3.3). Certainty: [VAR].",
    "LS-B": "Source S39 (a journal paper that says it follows the national four-colour rule): R 20–25 major, 10–16 high, 4–9 moderate, 1–3 low. Certainty: [VAR]."
}

OLD_GRADE_NOTE = ("Our rule, not a regulation: an enterprise with a major hazard source of this grade "
                  "(GB 18218, grade 1 gravest) is at least of this overall risk level. Editable.")
OLD_FREQUENCY_NOTE = ("Example default, not from a regulation: the bureau sets the planned number of "
                      "regulator inspections a year per overall risk level.")


def forwards(apps, schema_editor):
    from anjian.risks.data.reference import FREQUENCY_NOTE, PROFILES, SOURCE_GRADE_NOTE

    Profile = apps.get_model("risks", "RiskProfile")
    for code, _name, _method, _default, _sort, note, _bands in PROFILES:
        Profile.objects.filter(code=code, note=OLD_PROFILE_NOTES.get(code)).update(note=note)
    apps.get_model("risks", "SourceGradeLevel").objects.filter(note=OLD_GRADE_NOTE).update(note=SOURCE_GRADE_NOTE)
    apps.get_model("risks", "SupervisionFrequency").objects.filter(note=OLD_FREQUENCY_NOTE).update(
        note=FREQUENCY_NOTE)


class Migration(migrations.Migration):
    dependencies = [("risks", "0003_map_unlocated_index")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
