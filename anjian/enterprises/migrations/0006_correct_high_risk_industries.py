"""Correct the industry taxonomy's high-risk flags against the law, give every flag its source,
and bring the enterprises whose flag came from their industry into line.

The taxonomy shipped by 0003 marked metallurgy, construction, road transport (with its
passenger and freight sub-sectors), waterway transport and fishing vessels — and, read the
same way, hazardous-chemical trading without storage, fireworks retail and railways/civil
aviation — as not high-risk, while 《安全生产法》 Art. 24 and the 《安全生产责任保险实施办法》
(应急〔2025〕27号 Art. 2, formerly 安监总办〔2017〕140号 Art. 6) name them (sources per code in
``enterprises/data/industries.py``).

Enterprises: the registry did not record where an enterprise's flag came from. The import
and the demo copied the industry's flag, and the form's box started unticked, so a flag equal
to the industry's flag (as it is, or as 0003 shipped it) is taken as "from the industry" and
follows the correction; a flag that differs from it was set by a person on purpose and is
kept, marked "set by hand". Every enterprise this changes gets a field-history row saying
why. An industry's flag is corrected only where the database still holds the value 0003
shipped, so an administrator's own change of an industry's flag is kept (its source note then
says so).
"""

from django.db import migrations
from django.utils import timezone

# code → (flag shipped by 0003, corrected flag). Frozen here: this is what this migration did.
CORRECTIONS = {
    "0303": (False, True),
    "0403": (False, True),
    "0501": (False, True),
    "06": (False, True),
    "0601": (False, True),
    "0602": (False, True),
    "07": (False, True),
    "0701": (False, True),
    "0702": (False, True),
    "08": (False, True),
    "14": (False, True),
    "19": (False, True),
}
REASON_CORRECTED = "依据《安全生产法》第二十四条等更正行业高危标志"
REASON_MANUAL = "高危标志与行业不同，认定依据记为人工认定"
ADMIN_CHANGED = "注意：本行业的高危标志已由管理员改为与下述依据不同的值，请核对。"
CHUNK = 2000


def _history(HistoricalEnterprise, rows: list, reason: str, now) -> None:
    """One "~" field-history row per enterprise, with its values after the change."""
    tracked = [f for f in HistoricalEnterprise._meta.concrete_fields
               if f.attname not in {"history_id", "history_date", "history_change_reason", "history_type",
                                    "history_user_id"}]
    HistoricalEnterprise.objects.bulk_create([
        HistoricalEnterprise(history_date=now, history_change_reason=reason, history_type="~", history_user_id=None,
                             **{f.attname: getattr(row, f.attname) for f in tracked})
        for row in rows
    ], batch_size=CHUNK)


def _in_chunks(queryset):
    """The rows of ``queryset`` in key order, CHUNK at a time (a province has a million)."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def correct(apps, schema_editor):
    from anjian.enterprises.data.industries import HIGH_RISK_SOURCES

    Industry = apps.get_model("enterprises", "Industry")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    HistoricalEnterprise = apps.get_model("enterprises", "HistoricalEnterprise")
    now = timezone.now()
    industries = list(Industry.objects.all())

    # 1. A flag that differs from its industry's flag — as it is now, or as 0003 shipped it
    #    (where an administrator has changed the industry since) — was set by a person.
    for industry in industries:
        derived = {industry.high_risk}
        if industry.code in CORRECTIONS:
            derived.add(CORRECTIONS[industry.code][0])
        if len(derived) == 2:
            continue  # both values are explained by the industry
        differing = Enterprise.objects.filter(industry_id=industry.pk, high_risk=not industry.high_risk)
        for rows in _in_chunks(differing):
            Enterprise.objects.filter(pk__in=[r.pk for r in rows]).update(high_risk_basis="manual")
            for r in rows:
                r.high_risk_basis = "manual"
            _history(HistoricalEnterprise, rows, REASON_MANUAL, now)

    # 2. The industries' flags, where they still hold what 0003 shipped, and every source.
    for industry in industries:
        change = CORRECTIONS.get(industry.code)
        if change and industry.high_risk == change[0]:
            industry.high_risk = change[1]
        source = HIGH_RISK_SOURCES.get(industry.code, "")
        if change and industry.high_risk != change[1]:
            source = ADMIN_CHANGED + source
        industry.high_risk_source = source
        industry.save(update_fields=["high_risk", "high_risk_source"])

    # 3. Every enterprise whose flag comes from its industry has the industry's flag.
    for industry in industries:
        following = Enterprise.objects.filter(industry_id=industry.pk, high_risk_basis="industry",
                                              high_risk=not industry.high_risk)
        for rows in _in_chunks(following):
            Enterprise.objects.filter(pk__in=[r.pk for r in rows]).update(high_risk=industry.high_risk)
            for r in rows:
                r.high_risk = industry.high_risk
            _history(HistoricalEnterprise, rows, REASON_CORRECTED, now)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0005_high_risk_basis_and_feature_tags")]
    # Not reversed: going back would restore flags that contradict the law.
    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
