"""Reference rules of accident reporting and investigation beyond the grading table, shipped as
data with their sources (REGULATIONS.md §1.3), each editable in the admin:

- the investigation report's time limit (条例 Art. 29) — ``InvestigationTimeLimit``;
- the follow-up report (续报) cadence per grade (国家安全监管总局令第21号) — ``FollowUpCadence``;
- whether missing persons count with the deaths (statistical practice) — ``CasualtyCounting``.

The sources below are paraphrased in our own words. How sure each one is:

- Art. 29 (60 days from the accident, extendable once by at most 60 days, with the approval of
  the government in charge of the investigation): two independent restatements naming the
  article [C2]. Not handled here: the time of a technical appraisal does not count towards the
  limit (the regulation says so; its article number is not confirmed).
- 续报 at least once a day for 较大涉险事故, 一般事故 and 较大事故 and twice a day for 重大 and
  特别重大事故 [C2]; the article of 21号令 that says so (第十一条 by our reading of the order's
  structure) was not seen in a stored source and is marked unconfirmed in the source note. A
  较大涉险事故 (no casualties) is entered as an ordinary accident here and so gets the daily
  cadence. "At least N a day" is applied as "no more than 24 h ÷ N between two reports" [D].
- Missing persons: 《生产安全事故统计报表制度》 (2016) defines the statistical figure as
  "死亡和失踪（含下落不明）人数" — persons dead within 30 days (7 for road traffic and fire) or
  missing for longer than that [C]; the national bulletins report "死亡和下落不明" together [C2].
  Default here: missing persons count with the deaths for the grade and the statistics (without
  the 30/7-day condition: a person is missing until the figures are updated).
"""

import datetime

EFFECTIVE_FROM = "2007-06-01"  # 国务院令第493号 in force
CADENCE_FROM = "2009-07-01"  # 国家安全监管总局令第21号 in force

TIME_LIMIT = {
    "report_days": 60,
    "max_extension_days": 60,
    "source_note": "《生产安全事故报告和调查处理条例》(国务院令第493号) 第二十九条：事故调查组自事故发生之日起60日内"
                   "提交调查报告；特殊情况下经负责调查的人民政府批准可延长，延长最长不超过60日。",
}

CADENCE_SOURCE = ("《生产安全事故信息报告和处置办法》(国家安全监管总局令第21号，条号第十一条待核实)：较大涉险事故、一般事故、"
                  "较大事故每日至少续报1次；重大事故、特别重大事故每日至少续报2次。本系统按两次报告间隔不超过"
                  "24小时÷次数执行；较大涉险事故按一般事故登记。")
CADENCES = [  # (grade, per day)
    ("ordinary", 1),
    ("relatively_serious", 1),
    ("serious", 2),
    ("particularly_serious", 2),
]

COUNTING = {
    "missing_counted_as_deaths": True,
    "source_note": "《生产安全事故统计报表制度》(2016年) 指标解释：“死亡和失踪（含下落不明）人数”合并统计；全国事故通报"
                   "按“死亡和下落不明”计。本系统默认失踪人数计入死亡人数，用于定级和统计。",
}


def load(apps=None) -> int:
    """Create the rows that are missing; rows an administrator changed are left as they are.
    Answers how many rows were created."""
    if apps is None:
        from anjian.accidents.models import CasualtyCounting, FollowUpCadence, InvestigationTimeLimit
    else:
        InvestigationTimeLimit = apps.get_model("accidents", "InvestigationTimeLimit")
        FollowUpCadence = apps.get_model("accidents", "FollowUpCadence")
        CasualtyCounting = apps.get_model("accidents", "CasualtyCounting")
    created = 0
    _row, made = InvestigationTimeLimit.objects.get_or_create(
        effective_from=datetime.date.fromisoformat(EFFECTIVE_FROM), defaults=TIME_LIMIT)
    created += made
    since = datetime.date.fromisoformat(CADENCE_FROM)
    for grade, per_day in CADENCES:
        _row, made = FollowUpCadence.objects.get_or_create(
            grade=grade, effective_from=since, defaults={"per_day": per_day, "source_note": CADENCE_SOURCE})
        created += made
    if not CasualtyCounting.objects.exists():
        CasualtyCounting.objects.create(**COUNTING)
        created += 1
    return created
