"""Reference data of the credit scheme, loaded by the migrations and editable by administrators
afterwards (the loader creates missing rows and never changes existing ones).

Sources read for this app (stored copies of the official texts, found with the project's search):

- 原国家安全监管总局《对安全生产领域失信行为开展联合惩戒的实施办法》(安监总办〔2017〕49号):
  第二条 the ten untrustworthy behaviours that make an enterprise an object of joint punishment
  (第一项: a 较大 or graver responsible accident, or three or more fatal 一般 accidents in a year;
  第三项: a major hazard found and not rectified while work goes on; 第六项: an accident concealed or
  reported late, …); 第三条 the "black list" for graver cases; the term of one year from publication
  (the article number of the term was not read: unconfirmed).
- 国家发展改革委等18部门《关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》
  (发改财金〔2016〕1001号): 二、(一) 1 "加大执法检查频次", 2 "作为重点监管监察对象", 4 "暂停对其安全生产
  标准化评审" — the measures of a joint punishment notice and the direction of the frequency factor.
- 应急管理部《安全生产严重失信主体名单管理办法》(应急管理部令第11号, 2023-10-01 施行): 第三条 (严重失信 =
  a penalty for an accident or a violation, 性质恶劣、情节严重), 第四条 (谁处罚、谁决定、谁负责). The
  management term of three years and early removal after twelve months on the list are reported in
  provincial texts implementing it (山西省应急管理厅 2024, 鲁应急发〔2024〕10号); the article numbers of
  the order itself were not read: unconfirmed.

No national text fixes points per record, a decay window or grade thresholds: every number of the
score is our default, marked unconfirmed, for the bureau to set."""

from __future__ import annotations

BASIS_49 = "《对安全生产领域失信行为开展联合惩戒的实施办法》（安监总办〔2017〕49号）"
BASIS_1001 = "《关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》（发改财金〔2016〕1001号）"
BASIS_11 = "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）"
OURS = "分值为本平台示例默认值，未见全国统一规定，由监管部门确定。"

# (code, name, polarity, points, source, certainty, sort)
KINDS = [
    ("case_penalty", "受到安全生产行政处罚", "bad", -10,
     f"{BASIS_11}第三条（因违反安全生产法律法规受到行政处罚）。{OURS}", "unconfirmed", 10),
    ("accident_ordinary", "发生一般生产安全事故", "bad", -20,
     f"{BASIS_49}第二条第（一）项（1年内累计3起及以上造成人员死亡的一般事故纳入联合惩戒）。{OURS}", "unconfirmed", 20),
    ("accident_grave", "发生较大及以上生产安全事故", "bad", -40,
     f"{BASIS_49}第二条第（一）项（发生较大及以上生产安全责任事故）。{OURS}", "unconfirmed", 30),
    ("listed_hazard", "重大事故隐患被挂牌督办", "bad", -10,
     f"{BASIS_49}第二条第（三）项（重大隐患不及时整改仍冒险作业）的前置情形；挂牌督办本身计分为本平台做法。{OURS}",
     "unconfirmed", 40),
    ("standardisation_failed", "安全生产标准化抽查不合格", "bad", -10,
     f"{BASIS_1001}二、（一）4（暂停标准化评审、撤销证书）。{OURS}", "unconfirmed", 50),
    ("other_bad", "其他失信行为（人工录入）", "bad", -10, f"{BASIS_49}第二条所列其他失信行为。{OURS}", "unconfirmed", 60),
    ("commendation", "安全生产表彰奖励", "good", 5, f"地方工作要点：健全企业违法行为、表彰奖励记录和公示制度。{OURS}",
     "unconfirmed", 70),
    ("standardisation_grade", "取得安全生产标准化等级", "good", 5,
     f"地方工作要点：通过安全生产标准化等机制引导企业。{OURS}", "unconfirmed", 80),
    ("other_good", "其他守信行为（人工录入）", "good", 5, OURS, "unconfirmed", 90),
]

GRADE_SOURCE = ("等级名称（诚信、基本诚信、失信、严重失信）见各地安全生产诚信评价办法；分数线为本平台示例默认值，"
                "未见全国统一规定。列入严重失信主体名单的企业一律为D级：" + BASIS_11 + "。")
GREEN_SOURCE = ("地方工作要点：对安全生产诚实守信企业在相关安全生产行政审批等工作中开辟“绿色通道”优先办理，"
                "对失信企业加强执法检查的力度。")
# (grade, min score, green channel, more inspections)
GRADES = [
    ("A", 105, True, False),
    ("B", 90, False, False),
    ("C", 70, False, True),
    ("D", -32768, False, True),
]

PARAMETERS = [
    ("base_score", 100, f"{OURS}", "unconfirmed"),
    ("decay_months", 24, f"记录计入分数的月数。{OURS}", "unconfirmed"),
    ("listing_term_months", 36,
     f"{BASIS_11}：严重失信主体名单管理期限3年（据山西省应急管理厅2024年实施制度、鲁应急发〔2024〕10号转述，"
     "部令条文序号未核对）。", "unconfirmed"),
    ("repair_after_months", 12,
     f"{BASIS_11}：列入满12个月可申请提前移出（信用修复；据地方实施制度转述，部令条文序号未核对）。", "unconfirmed"),
    ("confirm_days", 7, "待确认记录的提醒天数：本平台规则，非法规要求。", "unconfirmed"),
    ("term_warn_days", 30, "名单期满前提醒天数：本平台规则，非法规要求。", "unconfirmed"),
]


def load(apps) -> None:
    """Create the missing reference rows (idempotent; never changes existing ones)."""
    Kind = apps.get_model("credit", "CreditRecordKind")
    Band = apps.get_model("credit", "GradeBand")
    Param = apps.get_model("credit", "CreditParameter")
    for code, name, polarity, points, source, certainty, sort in KINDS:
        Kind.objects.get_or_create(code=code, defaults={"name": name, "polarity": polarity, "points": points,
                                                        "source": source, "certainty": certainty, "sort": sort})
    for grade, low, green, more in GRADES:
        source = GRADE_SOURCE + (GREEN_SOURCE if green or more else "")
        Band.objects.get_or_create(grade=grade, defaults={"min_score": low, "green_channel": green,
                                                          "more_inspections": more, "source": source,
                                                          "certainty": "unconfirmed"})
    for code, value, source, certainty in PARAMETERS:
        Param.objects.get_or_create(code=code, defaults={"value": value, "source": source, "certainty": certainty})
