"""Reference data of the administrative cases (行政执法案件), loaded by the migration
``enforcement.0005_cases`` and editable by administrators afterwards (the loader creates missing
rows and never changes existing ones).

Every row names its document and article and how sure we are of it (``certainty``):

- ``confirmed``: the article's wording (number and fine range) was read in a stored copy of the
  text (the 2021 《安全生产法》 Arts. 95, 99, 102, 108 were; 《行政处罚法》 Art. 60 was);
- ``unconfirmed``: from the law as we know it, not verified in a stored copy in this round — the
  bureau checks it against the official text and corrects it in the admin.

The descriptions are our own short wording of each violation, not the law's text.

Discretion tiers (裁量阶次): 《应急管理行政裁量权基准暂行规定》 (应急管理部令第12号, in force
2024-01-01) names the tiers 从轻 / 一般 / 从重, and the ministry's 《应急管理行政处罚裁量权基准》
(应急〔2024〕90号, 2024-11-01) replaced the old 《安全生产行政处罚自由裁量标准》. We could not read the
基准's own ranges, so every tier range here is our default split of the statutory range
(从轻: the lower 40 %, 一般: 40–60 %, 从重: the upper 40 %), marked unconfirmed: replace it with the
province's published 基准.
"""

from __future__ import annotations

from decimal import Decimal

LAW = "《中华人民共和国安全生产法》（2021年修正，主席令第88号）"
TIER_SOURCE = ("裁量阶次依《应急管理行政裁量权基准暂行规定》（应急管理部令第12号）；各阶次金额为本平台按法定幅度划分的"
               "示例默认值（从轻为下限起40%，一般为40%–60%，从重为60%起至上限），应按省级《应急管理行政处罚裁量权基准》"
               "（参照应急〔2024〕90号）调整。")

