"""条例 Art. 3 grading thresholds, shipped as reference data (REGULATIONS.md §1.2, [C2]).

Each row is the inclusive lower bound ("以上包括本数") at which one criterion reaches a grade;
the ordinary grade is what remains below the relatively-serious bounds ("以下不包括本数").
Direct economic loss is in yuan (1000万元 = 10,000,000). Administrators edit the rows in the
admin (with history); a supplementary rule is a new row set with a later ``effective_from``.
"""

from decimal import Decimal

EFFECTIVE_FROM = "2007-06-01"  # 国务院令第493号 in force
SOURCE = "《生产安全事故报告和调查处理条例》(国务院令第493号) 第三条"

# (grade, criterion, lower bound)
THRESHOLDS = [
    ("particularly_serious", "deaths", Decimal(30)),
    ("serious", "deaths", Decimal(10)),
    ("relatively_serious", "deaths", Decimal(3)),
    ("particularly_serious", "serious_injuries", Decimal(100)),
    ("serious", "serious_injuries", Decimal(50)),
    ("relatively_serious", "serious_injuries", Decimal(10)),
    ("particularly_serious", "direct_loss", Decimal(100_000_000)),
    ("serious", "direct_loss", Decimal(50_000_000)),
    ("relatively_serious", "direct_loss", Decimal(10_000_000)),
]


def load(apps=None) -> int:
    """Create the rows that are missing (keyed by grade, criterion, effective_from); rows an
    administrator changed are left as they are. Answers how many rows were created."""
    import datetime

    if apps is None:
        from anjian.accidents.models import GradingThreshold
    else:
        GradingThreshold = apps.get_model("accidents", "GradingThreshold")
    day = datetime.date.fromisoformat(EFFECTIVE_FROM)
    created = 0
    for grade, criterion, bound in THRESHOLDS:
        _row, made = GradingThreshold.objects.get_or_create(
            grade=grade, criterion=criterion, effective_from=day,
            defaults={"lower_bound": bound, "source_note": SOURCE})
        created += made
    return created
