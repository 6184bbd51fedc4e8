"""The notes of the shipped GB 18218-2018 tables in Chinese and without the project's research
tags ("S21", "[CODE]", "[D]"): users read them under the tables. A note still exactly as
shipped is replaced (in every table version, copies included); anything an administrator wrote
is left alone. Notes take no part in an evaluation, so no result changes."""

from django.db import migrations

CHECK_NOTES = {
    '=2009': '同2009版',
    '=2009; 一氧化碳 → this row [D]': '同2009版；一氧化碳按本行计（本平台推定）',
    '2009 table showed 12 [CODE]; 2018 = 1': '2009版转录为12，2018版为1',
    'changed (S21)': '较2009版有变化',
    '(S21)': '经一个来源核实',
    'value (S21); the ≤55% wording: code says 55%, S21 says 25% — wording unconfirmed': '数值经一个来源核实；“≤55%”的表述各来源不一（55%或25%），未确认',
    '=2009 (S21)': '同2009版（经一个来源核实）',
    '2009 was 300 (S21)': '2009版为300',
    '2009 "硝酸铵基化肥" 1000 (S21)': '2009版为“硝酸铵基化肥”1000',
    '[CODE] only': '仅见于公开转录',
    'new in 2018 (S21)': '2018版新增',
    '=2009 value': '数值同2009版',
    '=2009 value (2009 wording differed)': '数值同2009版（2009版名称表述不同）',
}
CLASS_NOTES = {
    'category scope unconfirmed: one transcription says 类别2, S21 says 类别2、3; the value 500 t is [C2]': '类别范围未确认：一份转录为类别2，另一来源为类别2、3；临界量500吨经两个来源核实',
    'Q is the net mass': '临界量按净质量计',
}
OLD_SOURCE_NOTE = 'Table 1 [CODE]: two independent seed-data transcriptions of the 2018 standard agree on every row; rows marked =2009 also match GB 18218-2009. Tables 3, 5, 6 [C2]; Tables 2 and 4 [CODE ×2]. Default hazard classes of Table-1 chemicals (for Table-4 β) are our derivation [D]. Source: REGULATIONS.md §2.'


def forwards(apps, schema_editor):
    from anjian.majorhazards.data.gb18218_2018 import SOURCE_NOTE

    apps.get_model("majorhazards", "CriticalQuantityTable").objects.filter(source_note=OLD_SOURCE_NOTE).update(
        source_note=SOURCE_NOTE)
    NamedChemical = apps.get_model("majorhazards", "NamedChemical")
    for old, new in CHECK_NOTES.items():
        NamedChemical.objects.filter(check_note=old).update(check_note=new)
    Threshold = apps.get_model("majorhazards", "HazardClassThreshold")
    for old, new in CLASS_NOTES.items():
        Threshold.objects.filter(note=old).update(note=new)


class Migration(migrations.Migration):
    dependencies = [("majorhazards", "0002_load_gb18218_2018")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