# (code, article, short description, penalty provision (our summary), min fine, max fine, measures, certainty)
# Fines in yuan, for the unit (生产经营单位) unless the description names a person.
W = 10_000
VIOLATIONS: list[tuple[str, str, str, str, int, int, str, str]] = [
    ("SCF-094", "第九十四条第一款", "主要负责人未履行本法规定的安全生产管理职责",
     "责令限期改正，处二万元以上五万元以下的罚款（对主要负责人）；逾期未改正的，处五万元以上十万元以下的罚款，"
     "责令生产经营单位停产停业整顿", 2 * W, 5 * W, "suspension", "unconfirmed"),
    ("SCF-095-1", "第九十五条第一项", "主要负责人未履行安全生产管理职责，导致发生一般事故",
     "处上一年年收入百分之四十的罚款（对主要负责人）", 0, 0, "", "confirmed"),
    ("SCF-096", "第九十六条", "其他负责人和安全生产管理人员未履行本法规定的安全生产管理职责",
     "责令限期改正，处一万元以上三万元以下的罚款（对个人）", 1 * W, 3 * W, "", "unconfirmed"),
    ("SCF-097-1", "第九十七条第一项", "未按照规定设置安全生产管理机构或者配备安全生产管理人员、注册安全工程师",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     0, 10 * W, "", "unconfirmed"),
    ("SCF-097-2", "第九十七条第二项", "高危行业主要负责人和安全生产管理人员未按照规定经考核合格",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     0, 10 * W, "", "unconfirmed"),
    ("SCF-097-3", "第九十七条第三项", "未按照规定对从业人员、被派遣劳动者、实习学生进行安全生产教育和培训，或者未如实告知有关事项",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     0, 10 * W, "", "unconfirmed"),
    ("SCF-097-4", "第九十七条第四项", "未如实记录安全生产教育和培训情况",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     0, 10 * W, "", "unconfirmed"),
    ("SCF-097-6", "第九十七条第六项", "未按照规定制定生产安全事故应急救援预案或者未定期组织演练",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     0, 10 * W, "", "unconfirmed"),
    ("SCF-097-7", "第九十七条第七项", "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     0, 10 * W, "", "unconfirmed"),
    ("SCF-098-1", "第九十八条第一项", "高危建设项目未按照规定进行安全评价",
     "责令停止建设或者停产停业整顿，限期改正，并处十万元以上五十万元以下的罚款", 10 * W, 50 * W, "suspension",
     "unconfirmed"),
    ("SCF-098-4", "第九十八条第四项", "高危建设项目竣工投入生产或者使用前，安全设施未经验收合格",
     "责令停止建设或者停产停业整顿，限期改正，并处十万元以上五十万元以下的罚款", 10 * W, 50 * W, "suspension",
     "unconfirmed"),
    ("SCF-099-1", "第九十九条第一项", "未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志",
     "责令限期改正，处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款；情节严重的，责令停产停业整顿",
     0, 5 * W, "", "confirmed"),
    ("SCF-099-2", "第九十九条第二项", "安全设备的安装、使用、检测、改造和报废不符合国家标准或者行业标准",
     "责令限期改正，处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款；情节严重的，责令停产停业整顿",
     0, 5 * W, "", "confirmed"),
    ("SCF-099-3", "第九十九条第三项", "未对安全设备进行经常性维护、保养和定期检测",
     "责令限期改正，处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款；情节严重的，责令停产停业整顿",
     0, 5 * W, "", "confirmed"),
    ("SCF-099-4", "第九十九条第四项", "关闭、破坏直接关系生产安全的监控、报警、防护、救生设备设施，或者篡改、隐瞒、销毁其数据",
     "责令限期改正，处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款；情节严重的，责令停产停业整顿",
     0, 5 * W, "", "confirmed"),
    ("SCF-099-5", "第九十九条第五项", "未为从业人员提供符合国家标准或者行业标准的劳动防护用品",
     "责令限期改正，处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款；情节严重的，责令停产停业整顿",
     0, 5 * W, "", "confirmed"),
    ("SCF-099-7", "第九十九条第七项", "使用应当淘汰的危及生产安全的工艺、设备",
     "责令限期改正，处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款；情节严重的，责令停产停业整顿",
     0, 5 * W, "", "confirmed"),
    ("SCF-099-8", "第九十九条第八项", "餐饮等行业的生产经营单位使用燃气未安装可燃气体报警装置",
     "责令限期改正，处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款；情节严重的，责令停产停业整顿",
     0, 5 * W, "", "confirmed"),
    ("SCF-101-1", "第一百零一条第一项", "生产、经营、运输、储存、使用危险物品或者处置废弃危险物品，未建立专门安全管理制度、未采取可靠的安全措施",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     0, 10 * W, "", "unconfirmed"),
    ("SCF-101-2", "第一百零一条第二项", "对重大危险源未登记建档，未进行定期检测、评估、监控，未制定应急预案，或者未告知应急措施",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     0, 10 * W, "", "unconfirmed"),
    ("SCF-101-3", "第一百零一条第三项", "进行爆破、吊装、动火、临时用电等危险作业，未安排专门人员进行现场安全管理",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     0, 10 * W, "", "unconfirmed"),
    ("SCF-101-4", "第一百零一条第四项", "未建立安全风险分级管控制度或者未按照安全风险分级采取相应管控措施",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     0, 10 * W, "", "unconfirmed"),
    ("SCF-101-5", "第一百零一条第五项", "未建立事故隐患排查治理制度，或者重大事故隐患排查治理情况未按照规定报告",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     0, 10 * W, "", "unconfirmed"),
    ("SCF-102", "第一百零二条", "未采取措施消除事故隐患",
     "责令立即消除或者限期消除，处五万元以下的罚款；拒不执行的，责令停产停业整顿，对直接负责的主管人员和其他直接责任人员"
     "处五万元以上十万元以下的罚款", 0, 5 * W, "", "confirmed"),
    ("SCF-103-1", "第一百零三条第一款", "将生产经营项目、场所、设备发包或者出租给不具备安全生产条件或者相应资质的单位或者个人"
     "（无违法所得或者违法所得不足十万元）",
     "责令限期改正，没收违法所得；单处或者并处十万元以上二十万元以下的罚款", 10 * W, 20 * W, "", "unconfirmed"),
    ("SCF-104", "第一百零四条", "同一作业区域内的两个以上生产经营单位未签订安全生产管理协议或者未指定专职人员进行安全检查与协调",
     "责令限期改正，处五万元以下的罚款；逾期未改正的，责令停产停业", 0, 5 * W, "", "unconfirmed"),
    ("SCF-105-2", "第一百零五条第二项", "生产经营场所和员工宿舍未设有符合紧急疏散需要的出口、疏散通道，或者占用、锁闭、封堵出口、"
     "疏散通道", "责令限期改正，处五万元以下的罚款；逾期未改正的，责令停产停业整顿", 0, 5 * W, "", "unconfirmed"),
    ("SCF-108", "第一百零八条", "拒绝、阻碍负有安全生产监督管理职责的部门依法实施监督检查",
     "责令改正；拒不改正的，处二万元以上二十万元以下的罚款", 2 * W, 20 * W, "", "confirmed"),
    ("SCF-109", "第一百零九条", "高危行业、领域的生产经营单位未按照国家规定投保安全生产责任保险",
     "责令限期改正，处五万元以上十万元以下的罚款；逾期未改正的，处十万元以上二十万元以下的罚款", 5 * W, 10 * W, "",
     "unconfirmed"),
    ("SCF-113-2", "第一百一十三条第二项", "经停产停业整顿，仍不具备法律、行政法规和国家标准或者行业标准规定的安全生产条件",
     "提请地方人民政府予以关闭，有关部门依法吊销其有关证照", 0, 0, "closure", "unconfirmed"),
    ("SCF-114-1", "第一百一十四条第一项", "对发生一般生产安全事故负有责任",
     "处三十万元以上一百万元以下的罚款", 30 * W, 100 * W, "", "unconfirmed"),
    ("SCF-114-2", "第一百一十四条第二项", "对发生较大生产安全事故负有责任",
     "处一百万元以上二百万元以下的罚款", 100 * W, 200 * W, "", "unconfirmed"),
]

TIERS = [("lighter", Decimal("0"), Decimal("0.4")), ("general", Decimal("0.4"), Decimal("0.6")),
         ("heavier", Decimal("0.6"), Decimal("1"))]

# --- time limits of a case (days) --------------------------------------------------------------
# (code, days, day kind, extension days, source, certainty)
TIME_LIMITS: list[tuple[str, int, str, int, str, str]] = [
    ("file", 7, "working", 0,
     "《中华人民共和国行政处罚法》第五十四条：符合立案标准的应当及时立案。“发现后7个工作日内立案”为本平台示例默认值，"
     "未见安全生产领域的全国统一天数，由执法部门按本省规定调整。", "unconfirmed"),
    ("decide", 90, "natural", 90,
     "《中华人民共和国行政处罚法》（2021年修订）第六十条：自立案之日起九十日内作出行政处罚决定；法律、法规、规章另有规定的"
     "从其规定。可延长的天数（90日，经负责人批准）据原《安全生产违法行为行政处罚办法》（国家安全监管总局令第15号，"
     "第77号令修正）；该办法已由应急管理部令第18号（2026年2月1日施行）取代，新办法的延期规定未能核实。", "unconfirmed"),
    ("hearing_request", 5, "natural", 0,
     "《中华人民共和国行政处罚法》第六十四条第一项：当事人要求听证的，应当在行政机关告知后五日内提出。", "unconfirmed"),
    ("delivery", 7, "natural", 0,
     "《中华人民共和国行政处罚法》第六十一条：行政处罚决定书应当在宣告后当场交付当事人；当事人不在场的，应当在七日内送达。",
     "unconfirmed"),
    ("payment", 15, "natural", 0,
     "《中华人民共和国行政处罚法》第六十七条第三款：当事人应当自收到行政处罚决定书之日起十五日内，到指定的银行或者通过电子"
     "支付系统缴纳罚款。", "unconfirmed"),
]

# --- thresholds of a case ----------------------------------------------------------------------
# (code, amount in yuan, source, certainty)
THRESHOLDS: list[tuple[str, int, str, str]] = [
    ("review_unit", 5 * W,
     "《中华人民共和国行政处罚法》第五十八条：涉及重大公共利益、直接关系当事人重大权益、经过听证程序等情形，作出决定前应当"
     "进行法制审核。较大数额罚款的数额（对单位5万元以上）据原《安全生产违法行为行政处罚办法》（总局令第15号）第三十三条；"
     "各省人大常委会或者人民政府另有规定的从其规定。", "unconfirmed"),
    ("review_person", 2 * W,
     "同上：较大数额罚款对个人为2万元以上（原总局令第15号第三十三条；省级规定优先）。", "unconfirmed"),
]


def load(apps) -> None:
    """Create the missing catalogue rows, tiers, time limits and thresholds (idempotent; never
    changes an existing row, so an administrator's corrections are kept)."""
    Violation = apps.get_model("enforcement", "Violation")
    Tier = apps.get_model("enforcement", "DiscretionTier")
    Limit = apps.get_model("enforcement", "CaseTimeLimit")
    Threshold = apps.get_model("enforcement", "CaseThreshold")
    for order, (code, article, name, penalty, low, high, measure, certainty) in enumerate(VIOLATIONS, start=1):
        v, made = Violation.objects.get_or_create(code=code, defaults={
            "name": name, "law": LAW, "article": article, "penalty": penalty, "min_fine": Decimal(low),
            "max_fine": Decimal(high), "measure": measure, "certainty": certainty, "order": order,
            "source": f"{LAW}{article}"})
        if made and high:
            span = Decimal(high - low)
            for tier, a, b in TIERS:
                Tier.objects.get_or_create(violation=v, tier=tier, defaults={
                    "min_fine": (Decimal(low) + span * a).quantize(Decimal(1)),
                    "max_fine": (Decimal(low) + span * b).quantize(Decimal(1)),
                    "source": TIER_SOURCE, "certainty": "unconfirmed"})
    for code, days, kind, extension, source, certainty in TIME_LIMITS:
        Limit.objects.get_or_create(code=code, defaults={"days": days, "day_kind": kind, "extension_days": extension,
                                                         "source": source, "certainty": certainty})
    for code, amount, source, certainty in THRESHOLDS:
        Threshold.objects.get_or_create(code=code, defaults={"amount": Decimal(amount), "source": source,
                                                             "certainty": certainty})
