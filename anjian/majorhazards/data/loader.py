"""Idempotent loader of the GB 18218-2018 tables (version 1), called by the data migration and by
``reference.ensure()`` after a transactional test's flush.

Rows are keyed by (table, row number / symbol / band start / grade): missing rows are created,
rows that exist are left as they are, so an administrator's edits are never overwritten. When no
version is current yet, the shipped version becomes current.
"""

import datetime
from decimal import Decimal

from . import gb18218_2018 as data


def load(apps, schema_editor=None) -> None:
    Table = apps.get_model("majorhazards", "CriticalQuantityTable")
    NamedChemical = apps.get_model("majorhazards", "NamedChemical")
    HazardClassThreshold = apps.get_model("majorhazards", "HazardClassThreshold")
    AlphaBand = apps.get_model("majorhazards", "AlphaBand")
    GradeBand = apps.get_model("majorhazards", "GradeBand")

    table, created = Table.objects.get_or_create(code=data.CODE, version=1, defaults={
        "title": data.TITLE, "effective_from": datetime.date.fromisoformat(data.EFFECTIVE_FROM),
        "source_note": data.SOURCE_NOTE, "is_current": False,
    })
    if not Table.objects.filter(is_current=True).exists():
        Table.objects.filter(pk=table.pk).update(is_current=True)

    have = set(NamedChemical.objects.filter(table=table).values_list("seq", flat=True))
    NamedChemical.objects.bulk_create([
        NamedChemical(table=table, seq=seq, name=name, aliases="; ".join(aliases), cas_numbers="; ".join(cas),
                      critical_quantity=Decimal(q), check_note=note, default_class=cls,
                      beta=Decimal(data.TABLE_3[seq][1]) if seq in data.TABLE_3 else None,
                      beta_gas=data.TABLE_3[seq][0] if seq in data.TABLE_3 else "")
        for seq, name, aliases, cas, q, note, cls in data.TABLE_1 if seq not in have
    ])
    have = set(HazardClassThreshold.objects.filter(table=table).values_list("symbol", flat=True))
    HazardClassThreshold.objects.bulk_create([
        HazardClassThreshold(table=table, symbol=symbol, hazard_class=cls, description=desc,
                             critical_quantity=Decimal(q), beta=Decimal(beta), note=note, sort=n * 10)
        for n, (symbol, cls, desc, q, beta, note) in enumerate(data.TABLE_2, start=1) if symbol not in have
    ])
    have = set(AlphaBand.objects.filter(table=table).values_list("min_population", flat=True))
    AlphaBand.objects.bulk_create([
        AlphaBand(table=table, min_population=lo, max_population=hi, alpha=Decimal(alpha))
        for lo, hi, alpha in data.TABLE_5 if lo not in have
    ])
    have = set(GradeBand.objects.filter(table=table).values_list("grade", flat=True))
    GradeBand.objects.bulk_create([
        GradeBand(table=table, grade=grade, min_r=Decimal(lo) if lo else None, max_r=Decimal(hi) if hi else None)
        for grade, lo, hi in data.TABLE_6 if grade not in have
    ])
