"""The reporting cadences the committee office enforces, with their sources, loaded into
``steering.ReportingRule`` by the migration ``0002_load_reporting_rules`` (an administrator edits
them afterwards; a change of rule is a new row with a later ``effective_from``).

What the seeds say, and what they do not:

- 两议一报 (seed 004, 《长治：夯实安全发展基石 打造安全发展城市》, 2017-02-21, part 1 三): "各县市区和市直
  部门每月要至少召开2次专题会议研究安全生产工作，同时要每月书面向市政府及安委办报告上月安全生产
  工作情况" — at least two meetings a month, and a written report of the previous month. The text
  names no due day: the 5th of the next month is our default, marked unconfirmed.
- Half-year and year-end progress reports of the year's work points (seed 003, 江西省安全生产委员会
  印发《江西省2020年安全生产工作要点》的通知, 2020-03-02): "请于2020年6月底和年底前分别将半年度和年度
  工作完成情况报送省安委会办公室" — due by 30 June and 31 December.
"""

from __future__ import annotations

RULES = [
    {
        "code": "monthly_report",
        "effective_from": "2017-01-01",
        "due_month": None,
        "due_day": 5,
        "min_meetings": 2,
        "is_confirmed": False,
        "source": "《长治：夯实安全发展基石 打造安全发展城市》（2017-02-21）一、（三）“两议一报”制度：各县市区和市直部门每月"
                  "至少召开2次专题会议研究安全生产工作，每月书面报告上月安全生产工作情况。",
        "note": "来源只规定“每月报告上月情况”，未规定报送截止日；每月5日为本系统默认值，未经确认，安委办可按本地规定修改。",
    },
    {
        "code": "half_year_progress",
        "effective_from": "2020-01-01",
        "due_month": 6,
        "due_day": 30,
        "min_meetings": None,
        "is_confirmed": True,
        "source": "江西省安全生产委员会《关于印发〈江西省2020年安全生产工作要点〉的通知》（2020年3月2日）："
                  "各地、各有关部门请于2020年6月底和年底前分别将半年度和年度工作完成情况报送省安委会办公室。",
        "note": "",
    },
    {
        "code": "year_end_progress",
        "effective_from": "2020-01-01",
        "due_month": 12,
        "due_day": 31,
        "min_meetings": None,
        "is_confirmed": True,
        "source": "江西省安全生产委员会《关于印发〈江西省2020年安全生产工作要点〉的通知》（2020年3月2日）："
                  "各地、各有关部门请于2020年6月底和年底前分别将半年度和年度工作完成情况报送省安委会办公室。",
        "note": "",
    },
]


def load(apps, schema_editor=None) -> None:
    """Create the shipped rows that are missing (idempotent: an administrator's edits are kept)."""
    import datetime

    rule_model = apps.get_model("steering", "ReportingRule")
    for row in RULES:
        data = dict(row)
        data["effective_from"] = datetime.date.fromisoformat(data["effective_from"])
        code, effective_from = data.pop("code"), data.pop("effective_from")
        rule_model.objects.get_or_create(code=code, effective_from=effective_from, defaults=data)
